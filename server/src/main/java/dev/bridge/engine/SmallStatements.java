package dev.bridge.engine;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.duckdb.DuckDBConnection;

/**
 * Tells the statements that read no table: a SELECT whose parse tree (DuckDB's {@code json_serialize_sql}) has no
 * table, view, CTE reference or table function anywhere, such as {@code SELECT 1} or {@code SELECT current_schema()}.
 * They take microseconds and little memory, so the statement queue lets them use places of their own rather than
 * wait behind big scans. Anything DuckDB cannot serialize (every statement other than SELECT) counts as not small.
 */
final class SmallStatements {
  private static final String READS_A_TABLE = "\"type\":\"BASE_TABLE\"";
  private static final String CALLS_A_TABLE_FUNCTION = "\"type\":\"TABLE_FUNCTION\"";

  private SmallStatements() {}

  static boolean readsNoTable(DuckDBConnection connection, String sql) {
    try (PreparedStatement statement = connection.prepareStatement("SELECT json_serialize_sql(?::VARCHAR)")) {
      statement.setString(1, sql);
      try (ResultSet rs = statement.executeQuery()) {
        String tree = rs.next() ? rs.getString(1) : null;
        return tree != null && tree.startsWith("{\"error\":false")
            && !tree.contains(READS_A_TABLE) && !tree.contains(CALLS_A_TABLE_FUNCTION);
      }
    } catch (SQLException e) {
      // Not classifiable: it waits its turn like any statement.
      return false;
    }
  }
}
