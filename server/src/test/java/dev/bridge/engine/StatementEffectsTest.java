package dev.bridge.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bridge.config.DatabaseConfig;
import dev.bridge.engine.StatementEffects.TransactionEffect;
import java.sql.SQLException;
import java.sql.Statement;
import org.duckdb.DuckDBConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class StatementEffectsTest {
  private static DuckDbEngine engine;
  private static DuckDBConnection connection;
  private static String db;

  @BeforeAll
  static void open() throws SQLException {
    engine = DuckDbEngine.open(DatabaseConfig.DEFAULT.withPath(DatabaseConfig.IN_MEMORY));
    connection = engine.connect();
    try (Statement statement = connection.createStatement()) {
      statement.execute("CREATE TABLE t(i INTEGER PRIMARY KEY)");
      statement.execute("CREATE SCHEMA s");
      statement.execute("CREATE TABLE s.u(i INTEGER)");
      var rs = statement.executeQuery("SELECT current_database()");
      rs.next();
      db = rs.getString(1);
    }
  }

  @AfterAll
  static void close() throws SQLException {
    connection.close();
    engine.close();
  }

  private static TableName table(String schema, String name) {
    return new TableName(db, schema, name);
  }

  @Test
  void recognisesStatementsThatOpenOrEndATransaction() {
    assertThat(StatementEffects.of(connection, "BEGIN TRANSACTION").transaction()).isEqualTo(TransactionEffect.BEGINS);
    assertThat(StatementEffects.of(connection, "  start transaction;").transaction())
        .isEqualTo(TransactionEffect.BEGINS);
    assertThat(StatementEffects.of(connection, "-- load\n/* step 2 */ COMMIT").transaction())
        .isEqualTo(TransactionEffect.COMMITS);
    assertThat(StatementEffects.of(connection, "rollback").transaction()).isEqualTo(TransactionEffect.ROLLS_BACK);
    assertThat(StatementEffects.of(connection, "ABORT").transaction()).isEqualTo(TransactionEffect.ROLLS_BACK);
  }

  @Test
  void ignoresEverythingElse() {
    assertThat(StatementEffects.of(connection, "SELECT 'BEGIN'")).isEqualTo(StatementEffects.NONE);
    assertThat(StatementEffects.of(connection, "CREATE TABLE commit_log(i INT)").transaction())
        .isEqualTo(TransactionEffect.NONE);
    assertThat(StatementEffects.of(connection, "SET threads = 2")).isEqualTo(StatementEffects.NONE);
  }

  @Test
  void namesTheTablesDmlAndDdlWrite() {
    assertThat(StatementEffects.of(connection, "INSERT INTO t VALUES (?)").writes().tables())
        .containsExactly(table("main", "t"));
    assertThat(StatementEffects.of(connection, "UPDATE s.u SET i = t.i FROM t").writes())
        .isEqualTo(Writes.of(table("s", "u")));
    assertThat(StatementEffects.of(connection, "DELETE FROM s.u").writes()).isEqualTo(Writes.of(table("s", "u")));
    assertThat(StatementEffects.of(connection, "DROP TABLE s.u").writes()).isEqualTo(Writes.of(table("s", "u")));
    assertThat(StatementEffects.of(connection, "INSERT INTO t VALUES (7) RETURNING i").writes())
        .isEqualTo(Writes.of(table("main", "t")));
  }

  @Test
  void creatingOrAlteringATableNamesItAndMovesTheEpochForItMayShadowAnother() {
    assertThat(StatementEffects.of(connection, "CREATE TABLE fresh AS SELECT 1 AS x").writes())
        .isEqualTo(Writes.of(table("main", "fresh")).plus(Writes.UNKNOWN));
    assertThat(StatementEffects.of(connection, "ALTER TABLE t ADD COLUMN j INT").writes())
        .isEqualTo(Writes.of(table("main", "t")).plus(Writes.UNKNOWN));
  }

  @Test
  void whatItCannotNameMovesTheEpoch() {
    assertThat(StatementEffects.of(connection, "COPY t FROM 'nowhere.csv'").writes().unknown()).isTrue();
    assertThat(StatementEffects.of(connection, "CREATE VIEW v AS SELECT 1").writes().unknown()).isTrue();
    assertThat(StatementEffects.of(connection, "ATTACH ':memory:' AS other").writes().unknown()).isTrue();
    StatementEffects unplannable = StatementEffects.of(connection, "PRAGMA version");
    assertThat(unplannable.writes().unknown()).as("DuckDB cannot plan a PRAGMA, and some PRAGMAs write").isTrue();
    assertThat(unplannable.transaction()).isEqualTo(TransactionEffect.UNKNOWN);
  }

  @Test
  void aTextOfSeveralStatementsIsMarked() {
    StatementEffects two = StatementEffects.of(connection, "INSERT INTO s.u VALUES (1); INSERT INTO t VALUES (2)");
    assertThat(two.severalStatements()).isTrue();
    assertThat(two.writes().tables()).containsExactlyInAnyOrder(table("s", "u"), table("main", "t"));
  }

  @Test
  void aTextInAnAbortedTransactionIsUndescribedAndLeftToTheRunToTell() throws SQLException {
    try (DuckDBConnection aborted = engine.connect()) {
      aborted.createStatement().execute("BEGIN TRANSACTION");
      org.assertj.core.api.Assertions.assertThatThrownBy(
          () -> aborted.createStatement().execute("SELECT error('boom')")).isInstanceOf(SQLException.class);
      StatementEffects rollback = StatementEffects.of(aborted, "ROLLBACK");
      assertThat(rollback.transaction()).isEqualTo(TransactionEffect.UNKNOWN);
      assertThat(rollback.writes().unknown()).isTrue();
      aborted.createStatement().execute("ROLLBACK");
    }
  }
}
