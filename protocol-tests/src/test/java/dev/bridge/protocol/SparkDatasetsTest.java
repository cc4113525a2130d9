package dev.bridge.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bridge.config.DatasetConfig;
import dev.bridge.config.EnginesConfig;
import dev.bridge.config.SparkConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * File datasets registered in Spark as tables of the same names over the same files, through the Flight SQL JDBC
 * driver: the same query over a dataset gives the same answer on a DuckDB connection and on a {@code catalog=spark}
 * one (a real Spark Connect server in local[2], shared by the test JVM).
 */
class SparkDatasetsTest {
  private static final SparkConnectServer spark = SparkConnectServer.shared();
  private static final Path DATA = writeData();

  @RegisterExtension
  static final TestServer server = TestServer.perClass(config -> DatasetsTest.withDatasets(config, DATA, List.of(
          DatasetConfig.of("orders", List.of("orders/*.parquet")),
          DatasetConfig.of("customers", List.of("customers/*.parquet"))))
      .withEngines(new EnginesConfig(new SparkConfig(spark.remote(), null, spark.tokenFile().toString(), null))));

  /** Two Parquet datasets, written by DuckDB as a producer would: orders in two files, customers in one. */
  static Path writeData() {
    try {
      Path data = Files.createTempDirectory("spark-datasets");
      try (DataFiles files = new DataFiles(data)) {
        files.parquet("orders/2024.parquet", "SELECT i AS id, i % 5 AS customer, CAST(i * 1.5 AS DOUBLE) AS amount,"
            + " DATE '2024-01-01' + CAST(i % 300 AS INTEGER) AS day FROM range(0, 600) t(i)");
        files.parquet("orders/2025.parquet", "SELECT i AS id, i % 5 AS customer, CAST(i * 1.5 AS DOUBLE) AS amount,"
            + " DATE '2025-01-01' + CAST(i % 300 AS INTEGER) AS day FROM range(600, 1000) t(i)");
        files.parquet("customers/all.parquet",
            "SELECT i AS customer, 'customer ' || i AS name FROM range(5) t(i)");
      }
      return data;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void theSameQueryOverAParquetDatasetAnswersTheSameOnDuckDbAndOnSpark() throws SQLException {
    for (String sql : List.of(
        "SELECT id, customer, amount, day FROM files.orders ORDER BY id",
        "SELECT customer, count(*) AS n, sum(amount) AS total, max(day) AS last FROM files.orders"
            + " GROUP BY customer ORDER BY customer")) {
      List<String> onDuckDb = rows(server.jdbcUrl(), sql);
      List<String> onSpark = rows(server.jdbcUrl() + "&catalog=spark", sql);
      assertThat(onDuckDb).isNotEmpty();
      assertThat(onSpark).as(sql).isEqualTo(onDuckDb);
    }
  }

  @Test
  void aJoinAndAggregateOverParquetDatasetsRunsOnSpark() throws SQLException {
    String sql = "SELECT c.name, count(*) AS orders, sum(o.amount) AS total FROM files.orders o"
        + " JOIN files.customers c ON o.customer = c.customer GROUP BY c.name ORDER BY c.name";
    List<String> expected = new ArrayList<>();
    for (int customer = 0; customer < 5; customer++) {
      double total = 0;
      for (int id = customer; id < 1000; id += 5) {
        total += id * 1.5;
      }
      expected.add("customer " + customer + " | 200 | " + total);
    }
    assertThat(rows(server.jdbcUrl() + "&catalog=spark", sql)).isEqualTo(expected);
    assertThat(rows(server.jdbcUrl(), sql)).isEqualTo(expected);
  }

  @Test
  void sparkResultColumnsCarryTheSameTypeNamesAsDuckDbs() throws SQLException {
    String sql = "SELECT id, amount, day, CAST(customer AS STRING) AS label FROM files.orders";
    assertThat(typeNames(server.jdbcUrl() + "&catalog=spark", sql)).isEqualTo(typeNames(server.jdbcUrl(), sql))
        .containsExactly("BIGINT", "DOUBLE", "DATE", "VARCHAR");
  }

  /** Each row as "v1 | v2 | ..." (the JDBC driver's string of each value). */
  private static List<String> rows(String url, String sql) throws SQLException {
    List<String> rows = new ArrayList<>();
    Connection connection = DriverManager.getConnection(url);
    try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(sql)) {
      int columns = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        List<String> values = new ArrayList<>();
        for (int i = 1; i <= columns; i++) {
          values.add(rs.getString(i));
        }
        rows.add(String.join(" | ", values));
      }
    } finally {
      CatalogConnections.close(connection);
    }
    return rows;
  }

  private static List<String> typeNames(String url, String sql) throws SQLException {
    List<String> names = new ArrayList<>();
    Connection connection = DriverManager.getConnection(url);
    try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(sql)) {
      ResultSetMetaData metadata = rs.getMetaData();
      for (int i = 1; i <= metadata.getColumnCount(); i++) {
        names.add(metadata.getColumnTypeName(i));
      }
    } finally {
      CatalogConnections.close(connection);
    }
    return names;
  }
}
