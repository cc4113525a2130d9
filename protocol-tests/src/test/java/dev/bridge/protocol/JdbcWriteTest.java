package dev.bridge.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Flight SQL JDBC driver writing: batched prepared INSERTs, and transactions as SQL text ({@code BEGIN},
 * {@code COMMIT}, {@code ROLLBACK}), the only kind that driver can carry.
 */
class JdbcWriteTest {
  @RegisterExtension
  static final TestServer server = TestServer.perClass();

  private static Connection connect() throws SQLException {
    return DriverManager.getConnection(server.jdbcUrl());
  }

  private static long count(Connection connection, String table) throws SQLException {
    try (Statement statement = connection.createStatement();
         ResultSet rs = statement.executeQuery("SELECT count(*) FROM " + table)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Test
  void executeBatchInsertsEveryRow() throws SQLException {
    try (Connection connection = connect()) {
      try (Statement statement = connection.createStatement()) {
        statement.execute("CREATE TABLE jdbc_batch(id BIGINT, name VARCHAR)");
      }
      try (PreparedStatement insert = connection.prepareStatement("INSERT INTO jdbc_batch VALUES (?, ?)")) {
        for (int i = 0; i < 1000; i++) {
          insert.setLong(1, i);
          insert.setString(2, "n" + i);
          insert.addBatch();
        }
        int[] counts = insert.executeBatch();
        // The driver sends the whole batch as one parameter batch and reports its total as one count.
        assertThat(IntStream.of(counts).sum()).isEqualTo(1000);
      }
      assertThat(count(connection, "jdbc_batch")).isEqualTo(1000);
    }
  }

  /**
   * The 18.3 driver's {@code setAutoCommit(false)}, {@code commit()} and {@code rollback()} send nothing to the server
   * (its ArrowFlightMetaImpl.commit and rollback are empty), so a JDBC user's transaction is SQL text: it runs on the
   * session's connection and holds across statements.
   */
  @Test
  void sqlTransactionsCommitAndRollBack() throws SQLException {
    try (Connection writer = connect(); Connection reader = connect();
         Statement statement = writer.createStatement()) {
      statement.execute("CREATE TABLE jdbc_txn(id BIGINT)");
      statement.execute("BEGIN TRANSACTION");
      statement.executeUpdate("INSERT INTO jdbc_txn VALUES (1), (2)");
      assertThat(count(writer, "jdbc_txn")).isEqualTo(2);
      assertThat(count(reader, "jdbc_txn")).isZero();
      statement.execute("COMMIT");
      assertThat(count(reader, "jdbc_txn")).isEqualTo(2);
      statement.execute("BEGIN TRANSACTION");
      try (PreparedStatement insert = writer.prepareStatement("INSERT INTO jdbc_txn VALUES (?)")) {
        insert.setLong(1, 3);
        insert.addBatch();
        insert.setLong(1, 4);
        insert.addBatch();
        insert.executeBatch();
      }
      assertThat(count(writer, "jdbc_txn")).isEqualTo(4);
      statement.execute("ROLLBACK");
      assertThat(count(writer, "jdbc_txn")).isEqualTo(2);
      assertThat(count(reader, "jdbc_txn")).isEqualTo(2);
    }
  }

  /**
   * What DBeaver's manual-commit mode does: {@code setAutoCommit(false)}, a DELETE, {@code rollback()}. Driver 18.3.0
   * sends nothing for either call, so the DELETE is committed the moment it runs; the server therefore tells the
   * driver it has no transactions, and tools that ask (DBeaver, Tableau) stay in auto-commit instead of offering a
   * rollback that would undo nothing. If this test ever sees the rows come back, a driver started to send
   * commit/rollback and SqlInfos can announce JDBC transactions again.
   */
  @Test
  void theDriversOwnRollbackCannotUndoAnythingSoTheServerAnnouncesNoJdbcTransactions() throws SQLException {
    try (Connection connection = connect(); Statement statement = connection.createStatement()) {
      assertThat(connection.getMetaData().supportsTransactions()).isFalse();
      statement.execute("CREATE TABLE jdbc_driver_rollback(id BIGINT)");
      statement.executeUpdate("INSERT INTO jdbc_driver_rollback VALUES (1), (2), (3)");
      connection.setAutoCommit(false);
      statement.executeUpdate("DELETE FROM jdbc_driver_rollback");
      connection.rollback();
      connection.setAutoCommit(true);
      assertThat(count(connection, "jdbc_driver_rollback")).isZero();
    }
  }

  /**
   * A failed statement inside a SQL transaction aborts it: the statements after it are refused with DuckDB's own
   * message until the client ends the transaction, and nothing the transaction wrote is applied, even by COMMIT.
   */
  @Test
  void aFailedStatementInsideASqlTransactionLeavesNothingApplied() throws SQLException {
    try (Connection writer = connect(); Connection reader = connect();
         Statement statement = writer.createStatement()) {
      statement.execute("CREATE TABLE jdbc_txn_failure(id BIGINT PRIMARY KEY)");
      statement.execute("BEGIN TRANSACTION");
      statement.executeUpdate("INSERT INTO jdbc_txn_failure VALUES (1), (2)");
      assertThatThrownBy(() -> statement.executeUpdate("INSERT INTO jdbc_txn_failure VALUES (2)"))
          .isInstanceOf(SQLException.class)
          .hasMessageContaining("Constraint Error").hasMessageContaining("duplicate key \"2\"");
      assertThatThrownBy(() -> statement.executeUpdate("INSERT INTO jdbc_txn_failure VALUES (3)"))
          .isInstanceOf(SQLException.class).hasMessageContaining("transaction is aborted");
      // DuckDB, like PostgreSQL, ends an aborted transaction on COMMIT by rolling it back.
      statement.execute("COMMIT");
      assertThat(count(reader, "jdbc_txn_failure")).isZero();
      // The session is out of the transaction: the next statement runs and commits on its own.
      statement.executeUpdate("INSERT INTO jdbc_txn_failure VALUES (7)");
      assertThat(count(reader, "jdbc_txn_failure")).isEqualTo(1);
    }
  }

  /** A failed statement followed by ROLLBACK: the session is usable at once and nothing was applied. */
  @Test
  void rollbackAfterAFailedStatementEndsTheTransaction() throws SQLException {
    try (Connection writer = connect(); Statement statement = writer.createStatement()) {
      statement.execute("CREATE TABLE jdbc_txn_rollback_failure(id INTEGER)");
      statement.execute("BEGIN TRANSACTION");
      statement.executeUpdate("INSERT INTO jdbc_txn_rollback_failure VALUES (1)");
      assertThatThrownBy(() -> statement.executeUpdate("INSERT INTO jdbc_txn_rollback_failure VALUES ('x')"))
          .isInstanceOf(SQLException.class).hasMessageContaining("Conversion Error");
      statement.execute("ROLLBACK");
      assertThat(count(writer, "jdbc_txn_rollback_failure")).isZero();
    }
  }

  /**
   * A client that goes away inside a SQL transaction: closing the connection ends its session, whose DuckDB
   * connection rolls the transaction back whole, and the rows it touched are free for others to write.
   */
  @Test
  void closingTheConnectionWithATransactionOpenRollsItBack() throws Exception {
    try (Connection other = connect(); Statement otherStatement = other.createStatement()) {
      otherStatement.execute("CREATE TABLE jdbc_txn_abandoned(id BIGINT PRIMARY KEY, v VARCHAR)");
      otherStatement.executeUpdate("INSERT INTO jdbc_txn_abandoned VALUES (1, 'kept')");
      Connection leaving = connect();
      try (Statement statement = leaving.createStatement()) {
        statement.execute("BEGIN TRANSACTION");
        statement.executeUpdate("INSERT INTO jdbc_txn_abandoned VALUES (2, 'half')");
        statement.executeUpdate("UPDATE jdbc_txn_abandoned SET v = 'changed' WHERE id = 1");
      }
      leaving.close();
      // The session closes as the driver's CloseSession (or the connection's end) arrives; allow it a moment.
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (true) {
        try {
          // Conflicts with the open transaction's update until it is rolled back.
          otherStatement.executeUpdate("UPDATE jdbc_txn_abandoned SET v = 'after' WHERE id = 1");
          break;
        } catch (SQLException conflict) {
          if (System.nanoTime() > deadline) {
            throw conflict;
          }
          Thread.sleep(100);
        }
      }
      assertThat(count(other, "jdbc_txn_abandoned")).isEqualTo(1);
      try (ResultSet rs = otherStatement.executeQuery("SELECT v FROM jdbc_txn_abandoned WHERE id = 1")) {
        rs.next();
        assertThat(rs.getString(1)).isEqualTo("after");
      }
    }
  }
}
