package dev.bridge.engine;

import java.sql.SQLException;
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
 * whole through the Arrow stream and need none of this. Where the second run happens, so that it sees what the first
 * saw, is the unit of work's decision ({@link UnitOfWork#rerunRolledBack}).
 */
final class LostErrors {
  static final String PLACEHOLDER = "Invalid Input Error: Invalid result set";

  private LostErrors() {}

  /** Whether the driver reported {@code e} without DuckDB's message. */
  static boolean isLost(SQLException e) {
    return e.getMessage() != null && e.getMessage().strip().equals(PLACEHOLDER);
  }

  /**
   * DuckDB's own error for a statement of {@code work} whose first run failed with the placeholder, or {@code lost}
   * itself (with an explanation) when a second run does not fail the same way. The unit of work chooses where the
   * second run sees what the first saw, and rolls it back ({@link UnitOfWork#rerunRolledBack}).
   */
  static SQLException recover(SQLException lost, Session session, UnitOfWork work, String sql,
      List<Object> parameters, QueryTimeouts timeouts) {
    try {
      return work.rerunRolledBack(connection -> rerun(lost, session, connection, sql, parameters, timeouts));
    } catch (SQLException | RuntimeException cannotRerun) {
      // Under memory pressure even the second run's setup may fail; its reason is likely the first run's too.
      SQLException explained = new SQLException(PLACEHOLDER + " (the statement failed before its first row and"
          + " DuckDB's JDBC driver did not report why; running it again to learn why failed with: "
          + cannotRerun.getMessage() + ")", lost);
      explained.addSuppressed(cannotRerun);
      return explained;
    }
  }

  private static SQLException rerun(SQLException lost, Session session, DuckDBConnection connection, String sql,
      List<Object> parameters, QueryTimeouts timeouts) throws SQLException {
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
    }
    return new SQLException(PLACEHOLDER + " (the statement failed before its first row and DuckDB's JDBC driver did"
        + " not report why; run again, it did not fail the same way a second time)", lost);
  }
}
