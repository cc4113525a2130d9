package dev.bridge.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** The benchmarks' TPC-H lineitem-shaped tables, generated with the SQL in scripts/lineitem.sql. */
final class LineitemTable {
  /** The table the throughput benchmarks stream whole. */
  static final String NAME = "lineitem";
  /** The 5M-row table the filtered aggregate runs on. */
  static final String AGGREGATE_NAME = "lineitem_5m";
  static final long AGGREGATE_ROWS = 5_000_000;
  /** TPC-H Q6 (forecasting revenue change): a filter on four columns and a sum, one row out. */
  static final String AGGREGATE_QUERY = "SELECT sum(l_extendedprice * l_discount) AS revenue FROM " + AGGREGATE_NAME
      + " WHERE l_shipdate >= DATE '1994-01-01' AND l_shipdate < DATE '1995-01-01'"
      + " AND l_discount BETWEEN 0.05 AND 0.07 AND l_quantity < 24";

  private LineitemTable() {}

  /**
   * Creates table {@code name} from {@code definition} (scripts/lineitem.sql, shared with scripts/bench-rest) with
   * {@code rows} rows, unless it already has exactly that many.
   */
  static void ensure(Connection connection, String name, long rows, Path definition)
      throws SQLException, IOException {
    try (Statement statement = connection.createStatement()) {
      try (ResultSet existing = statement.executeQuery(
          "SELECT count(*) FROM duckdb_tables() WHERE table_name = '" + name + "' AND estimated_size = " + rows)) {
        existing.next();
        if (existing.getLong(1) == 1) {
          return;
        }
      }
      String create = Files.readString(definition).replace("{table}", name).replace("{rows}", Long.toString(rows));
      statement.execute(create);
      statement.execute("CHECKPOINT");
    }
  }
}
