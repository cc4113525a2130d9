package dev.bridge.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bridge.config.EnginesConfig;
import dev.bridge.config.SparkConfig;
import java.sql.Connection;
import java.sql.Date;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Prepared statements with bound parameters and {@code USE} as SQL on Spark, through the Flight SQL JDBC driver
 * against a real Spark Connect server (local[2], the test JVM's one): Spark binds the values as literals of
 * parameterized SQL, never as text.
 */
class SparkJdbcStatementsTest {
  private static final SparkConnectServer spark = SparkConnectServer.shared();

  @RegisterExtension
  static final TestServer server = TestServer.perClass(config -> config.withEngines(new EnginesConfig(
      new SparkConfig(spark.remote(), null, spark.tokenFile().toString(), null))));

  @BeforeAll
  static void createATableInSpark() throws SQLException {
    Connection connection = DriverManager.getConnection(server.jdbcUrl() + "&catalog=spark");
    try (Statement statement = connection.createStatement()) {
      statement.execute("DROP TABLE IF EXISTS jstmt_params");
      statement.execute("CREATE TABLE jstmt_params USING parquet AS SELECT id, concat('name ', CAST(id AS STRING))"
          + " AS name, date_add(DATE'2026-01-01', CAST(id AS INT)) AS day FROM range(100)");
    } finally {
      CatalogConnections.close(connection);
    }
  }

  @Test
  void aPreparedQueryOnSparkTakesTheParametersTheDriverBinds() throws SQLException {
    Connection connection = DriverManager.getConnection(server.jdbcUrl() + "&catalog=spark");
    try (PreparedStatement statement = connection.prepareStatement("SELECT id, name FROM jstmt_params"
        + " WHERE id >= CAST(? AS BIGINT) AND id < CAST(? AS INT) AND name <> ? AND day >= CAST(? AS DATE)"
        + " ORDER BY id")) {
      // Cast positions are declared with their type, so typed setters fit; an uncast one is text (setString).
      statement.setLong(1, 10);
      statement.setInt(2, 14);
      statement.setString(3, "name 12");
      statement.setDate(4, Date.valueOf("2026-01-12"));
      assertThat(ids(statement)).containsExactly(11L, 13L);
      // The same statement again with other values: nothing of the first run is kept.
      statement.setLong(1, 0);
      statement.setInt(2, 3);
      statement.setString(3, "it's not a name");
      statement.setDate(4, Date.valueOf("2025-12-31"));
      assertThat(ids(statement)).containsExactly(0L, 1L, 2L);
    } finally {
      CatalogConnections.close(connection);
    }
  }

  @Test
  void aParameterValueIsNeverSqlText() throws SQLException {
    Connection connection = DriverManager.getConnection(server.jdbcUrl() + "&catalog=spark");
    try (PreparedStatement statement = connection.prepareStatement(
        "SELECT count(*) AS n FROM jstmt_params WHERE name = ?")) {
      statement.setString(1, "x' OR '1'='1");
      try (ResultSet rs = statement.executeQuery()) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getLong("n")).isZero();
      }
    } finally {
      CatalogConnections.close(connection);
    }
  }

  @Test
  void useSparkAndUseMemorySwitchAConnectionBetweenTheEngines() throws SQLException {
    try (Connection connection = DriverManager.getConnection(server.jdbcUrl());
         Statement statement = connection.createStatement()) {
      statement.execute("CREATE OR REPLACE TABLE memory.main.jdbc_where AS SELECT 'duckdb' AS engine");
      statement.execute("USE spark");
      assertThat(single(statement, "SELECT count(*) FROM jstmt_params")).isEqualTo("100");
      assertThat(single(statement, "SELECT current_database()")).isEqualTo("default");
      // A DuckDB table is not seen from Spark, and the message says why.
      assertThatThrownBy(() -> statement.executeQuery("SELECT * FROM memory.main.jdbc_where"))
          .hasMessageContaining("mixes DuckDB and Spark objects");
      statement.execute("USE memory");
      assertThat(single(statement, "SELECT engine FROM jdbc_where")).isEqualTo("duckdb");
      statement.execute("USE spark.default");
      assertThat(single(statement, "SELECT count(*) FROM jstmt_params WHERE id < 5")).isEqualTo("5");
      statement.execute("USE memory.main");
      assertThat(single(statement, "SELECT engine FROM jdbc_where")).isEqualTo("duckdb");
    }
  }

  private static List<Long> ids(PreparedStatement statement) throws SQLException {
    List<Long> ids = new ArrayList<>();
    try (ResultSet rs = statement.executeQuery()) {
      while (rs.next()) {
        ids.add(rs.getLong("id"));
      }
    }
    return ids;
  }

  private static String single(Statement statement, String sql) throws SQLException {
    try (ResultSet rs = statement.executeQuery(sql)) {
      assertThat(rs.next()).isTrue();
      return rs.getString(1);
    }
  }
}
