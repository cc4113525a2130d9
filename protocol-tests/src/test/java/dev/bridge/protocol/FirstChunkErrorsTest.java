package dev.bridge.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Errors DuckDB raises while it computes a query's first chunk reach the client whole through the JDBC driver. DuckDB's
 * JDBC driver 2.0 reports them as "Invalid result set"; the server runs the statement again through the driver's C
 * API path, which keeps the message (dev.bridge.engine.LostErrors), in each transaction situation.
 */
class FirstChunkErrorsTest {
  @RegisterExtension
  static final TestServer server = TestServer.perClass();

  private static Connection connect() throws SQLException {
    return DriverManager.getConnection(server.jdbcUrl());
  }

  @Test
  void aFailedCastInAutoCommitKeepsDuckDbsMessage() throws SQLException {
    try (Connection connection = connect(); Statement statement = connection.createStatement()) {
      assertThatThrownBy(() -> statement.executeQuery("SELECT 'a'::INTEGER AS n"))
          .isInstanceOf(SQLException.class).hasMessageContaining("Could not convert string 'a' to INT32")
          .hasMessageNotContaining("Invalid result set");
      try (ResultSet rs = statement.executeQuery("SELECT 42")) {
        assertThat(rs.next()).isTrue();
      }
    }
  }

  @Test
  void aFailedQueryInsideASqlTransactionKeepsItsMessageAndTheTransactionForTheClientToEnd() throws SQLException {
    try (Connection connection = connect(); Statement statement = connection.createStatement()) {
      statement.execute("CREATE TABLE first_chunk_txn(id INTEGER)");
      statement.execute("BEGIN TRANSACTION");
      statement.executeUpdate("INSERT INTO first_chunk_txn VALUES (1)");
      assertThatThrownBy(() -> statement.executeQuery(
          "SELECT CASE WHEN range > 5 THEN error('txn boom ' || range) ELSE range END FROM range(10)"))
          .isInstanceOf(SQLException.class).hasMessageContaining("txn boom 6");
      // The failure aborted the client's transaction; it is still the client's to end.
      assertThatThrownBy(() -> statement.executeUpdate("INSERT INTO first_chunk_txn VALUES (2)"))
          .isInstanceOf(SQLException.class).hasMessageContaining("transaction is aborted");
      statement.execute("ROLLBACK");
      try (ResultSet rs = statement.executeQuery("SELECT count(*) FROM first_chunk_txn")) {
        rs.next();
        assertThat(rs.getLong(1)).isZero();
      }
    }
  }

  /** INSERT ... RETURNING cannot be wrapped for its schema: planning runs it in a rolled-back transaction. */
  @Test
  void aStatementPlannedByARolledBackRunKeepsItsMessageAndWritesNothing() throws SQLException {
    try (Connection connection = connect(); Statement statement = connection.createStatement()) {
      statement.execute("CREATE TABLE first_chunk_returning(id BIGINT)");
      assertThatThrownBy(() -> statement.executeQuery("INSERT INTO first_chunk_returning SELECT CASE WHEN range > 2"
          + " THEN error('returning boom ' || range) ELSE range END FROM range(5) RETURNING id"))
          .isInstanceOf(SQLException.class).hasMessageContaining("returning boom 3");
      try (ResultSet rs = statement.executeQuery("SELECT count(*) FROM first_chunk_returning")) {
        rs.next();
        assertThat(rs.getLong(1)).isZero();
      }
    }
  }

  /**
   * A failure the second run does not repeat (here: the first nextval() of a sequence, which no rollback gives
   * back) cannot be explained; the client is told so instead of a bare "Invalid result set".
   */
  @Test
  void aFailureThatDoesNotRepeatIsReportedAsSuch() throws SQLException {
    try (Connection connection = connect(); Statement statement = connection.createStatement()) {
      statement.execute("CREATE SEQUENCE first_chunk_once");
      assertThatThrownBy(() -> statement.executeQuery(
          "SELECT CASE WHEN nextval('first_chunk_once') = 1 THEN error('only once') ELSE 1 END AS v"))
          .isInstanceOf(SQLException.class).hasMessageContaining("Invalid result set")
          .hasMessageContaining("did not fail the same way a second time");
    }
  }
}
