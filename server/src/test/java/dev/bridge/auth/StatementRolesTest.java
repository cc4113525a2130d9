package dev.bridge.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bridge.config.DatabaseConfig;
import dev.bridge.engine.AccessPolicy;
import dev.bridge.engine.DuckDbEngine;
import dev.bridge.engine.EngineException;
import dev.bridge.engine.ErrorKind;
import dev.bridge.engine.StatementText;
import dev.bridge.identity.Principal;
import dev.bridge.identity.Role;
import java.sql.SQLException;
import java.sql.Statement;
import org.duckdb.DuckDBConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The role rules behind the engine's AccessPolicy, checked against DuckDB's own classification of each text. */
class StatementRolesTest {
  private static final Principal READER = new Principal("r", Role.READER);
  private static final Principal WRITER = new Principal("w", Role.WRITER);
  private static final Principal ADMIN = new Principal("a", Role.ADMIN);
  private static final AccessPolicy ACCESS = new StatementRoles();
  private static DuckDbEngine engine;
  private static DuckDBConnection connection;

  @BeforeAll
  static void open() throws SQLException {
    engine = DuckDbEngine.open(DatabaseConfig.DEFAULT.withPath(DatabaseConfig.IN_MEMORY));
    connection = engine.connect();
    try (Statement statement = connection.createStatement()) {
      statement.execute("CREATE TABLE t(i INTEGER)");
    }
  }

  @AfterAll
  static void close() throws SQLException {
    connection.close();
    engine.close();
  }

  private static void assertDenied(Principal principal, String sql, String reason) {
    assertThatThrownBy(() -> ACCESS.checkStatement(principal, new StatementText(connection, sql)))
        .isInstanceOfSatisfying(EngineException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.PERMISSION_DENIED))
        .hasMessageContaining("user '" + principal.user() + "'").hasMessageContaining(reason);
  }

  @Test
  void aReaderMayRunQueriesOnly() {
    assertThatCode(() -> ACCESS.checkStatement(READER, new StatementText(connection, "SELECT * FROM t")))
        .doesNotThrowAnyException();
    assertThatCode(() -> ACCESS.checkStatement(READER,
        new StatementText(connection, "WITH x AS (SELECT 1) SELECT * FROM x"))).doesNotThrowAnyException();
    assertDenied(READER, "INSERT INTO t VALUES (1)", "other than queries");
    assertDenied(READER, "SELECT 1; DELETE FROM t", "other than queries");
    assertDenied(READER, "/* SELECT */ DROP TABLE t", "other than queries");
  }

  @Test
  void aWriterMayChangeDataButNotRunAdminOperators() {
    assertThatCode(() -> ACCESS.checkStatement(WRITER, new StatementText(connection, "INSERT INTO t VALUES (1)")))
        .doesNotThrowAnyException();
    assertThatCode(() -> ACCESS.checkStatement(WRITER, new StatementText(connection, "SET search_path = 'main'")))
        .doesNotThrowAnyException();
    assertDenied(WRITER, "ATTACH ':memory:' AS other", "ATTACH");
    assertDenied(WRITER, "SET threads = 1", "database-wide setting 'threads'");
  }

  @Test
  void anAdminMayRunEverything() {
    assertThatCode(() -> ACCESS.checkStatement(ADMIN, new StatementText(connection, "ATTACH ':memory:' AS other2")))
        .doesNotThrowAnyException();
  }

  @Test
  void aTextThatDoesNotParseIsABadArgumentNotADenial() {
    assertThatThrownBy(() -> ACCESS.checkStatement(READER, new StatementText(connection, "SELEC 1")))
        .isInstanceOfSatisfying(EngineException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_ARGUMENT))
        .hasMessageContaining("Parser Error");
  }

  @Test
  void onlyWritersMayIngest() {
    assertThatCode(() -> ACCESS.checkWrite(WRITER, "ingest data into tables")).doesNotThrowAnyException();
    assertThatThrownBy(() -> ACCESS.checkWrite(READER, "ingest data into tables"))
        .isInstanceOfSatisfying(EngineException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.PERMISSION_DENIED))
        .hasMessageContaining("may not ingest data into tables");
  }
}
