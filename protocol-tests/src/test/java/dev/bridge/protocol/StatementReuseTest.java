package dev.bridge.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.SessionOptionValueFactory;
import org.apache.arrow.flight.SetSessionOptionsRequest;
import org.apache.arrow.flight.sql.FlightSqlClient;
import org.apache.arrow.flight.sql.FlightSqlClient.ExecuteIngestOptions;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandStatementIngest.TableDefinitionOptions;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandStatementIngest.TableDefinitionOptions.TableExistsOption;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandStatementIngest.TableDefinitionOptions.TableNotExistOption;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A session runs a query it ran to its end before on the same DuckDB prepared statement; what it streams must be
 * what a newly prepared statement would stream: the table as it is now, under the session's current schema, and a
 * statement whose stream was cut short or failed is never run again.
 */
class StatementReuseTest {
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
  void aSchemaChosenBySessionOptionRunsTheSameSqlOnItsOwnTable() throws Exception {
    try (FlightSqlClient client = server.flightSqlClient(allocator)) {
      client.executeUpdate("CREATE SCHEMA reuse_option_a");
      client.executeUpdate("CREATE SCHEMA reuse_option_b");
      client.executeUpdate("CREATE TABLE reuse_option_a.t AS SELECT 1::INTEGER AS x");
      client.executeUpdate("CREATE TABLE reuse_option_b.t AS SELECT 2::INTEGER AS x");
      useSchema(client, "reuse_option_a");
      assertThat(FirstColumn.of(client, "SELECT x FROM t")).containsExactly("1");
      assertThat(FirstColumn.of(client, "SELECT x FROM t")).containsExactly("1");
      useSchema(client, "reuse_option_b");
      assertThat(FirstColumn.of(client, "SELECT x FROM t")).containsExactly("2");
    }
  }

  @Test
  void aSchemaChosenByUseRunsTheSameSqlOnItsOwnTable() throws Exception {
    try (FlightSqlClient client = server.flightSqlClient(allocator)) {
      client.executeUpdate("CREATE SCHEMA reuse_use_a");
      client.executeUpdate("CREATE SCHEMA reuse_use_b");
      client.executeUpdate("CREATE TABLE reuse_use_a.t AS SELECT 'a' AS x");
      client.executeUpdate("CREATE TABLE reuse_use_b.t AS SELECT 'b' AS x");
      client.executeUpdate("USE reuse_use_a");
      assertThat(FirstColumn.of(client, "SELECT x FROM t")).containsExactly("a");
      assertThat(FirstColumn.of(client, "SELECT x FROM t")).containsExactly("a");
      client.executeUpdate("USE reuse_use_b");
      assertThat(FirstColumn.of(client, "SELECT x FROM t")).containsExactly("b");
    }
  }

  @Test
  void aTableAnotherSessionReplacedByIngestIsReadAsItIsNow() throws Exception {
    try (FlightSqlClient reader = server.flightSqlClient(allocator);
         FlightSqlClient writer = server.flightSqlClient(allocator)) {
      try (VectorSchemaRoot integers = integers(7)) {
        writer.executeIngest(integers, replace("reuse_ingested"));
      }
      assertThat(FirstColumn.of(reader, "SELECT * FROM reuse_ingested")).containsExactly("7");
      assertThat(FirstColumn.of(reader, "SELECT * FROM reuse_ingested")).containsExactly("7");
      try (VectorSchemaRoot textAndDouble = textAndDouble("eight", 8.5)) {
        writer.executeIngest(textAndDouble, replace("reuse_ingested"));
      }
      FlightInfo info = reader.execute("SELECT * FROM reuse_ingested");
      try (FlightStream stream = reader.getStream(info.getEndpoints().get(0).getTicket())) {
        assertThat(stream.next()).isTrue();
        assertThat(stream.getRoot().getSchema().getFields()).extracting(Field::getType).containsExactly(
            ArrowType.Utf8.INSTANCE, new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE));
        assertThat(stream.getRoot().getVector(0).getObject(0)).hasToString("eight");
        assertThat(stream.getRoot().getVector(1).getObject(0)).isEqualTo(8.5);
      }
    }
  }

  @Test
  void aStreamClosedBeforeItsEndLeavesTheNextRunComplete() throws Exception {
    String sql = "SELECT range AS n FROM range(300000)";
    try (FlightSqlClient client = server.flightSqlClient(allocator)) {
      FlightInfo info = client.execute(sql);
      try (FlightStream stream = client.getStream(info.getEndpoints().get(0).getTicket())) {
        assertThat(stream.next()).isTrue();
        stream.cancel("enough", null);
      }
      assertThat(FirstColumn.of(client, sql)).hasSize(300000);
      assertThat(FirstColumn.of(client, sql)).hasSize(300000);
    }
  }

  @Test
  void aQueryThatFailedMidStreamFailsAgainAndTheSessionGoesOn() throws Exception {
    String sql = "SELECT CASE WHEN range < 150000 THEN range ELSE error('reuse boom') END AS n FROM range(300000)";
    try (FlightSqlClient client = server.flightSqlClient(allocator)) {
      for (int run = 0; run < 2; run++) {
        assertThatThrownBy(() -> FirstColumn.of(client, sql))
            .isInstanceOf(FlightRuntimeException.class).hasMessageContaining("reuse boom");
      }
      assertThat(FirstColumn.of(client, "SELECT 42")).containsExactly("42");
    }
  }

  private static void useSchema(FlightSqlClient client, String schema) {
    client.setSessionOptions(new SetSessionOptionsRequest(
        Map.of("schema", SessionOptionValueFactory.makeSessionOptionValue(schema))));
  }

  private static ExecuteIngestOptions replace(String table) {
    TableDefinitionOptions definition = TableDefinitionOptions.newBuilder()
        .setIfNotExist(TableNotExistOption.TABLE_NOT_EXIST_OPTION_CREATE)
        .setIfExists(TableExistsOption.TABLE_EXISTS_OPTION_REPLACE).build();
    return new ExecuteIngestOptions(table, definition, false, null, null, Map.of());
  }

  private VectorSchemaRoot integers(int value) {
    VectorSchemaRoot root = VectorSchemaRoot.create(
        new Schema(List.of(Field.nullable("a", new ArrowType.Int(32, true)))), allocator);
    root.allocateNew();
    ((IntVector) root.getVector(0)).setSafe(0, value);
    root.setRowCount(1);
    return root;
  }

  private VectorSchemaRoot textAndDouble(String text, double number) {
    VectorSchemaRoot root = VectorSchemaRoot.create(new Schema(List.of(Field.nullable("a", ArrowType.Utf8.INSTANCE),
        Field.nullable("b", new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE)))), allocator);
    root.allocateNew();
    ((VarCharVector) root.getVector(0)).setSafe(0, text.getBytes(StandardCharsets.UTF_8));
    ((Float8Vector) root.getVector(1)).setSafe(0, number);
    root.setRowCount(1);
    return root;
  }
}
