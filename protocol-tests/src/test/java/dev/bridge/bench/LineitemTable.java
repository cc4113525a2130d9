package dev.bridge.bench;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * A TPC-H lineitem-shaped table generated with SQL (DuckDB's tpch extension is not bundled): 16 columns of
 * BIGINT, INTEGER, DECIMAL(15,2), DATE and short strings, in the proportions of the real table.
 */
final class LineitemTable {
  static final String NAME = "lineitem";

  private LineitemTable() {}

  /** Creates the table with {@code rows} rows unless it already has exactly that many. */
  static void ensure(Connection connection, long rows) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      try (ResultSet existing = statement.executeQuery(
          "SELECT count(*) FROM duckdb_tables() WHERE table_name = '" + NAME + "' AND estimated_size = " + rows)) {
        existing.next();
        if (existing.getLong(1) == 1) {
          return;
        }
      }
      statement.execute("CREATE OR REPLACE TABLE " + NAME + " AS SELECT "
          + "(i // 4)::BIGINT AS l_orderkey, "
          + "(i % 200000)::BIGINT AS l_partkey, "
          + "(i % 10000)::BIGINT AS l_suppkey, "
          + "(i % 7 + 1)::INTEGER AS l_linenumber, "
          + "((i % 50) + 1)::DECIMAL(15,2) AS l_quantity, "
          + "((i % 100000) * 1.01)::DECIMAL(15,2) AS l_extendedprice, "
          + "((i % 11) / 100.0)::DECIMAL(15,2) AS l_discount, "
          + "((i % 9) / 100.0)::DECIMAL(15,2) AS l_tax, "
          + "(['A', 'N', 'R'])[i % 3 + 1] AS l_returnflag, "
          + "(['O', 'F'])[i % 2 + 1] AS l_linestatus, "
          + "DATE '1992-01-01' + (i % 2500)::INTEGER AS l_shipdate, "
          + "DATE '1992-01-01' + (i % 2500 + 30)::INTEGER AS l_commitdate, "
          + "DATE '1992-01-01' + (i % 2500 + 15)::INTEGER AS l_receiptdate, "
          + "(['DELIVER IN PERSON', 'COLLECT COD', 'NONE', 'TAKE BACK RETURN'])[i % 4 + 1] AS l_shipinstruct, "
          + "(['AIR', 'MAIL', 'SHIP', 'TRUCK', 'RAIL', 'FOB', 'REG AIR'])[i % 7 + 1] AS l_shipmode, "
          + "md5(i::VARCHAR)[1:(10 + i % 30)] AS l_comment "
          + "FROM range(" + rows + ") t(i)");
      statement.execute("CHECKPOINT");
    }
  }
}
