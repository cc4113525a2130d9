package dev.bridge.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.List;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.sql.FlightSqlClient;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A session reuses the plan of SQL it planned before (the JDBC driver plans every statement it runs); a cached plan
 * must never describe a result wrongly: after DDL on the same session or another, a changed search path, or a
 * changed setting, the same SQL gets the new schema and streams the new rows.
 */
class PlanCacheTest {
  @RegisterExtension
  static final TestServer server = TestServer.perClass();
  private BufferAllocator allocator;

  @BeforeEach
  void open() {
    allocator = new RootAllocator();
  }

  @AfterEach
  void close() {
    allocator.close();
  }

  @Test
  void ddlOnTheSameConnectionChangesTheSchemaOfTheSameSql() throws SQLException {
    try (Connection connection = DriverManager.getConnection(server.jdbcUrl());
         Statement statement = connection.createStatement()) {
      statement.execute("CREATE TABLE cached_same(a INTEGER)");
      statement.execute("INSERT INTO cached_same VALUES (1)");
      assertColumns(statement, "SELECT * FROM cached_same", List.of(Types.INTEGER));
      assertColumns(statement, "SELECT * FROM cached_same", List.of(Types.INTEGER));
      statement.execute("DROP TABLE cached_same");
      statement.execute("CREATE TABLE cached_same(a VARCHAR, b DOUBLE)");
      statement.execute("INSERT INTO cached_same VALUES ('x', 2.5)");
      assertColumns(statement, "SELECT * FROM cached_same", List.of(Types.VARCHAR, Types.DOUBLE));
      try (ResultSet rs = statement.executeQuery("SELECT * FROM cached_same")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString(1)).isEqualTo("x");
        assertThat(rs.getDouble(2)).isEqualTo(2.5);
      }
    }
  }

  @Test
  void ddlOnAnotherSessionChangesTheSchemaOfTheSameSql() throws Exception {
    try (FlightSqlClient reader = server.flightSqlClient(allocator);
         FlightSqlClient writer = server.flightSqlClient(allocator)) {
      writer.executeUpdate("CREATE TABLE cached_other(a INTEGER)");
      assertThat(fields(reader, "SELECT * FROM cached_other")).extracting(Field::getType)
          .containsExactly(new ArrowType.Int(32, true));
      writer.executeUpdate("CREATE OR REPLACE TABLE cached_other AS SELECT 'text' AS a, 7::BIGINT AS b");
      assertThat(fields(reader, "SELECT * FROM cached_other")).extracting(Field::getName).containsExactly("a", "b");
      assertThat(fields(reader, "SELECT * FROM cached_other")).extracting(Field::getType)
          .containsExactly(ArrowType.Utf8.INSTANCE, new ArrowType.Int(64, true));
      assertThat(rows(reader, "SELECT * FROM cached_other")).isEqualTo(1);
    }
  }

  @Test
  void aChangedSearchPathResolvesTheSameSqlAgain() throws Exception {
    try (FlightSqlClient client = server.flightSqlClient(allocator)) {
      client.executeUpdate("CREATE SCHEMA cache_a");
      client.executeUpdate("CREATE SCHEMA cache_b");
      client.executeUpdate("CREATE TABLE cache_a.t AS SELECT 1::INTEGER AS x");
      client.executeUpdate("CREATE TABLE cache_b.t AS SELECT 'y' AS x, 2.0::DOUBLE AS z");
      client.executeUpdate("USE cache_a");
      assertThat(fields(client, "SELECT * FROM t")).hasSize(1);
      client.executeUpdate("USE cache_b");
      assertThat(fields(client, "SELECT * FROM t")).extracting(Field::getType)
          .containsExactly(ArrowType.Utf8.INSTANCE, new ArrowType.FloatingPoint(
              org.apache.arrow.vector.types.FloatingPointPrecision.DOUBLE));
    }
  }

  @Test
  void queriesThatDifferOnlyInLiteralsShareADescriptionButStreamTheirOwnRows() throws Exception {
    try (FlightSqlClient client = server.flightSqlClient(allocator)) {
      client.executeUpdate("CREATE TABLE cached_literals AS SELECT range AS id, 'row ' || range AS label"
          + " FROM range(10)");
      for (long id = 0; id < 3; id++) {
        FlightInfo info = client.execute("SELECT id, label FROM cached_literals WHERE id = " + id);
        assertThat(info.getSchemaOptional().orElseThrow().getFields()).extracting(Field::getType)
            .containsExactly(new ArrowType.Int(64, true), ArrowType.Utf8.INSTANCE);
        try (FlightStream stream = client.getStream(info.getEndpoints().get(0).getTicket())) {
          assertThat(stream.next()).isTrue();
          assertThat(stream.getRoot().getRowCount()).isEqualTo(1);
          assertThat(stream.getRoot().getVector("label").getObject(0)).hasToString("row " + id);
        }
      }
      // The same text with a literal of another type is another shape, described anew.
      assertThat(fields(client, "SELECT id::INTEGER AS id, label FROM cached_literals WHERE id = 1"))
          .extracting(Field::getType).containsExactly(new ArrowType.Int(32, true), ArrowType.Utf8.INSTANCE);
    }
  }

  @Test
  void aStatementThatCannotBeWrappedStillRunsWhenAQueryOfItsShapeWasDescribed() throws Exception {
    try (FlightSqlClient client = server.flightSqlClient(allocator)) {
      // EXPLAIN answers two VARCHAR columns named like these, and cannot be run as a subquery.
      assertThat(rows(client, "SELECT 'key' AS explain_key, 'value' AS explain_value")).isEqualTo(1);
      FlightInfo info = client.execute("EXPLAIN SELECT 42");
      assertThat(info.getSchemaOptional().orElseThrow().getFields()).extracting(Field::getName)
          .containsExactly("explain_key", "explain_value");
      try (FlightStream stream = client.getStream(info.getEndpoints().get(0).getTicket())) {
        assertThat(stream.next()).isTrue();
        assertThat(stream.getRoot().getVector("explain_value").getObject(0).toString()).contains("42");
      }
    }
  }

  private static void assertColumns(Statement statement, String sql, List<Integer> types) throws SQLException {
    try (ResultSet rs = statement.executeQuery(sql)) {
      ResultSetMetaData metadata = rs.getMetaData();
      assertThat(metadata.getColumnCount()).isEqualTo(types.size());
      for (int i = 0; i < types.size(); i++) {
        assertThat(metadata.getColumnType(i + 1)).isEqualTo(types.get(i));
      }
    }
  }

  private static List<Field> fields(FlightSqlClient client, String sql) {
    return client.execute(sql).getSchemaOptional().orElseThrow().getFields();
  }

  /** Streams the result and checks every batch carries the announced schema. */
  private static long rows(FlightSqlClient client, String sql) throws Exception {
    FlightInfo info = client.execute(sql);
    long rows = 0;
    try (FlightStream stream = client.getStream(info.getEndpoints().get(0).getTicket())) {
      while (stream.next()) {
        assertThat(stream.getRoot().getSchema().getFields()).extracting(Field::getType)
            .isEqualTo(info.getSchemaOptional().orElseThrow().getFields().stream().map(Field::getType).toList());
        rows += stream.getRoot().getRowCount();
      }
    }
    return rows;
  }
}
