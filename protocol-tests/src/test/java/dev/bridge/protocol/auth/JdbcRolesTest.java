package dev.bridge.protocol.auth;

import static dev.bridge.protocol.auth.AuthFixture.ADMIN;
import static dev.bridge.protocol.auth.AuthFixture.READER;
import static dev.bridge.protocol.auth.AuthFixture.SIGNING_KEY;
import static dev.bridge.protocol.auth.AuthFixture.WRITER;
import static dev.bridge.protocol.auth.AuthFixture.password;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bridge.protocol.TestServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Users and roles through the Flight SQL JDBC driver ({@code user}/{@code password} and {@code token} on the URL).
 * The driver sends every statement, DDL included, as a prepared statement.
 */
class JdbcRolesTest {
  @RegisterExtension
  static final TestServer server = TestServer.perClass(AuthFixture::enable);

  @BeforeAll
  static void createTable() throws SQLException {
    try (Connection connection = connect(WRITER); Statement statement = connection.createStatement()) {
      statement.execute("CREATE TABLE accounts AS SELECT range AS id, range * 10 AS balance FROM range(3)");
    }
  }

  private static Connection connect(String user) throws SQLException {
    return DriverManager.getConnection(server.jdbcUrl() + "&user=" + user + "&password=" + password(user));
  }

  @Test
  void userAndPasswordOnTheUrlLogIn() throws SQLException {
    try (Connection connection = connect(READER); Statement statement = connection.createStatement();
         ResultSet rows = statement.executeQuery("SELECT sum(balance) FROM accounts")) {
      assertThat(rows.next()).isTrue();
      assertThat(rows.getLong(1)).isEqualTo(30);
    }
  }

  /** A reader's query runs in a read-only transaction; an error at its first chunk still reaches it whole. */
  @Test
  void aReadersFailedQueryKeepsDuckDbsMessage() throws SQLException {
    try (Connection connection = connect(READER); Statement statement = connection.createStatement()) {
      assertThatThrownBy(() -> statement.executeQuery(
          "SELECT CASE WHEN id > 1 THEN error('reader boom ' || id) ELSE id END FROM accounts"))
          .isInstanceOf(SQLException.class).hasMessageContaining("reader boom 2");
      try (ResultSet rows = statement.executeQuery("SELECT count(*) FROM accounts")) {
        assertThat(rows.next()).isTrue();
        assertThat(rows.getLong(1)).isEqualTo(3);
      }
    }
  }

  @Test
  void aWrongPasswordOrNoCredentialsFailToConnect() {
    assertThatThrownBy(() -> DriverManager.getConnection(server.jdbcUrl() + "&user=" + READER + "&password=nope")
        .createStatement().executeQuery("SELECT 1")).isInstanceOf(SQLException.class);
    assertThatThrownBy(() -> DriverManager.getConnection(server.jdbcUrl()).createStatement().executeQuery("SELECT 1"))
        .isInstanceOf(SQLException.class).hasMessageContaining("authentication is required");
  }

