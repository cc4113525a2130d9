package dev.bridge.engine;

import java.sql.SQLException;
import java.util.List;
import org.duckdb.DuckDBPreparedStatement;

/**
 * Binds one row of parameter values (plain Java values, see {@link ArrowParameters}) to a DuckDB statement. A
 * {@link TypedNull} binds as NULL: DuckDB's JDBC binding carries no type with a NULL (the statement carries it,
 * see {@link TypedNulls}).
 */
final class ParameterBinder {
  private ParameterBinder() {}

  static void bind(DuckDBPreparedStatement statement, List<Object> values) throws SQLException {
    for (int i = 0; i < values.size(); i++) {
      statement.setObject(i + 1, values.get(i) instanceof TypedNull ? null : values.get(i));
    }
  }
}
