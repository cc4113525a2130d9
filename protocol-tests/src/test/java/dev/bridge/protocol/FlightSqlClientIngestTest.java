package dev.bridge.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStatusCode;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.sql.FlightSqlClient;
import org.apache.arrow.flight.sql.FlightSqlClient.ExecuteIngestOptions;
import org.apache.arrow.flight.sql.FlightSqlClient.Transaction;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandStatementIngest.TableDefinitionOptions;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandStatementIngest.TableDefinitionOptions.TableExistsOption;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandStatementIngest.TableDefinitionOptions.TableNotExistOption;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Arrow Java's own FlightSqlClient: executeIngest in every mode (in a transaction: TransactionsTest). */
class FlightSqlClientIngestTest {
  @RegisterExtension
  static final TestServer server = TestServer.perClass();
  @RegisterExtension
  final FlightSqlClientFixture flightSql = FlightSqlClientFixture.perTest(server);

  private static ExecuteIngestOptions options(String table, TableNotExistOption ifMissing, TableExistsOption ifExists) {
    TableDefinitionOptions definition = TableDefinitionOptions.newBuilder()
        .setIfNotExist(ifMissing).setIfExists(ifExists).build();
    return new ExecuteIngestOptions(table, definition, false, null, null, Map.of());
  }

  static ExecuteIngestOptions create(String table) {
    return options(table, TableNotExistOption.TABLE_NOT_EXIST_OPTION_CREATE, TableExistsOption.TABLE_EXISTS_OPTION_FAIL);
  }

  static ExecuteIngestOptions append(String table) {
    return options(table, TableNotExistOption.TABLE_NOT_EXIST_OPTION_FAIL, TableExistsOption.TABLE_EXISTS_OPTION_APPEND);
  }

  private VectorSchemaRoot rows(int count, int start) {
    return rows(flightSql.allocator(), count, start);
  }

  /** {@code count} rows (id BIGINT, name VARCHAR) from id {@code start}, to ingest. */
  static VectorSchemaRoot rows(BufferAllocator allocator, int count, int start) {
    Schema schema = new Schema(List.of(Field.nullable("id", new ArrowType.Int(64, true)),
        Field.nullable("name", ArrowType.Utf8.INSTANCE)));
    VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator);
    BigIntVector id = (BigIntVector) root.getVector("id");
    VarCharVector name = (VarCharVector) root.getVector("name");
    root.allocateNew();
    for (int i = 0; i < count; i++) {
      id.setSafe(i, start + i);
      name.setSafe(i, ("n" + (start + i)).getBytes(StandardCharsets.UTF_8));
    }
    root.setRowCount(count);
    return root;
  }

  private long count(String table, Transaction transaction) throws Exception {
    FlightInfo info = transaction == null ? flightSql.client().execute("SELECT count(*) FROM " + table)
        : flightSql.client().execute("SELECT count(*) FROM " + table, transaction);
    try (FlightStream stream = flightSql.client().getStream(info.getEndpoints().get(0).getTicket())) {
      stream.next();
      return ((BigIntVector) stream.getRoot().getVector(0)).get(0);
    }
  }

  @Test
  void ingestsCreatesAppendsAndRefusesAnExistingTable() throws Exception {
    try (VectorSchemaRoot first = rows(100, 0); VectorSchemaRoot second = rows(50, 100)) {
      assertThat(flightSql.client().executeIngest(first, create("java_ingest"))).isEqualTo(100);
      assertThat(flightSql.client().executeIngest(second, append("java_ingest"))).isEqualTo(50);
      assertThatThrownBy(() -> flightSql.client().executeIngest(first, create("java_ingest")))
          .isInstanceOfSatisfying(FlightRuntimeException.class,
              e -> assertThat(e.status().code()).isEqualTo(FlightStatusCode.ALREADY_EXISTS));
    }
    assertThat(count("java_ingest", null)).isEqualTo(150);
  }

  @Test
  void appendToAMissingTableIsNotFound() {
    try (VectorSchemaRoot root = rows(1, 0)) {
      assertThatThrownBy(() -> flightSql.client().executeIngest(root, append("java_missing")))
          .isInstanceOfSatisfying(FlightRuntimeException.class,
              e -> assertThat(e.status().code()).isEqualTo(FlightStatusCode.NOT_FOUND));
    }
  }

  @Test
  void unknownOptionIsInvalid() {
    TableDefinitionOptions definition = TableDefinitionOptions.newBuilder()
        .setIfNotExist(TableNotExistOption.TABLE_NOT_EXIST_OPTION_CREATE)
        .setIfExists(TableExistsOption.TABLE_EXISTS_OPTION_FAIL).build();
    try (VectorSchemaRoot root = rows(1, 0)) {
      assertThatThrownBy(() -> flightSql.client().executeIngest(root,
          new ExecuteIngestOptions("java_opt", definition, false, null, null, Map.of("compress", "yes"))))
          .isInstanceOfSatisfying(FlightRuntimeException.class, e -> {
            assertThat(e.status().code()).isEqualTo(FlightStatusCode.INVALID_ARGUMENT);
            assertThat(e.getMessage()).contains("compress");
          });
    }
  }

}