  @Test
  void aTokenOnTheUrlLogsIn() throws SQLException {
    String token = AuthFixture.serverToken(READER, AuthFixture.inAnHour(), SIGNING_KEY);
    try (Connection connection = DriverManager.getConnection(server.jdbcUrl() + "&token=" + token);
         Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery("SELECT 1")) {
      assertThat(rows.next()).isTrue();
    }
    String expired = AuthFixture.serverToken(READER, AuthFixture.aMinuteAgo(), SIGNING_KEY);
    assertThatThrownBy(() -> DriverManager.getConnection(server.jdbcUrl() + "&token=" + expired)
        .createStatement().executeQuery("SELECT 1")).isInstanceOf(SQLException.class).hasMessageContaining("expired");
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "CREATE TABLE t2(a INT)",
      "CREATE TEMP TABLE scratch(a INT)",
      "CREATE VIEW v AS SELECT 1",
      "DROP TABLE accounts",
      "INSERT INTO accounts VALUES (9, 90)",
      "UPDATE accounts SET balance = 0",
      "DELETE FROM accounts",
      "WITH doomed AS (SELECT 1 AS id) DELETE FROM accounts WHERE id IN (SELECT id FROM doomed)",
      "WITH x AS (SELECT 9, 90) INSERT INTO accounts SELECT * FROM x",
      "SELECT 1; DROP TABLE accounts",
      "SELECT 1; DELETE FROM accounts; SELECT 2",
      "/* SELECT */ DELETE FROM accounts",
      "-- just a query\nUPDATE accounts SET balance = 1",
      "EXPLAIN ANALYZE DELETE FROM accounts",
      "EXPLAIN ANALYZE INSERT INTO accounts VALUES (9, 90)",
      "COPY (SELECT * FROM accounts) TO 'leak.csv'",
      "COPY accounts FROM 'some.csv'",
      "ATTACH ':memory:' AS elsewhere",
      "DETACH memory",
      "INSTALL httpfs",
      "LOAD json",
      "SET threads = 1",
      "SET GLOBAL memory_limit = '1GB'",
      "RESET threads",
      "PRAGMA threads = 1",
      "PRAGMA enable_profiling",
      "CALL checkpoint()",
      "CHECKPOINT",
      "CREATE SEQUENCE s",
      "CREATE MACRO m(a) AS a + 1",
      "VACUUM",
      "PIVOT accounts ON id USING sum(balance)"})
  void aReaderMayNotChangeAnything(String sql) throws SQLException {
    assertRefused(READER, "reader", sql);
    assertThat(adminQuery("SELECT count(*) * 1000 + sum(balance) FROM accounts")).as("accounts after " + sql)
        .isEqualTo(3030);
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "SELECT * FROM accounts",
      "FROM accounts",
      "SELECT 1; SELECT 2",
      "WITH rich AS (SELECT * FROM accounts WHERE balance > 10) SELECT count(*) FROM rich",
      "VALUES (1), (2)",
      "SELECT 1 UNION ALL SELECT 2",
      "/* DROP TABLE accounts */ SELECT 1",
      "SHOW TABLES",
      "DESCRIBE accounts",
      "SUMMARIZE accounts"})
  void aReaderRunsQueries(String sql) throws SQLException {
    try (Connection connection = connect(READER); Statement statement = connection.createStatement();
         ResultSet rows = statement.executeQuery(sql)) {
      assertThat(rows.next()).isTrue();
    }
  }

  @Test
  void aReadersQueryRunsReadOnlySoFunctionsCannotWrite() throws SQLException {
    try (Connection admin = connect(ADMIN); Statement statement = admin.createStatement()) {
      statement.execute("CREATE SEQUENCE reader_ids");
    }
    try (Connection reader = connect(READER); Statement statement = reader.createStatement()) {
      assertThatThrownBy(() -> statement.executeQuery("SELECT nextval('reader_ids')").next())
          .isInstanceOf(SQLException.class).hasMessageContaining("read-only");
      // The refused query left no transaction behind: the next one runs.
      try (ResultSet rows = statement.executeQuery("SELECT count(*) FROM accounts")) {
        assertThat(rows.next()).isTrue();
      }
    }
    assertThat(adminQuery("SELECT nextval('reader_ids')")).isEqualTo(1);
  }

  @Test
  void aReadersSyntaxErrorIsReportedAsSuch() throws SQLException {
    try (Connection connection = connect(READER); Statement statement = connection.createStatement()) {
      assertThatThrownBy(() -> statement.executeQuery("SELEC 1")).isInstanceOf(SQLException.class)
          .hasMessageContaining("syntax error");
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "ATTACH ':memory:' AS elsewhere",
      "DETACH memory",
      "INSTALL httpfs",
      "LOAD json",
      "UPDATE EXTENSIONS",
      "SET threads = 1",
      "SET GLOBAL threads = 1",
      "SET memory_limit = '1GB'",
      "RESET memory_limit",
      "PRAGMA threads = 1",
      "CREATE TABLE before_attach(a INT); ATTACH ':memory:' AS elsewhere",
      "ATTACH ':memory:' AS elsewhere; EXPLAIN SELECT 1",
      "EXPLAIN ANALYZE SELECT 1"})
  void aWriterMayNotRunAdminOnlyStatements(String sql) throws SQLException {
    assertRefused(WRITER, "writer", sql);
    assertThat(adminQuery("SELECT count(*) FROM duckdb_databases() WHERE NOT internal"))
        .as("databases attached after " + sql).isEqualTo(1);
  }

  @Test
  void aWritersExportIsRefused() throws SQLException {
    // Planning EXPORT already touches its directory, so the lockdown (files outside the data directories) may
    // refuse it before the role check does; either way it is a permission error and nothing is written.
    try (Connection connection = connect(WRITER); Statement statement = connection.createStatement()) {
      assertThatThrownBy(() -> statement.execute("EXPORT DATABASE 'dump'")).isInstanceOf(SQLException.class)
          .hasMessageMatching("(?s).*(role writer|Permission Error).*");
    }
    assertThat(Files.exists(Path.of("dump"))).isFalse();
  }

  private static void assertRefused(String user, String role, String sql) throws SQLException {
    try (Connection connection = connect(user); Statement statement = connection.createStatement()) {
      assertThatThrownBy(() -> statement.execute(sql)).isInstanceOf(SQLException.class)
          .hasMessageContaining("role " + role);
    }
  }

  /** The single number {@code sql} answers, asked as the admin. */
  private static long adminQuery(String sql) throws SQLException {
    try (Connection connection = connect(ADMIN); Statement statement = connection.createStatement();
         ResultSet rows = statement.executeQuery(sql)) {
      rows.next();
      return rows.getLong(1);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "SET VARIABLE answer = 42",
      "SET search_path = 'main'",
      "USE memory",
      "CREATE TABLE scratch_w(a INT)",
      "INSERT INTO accounts SELECT * FROM accounts WHERE false",
      "WITH x AS (SELECT 1) SELECT * FROM x; SELECT 2",
      "ANALYZE accounts"})
  void aWriterRunsDataStatementsAndSessionSettings(String sql) throws SQLException {
    try (Connection connection = connect(WRITER); Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }

  @Test
  void aWritersTextThatDoesNotBindReportsDuckDbsErrorAndRunsNothing() throws SQLException {
    try (Connection connection = connect(WRITER); Statement statement = connection.createStatement()) {
      assertThatThrownBy(() -> statement.execute("INSERT INTO no_such_table VALUES (1)"))
          .isInstanceOf(SQLException.class).hasMessageContaining("no_such_table");
    }
  }

  @Test
  void anAdminRunsAdminOnlyStatements() throws SQLException {
    try (Connection connection = connect(ADMIN); Statement statement = connection.createStatement()) {
      statement.execute("ATTACH ':memory:' AS admin_scratch");
      statement.execute("DETACH admin_scratch");
      statement.execute("EXPLAIN SELECT 1");
    }
  }

  @Test
  void aWriterChangesDataAndSchema() throws SQLException {
    try (Connection connection = connect(WRITER); Statement statement = connection.createStatement()) {
      statement.execute("CREATE TABLE writer_table(a INT)");
      assertThat(statement.executeUpdate("INSERT INTO writer_table VALUES (1), (2)")).isEqualTo(2);
      statement.execute("WITH x AS (SELECT 3 AS a) INSERT INTO writer_table SELECT * FROM x");
      statement.execute("DROP TABLE writer_table");
    }
  }
}
