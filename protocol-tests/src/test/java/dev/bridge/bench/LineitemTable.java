package dev.bridge.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** The benchmarks' TPC-H lineitem-shaped table, generated with the SQL in scripts/lineitem.sql. */
final class LineitemTable {
  static final String NAME = "lineitem";

  private LineitemTable() {}

  /**
   * Creates the table from {@code definition} (scripts/lineitem.sql, shared with scripts/bench-rest) with
   * {@code rows} rows, unless it already has exactly that many.
   */
  static void ensure(Connection connection, long rows, Path definition) throws SQLException, IOException {
    try (Statement statement = connection.createStatement()) {
      try (ResultSet existing = statement.executeQuery(
          "SELECT count(*) FROM duckdb_tables() WHERE table_name = '" + NAME + "' AND estimated_size = " + rows)) {
        existing.next();
        if (existing.getLong(1) == 1) {
          return;
        }
      }
      String create = Files.readString(definition).replace("{table}", NAME).replace("{rows}", Long.toString(rows));
      statement.execute(create);
      statement.execute("CHECKPOINT");
    }
  }
}
