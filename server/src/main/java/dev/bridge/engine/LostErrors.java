package dev.bridge.engine;

import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.duckdb.DuckDBChunkedResult;
import org.duckdb.DuckDBConnection;
import org.duckdb.DuckDBPreparedStatement;

/**
 * Recovers the DuckDB error that the JDBC driver 2.0.0.1 loses. When a streamed query fails while DuckDB computes its
 * first chunk (a failed cast, {@code error()}, an unavailable dataset's view), {@code executeQuery} reads the failed
 * result's metadata and reports only "Invalid Input Error: Invalid result set": DuckDB's message is in the native
 * result but never read (duckdb-java src/jni/duckdb_java.cpp, {@code _duckdb_jdbc_query_result_meta}). The driver's
 * C API path ({@link DuckDBPreparedStatement#query()}) does read it, so the statement is run once more that way,
 * inside a transaction that is rolled back, and its error is the one reported. Errors after the first chunk arrive
 * whole through the Arrow stream and need none of this.
 *
 * <p>The second run sees what the first saw: on the session's own connection (the first run's transaction was
 * rolled back when it failed), or, when the session is inside its own transaction (which the failure aborted and
 * which must stay for the client to end), on a spare connection that does not see the transaction's writes.
 */
final class LostErrors {
  static final String PLACEHOLDER = "Invalid Input Error: Invalid result set";

  private LostErrors() {}

  /** Whether the driver reported {@code e} without DuckDB's message. */
  static boolean isLost(SQLException e) {
    return e.getMessage() != null && e.getMessage().strip().equals(PLACEHOLDER);
  }

  /** The transaction the failed statement ran in, on a connection that is not inside the session's own. */
  enum Ran {
    /** Its own, which the failure rolled back. */
    AUTO_COMMIT,
    /** A reader's read-only transaction (see StatementExecutor), which the failure aborted. */
    READ_ONLY,
    /** A transaction opened around it to be rolled back (the planner's probe run), which the failure aborted. */
    ROLLED_BACK
  }

  /**
   * DuckDB's own error for a statement whose first run failed with the placeholder, or {@code lost} itself (with an
   * explanation) when a second run does not fail the same way.
   *
   * @param connection the connection the statement failed on
   */
  static SQLException recover(SQLException lost, Session session, DuckDBConnection connection, Ran ran,
      String sql, List<Object> parameters, QueryTimeouts timeouts) {
    try {
      if (session.inTransaction()) {
        try (DuckDBConnection spare = session.spareConnection()) {
          return rerun(lost, session, spare, false, sql, parameters, timeouts);
        }
      }
      if (ran != Ran.AUTO_COMMIT) {
        quietly(connection, "ROLLBACK");
      }
      return rerun(lost, session, connection, ran == Ran.READ_ONLY, sql, parameters, timeouts);
    } catch (SQLException | RuntimeException cannotRerun) {
      // Under memory pressure even the second run's setup may fail; its reason is likely the first run's too.
      SQLException explained = new SQLException(PLACEHOLDER + " (the statement failed before its first row and"
          + " DuckDB's JDBC driver did not report why; running it again to learn why failed with: "
          + cannotRerun.getMessage() + ")", lost);
      explained.addSuppressed(cannotRerun);
      return explained;
    }
  }

  private static SQLException rerun(SQLException lost, Session session, DuckDBConnection connection,
      boolean readOnly, String sql, List<Object> parameters, QueryTimeouts timeouts) throws SQLException {
    execute(connection, readOnly ? "BEGIN TRANSACTION READ ONLY" : "BEGIN TRANSACTION");
    try (DuckDBPreparedStatement statement = (DuckDBPreparedStatement) connection.prepareStatement(sql);
         QueryTimeouts.Watch watch = timeouts.start(session, statement)) {
      ParameterBinder.bind(statement, parameters);
      try (DuckDBChunkedResult result = statement.query()) {
        result.nextChunk();
      } catch (SQLException e) {
        if (watch.expired()) {
          // Cut short by the query timeout, the second run tells nothing about the first.
          return lost;
        }
        return isLost(e) ? new SQLException(PLACEHOLDER + " (the statement failed before its first row twice, and"
            + " DuckDB's JDBC driver did not report why either time)", lost) : e;
      }
    } finally {
      quietly(connection, "ROLLBACK");
    }
    return new SQLException(PLACEHOLDER + " (the statement failed before its first row and DuckDB's JDBC driver did"
        + " not report why; run again, it did not fail the same way a second time)", lost);
  }

  private static void execute(DuckDBConnection connection, String sql) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }

  private static void quietly(DuckDBConnection connection, String sql) {
    try {
      execute(connection, sql);
    } catch (SQLException ignored) {
      // No transaction to end: the failure ended it already.
    }
  }
}
