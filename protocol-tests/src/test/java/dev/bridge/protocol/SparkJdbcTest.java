package dev.bridge.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bridge.config.EnginesConfig;
import dev.bridge.config.SparkConfig;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Flight SQL JDBC driver (shaded, as BI tools load it) against Bridge with engines.spark pointing at a real Spark
 * Connect server (local[2]): a connection whose URL says catalog=spark runs its statements on Spark.
 */
class SparkJdbcTest {
  private static final SparkConnectServer spark = SparkConnectServer.shared();

  @RegisterExtension
  static final TestServer server = TestServer.perClass(config -> config.withEngines(new EnginesConfig(
      new SparkConfig(spark.remote(), null, spark.tokenFile().toString(), null))));

  /** Runs {@code work} on a connection whose URL says catalog=spark, then closes it. */
  private static void onSpark(SqlWork work) throws SQLException {
    Connection connection = DriverManager.getConnection(server.jdbcUrl() + "&catalog=spark");
    try {
      work.run(connection);
    } finally {
      CatalogConnections.close(connection);
    }
  }

  @FunctionalInterface
  private interface SqlWork {
    void run(Connection connection) throws SQLException;
  }

  @BeforeAll
  static void createParquetTablesInSpark() throws SQLException {
    onSpark(connection -> {
      Statement statement = connection.createStatement();
      statement.execute("DROP TABLE IF EXISTS jdbc_orders");
      statement.execute("DROP TABLE IF EXISTS jdbc_customers");
      statement.execute("CREATE TABLE jdbc_orders USING parquet AS"
          + " SELECT id, id % 5 AS customer, CAST(id AS DOUBLE) * 1.5 AS amount FROM range(1000)");
      statement.execute("CREATE TABLE jdbc_customers USING parquet AS"
          + " SELECT id AS customer, concat('customer ', CAST(id AS STRING)) AS name FROM range(5)");
      statement.close();
    });
  }

  @Test
  void aJoinAndAggregateInTheSparkCatalogRunsOnSpark() throws SQLException {
    Map<String, Double> totals = new TreeMap<>();
    onSpark(connection -> {
      try (Statement statement = connection.createStatement();
           ResultSet rs = statement.executeQuery("SELECT c.name, count(*) AS orders, sum(o.amount) AS total"
               + " FROM jdbc_orders o JOIN jdbc_customers c ON o.customer = c.customer"
               + " GROUP BY c.name ORDER BY c.name")) {
        assertThat(rs.getMetaData().getColumnName(2)).isEqualTo("orders");
        while (rs.next()) {
          assertThat(rs.getLong("orders")).isEqualTo(200);
          totals.put(rs.getString("name"), rs.getDouble("total"));
        }
      }
    });
    Map<String, Double> expected = new TreeMap<>();
    for (long id = 0; id < 1000; id++) {
      expected.merge("customer " + id % 5, id * 1.5, Double::sum);
    }
    assertThat(totals).isEqualTo(expected);
  }

  @Test
  void theMetadataListsTheSparkCatalogWithItsTablesAndColumns() throws SQLException {
    onSpark(connection -> {
      DatabaseMetaData metadata = connection.getMetaData();
      assertThat(column(metadata.getCatalogs(), "TABLE_CAT")).contains("memory", "spark");
      assertThat(column(metadata.getSchemas("spark", null), "TABLE_SCHEM")).contains("default");
      assertThat(column(metadata.getTables("spark", "default", "jdbc\\_%", null), "TABLE_NAME"))
          .containsExactly("jdbc_customers", "jdbc_orders");
      List<String> columns = new ArrayList<>();
      try (ResultSet rs = metadata.getColumns("spark", "default", "jdbc_orders", null)) {
        while (rs.next()) {
          columns.add(rs.getString("COLUMN_NAME") + " " + rs.getInt("DATA_TYPE"));
        }
      }
      assertThat(columns).containsExactly("id " + java.sql.Types.BIGINT, "customer " + java.sql.Types.BIGINT,
          "amount " + java.sql.Types.DOUBLE);
    });
  }

  @Test
  void aSparkErrorReachesTheClientWithSparksMessage() throws SQLException {
    onSpark(connection -> {
      try (Statement statement = connection.createStatement()) {
        assertThatThrownBy(() -> statement.executeQuery("SELECT * FROM jdbc_no_such_table"))
            .isInstanceOf(SQLException.class)
            .hasMessageContaining("Spark: [TABLE_OR_VIEW_NOT_FOUND]")
            .hasMessageContaining("jdbc_no_such_table");
      }
    });
  }

  @Test
  void aStatementMixingDuckDbAndSparkTablesIsRefused() throws SQLException {
    try (Connection duckDb = DriverManager.getConnection(server.jdbcUrl());
         Statement statement = duckDb.createStatement()) {
      statement.execute("CREATE OR REPLACE TABLE memory.main.jdbc_local AS SELECT 1 AS customer");
    }
    onSpark(connection -> {
      try (Statement statement = connection.createStatement()) {
        assertThatThrownBy(() -> statement.executeQuery(
            "SELECT * FROM jdbc_orders o JOIN memory.main.jdbc_local l ON o.customer = l.customer"))
            .isInstanceOf(SQLException.class)
            .hasMessageContaining("mixes DuckDB and Spark objects")
            .hasMessageContaining("memory.main.jdbc_local");
      }
    });
  }

  @Test
  void aConnectionWithoutTheSparkCatalogStaysOnDuckDb() throws SQLException {
    try (Connection connection = DriverManager.getConnection(server.jdbcUrl());
         Statement statement = connection.createStatement();
         ResultSet rs = statement.executeQuery("SELECT current_database()")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).isEqualTo("memory");
    }
  }

  private static List<String> column(ResultSet rs, String name) throws SQLException {
    List<String> values = new ArrayList<>();
    try (rs) {
      while (rs.next()) {
        values.add(rs.getString(name));
      }
    }
    return values;
  }
}
