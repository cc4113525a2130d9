package dev.bridge.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bridge.cli.BulkIngestUpload;
import java.io.IOException;
import java.util.List;
import java.util.Set;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStatusCode;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.sql.FlightSqlClient;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandStatementIngest;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandStatementIngest.TableDefinitionOptions;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandStatementIngest.TableDefinitionOptions.TableExistsOption;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandStatementIngest.TableDefinitionOptions.TableNotExistOption;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The bulk ingest upload of {@code bridge ingest}, which waits for gRPC without Arrow Java's busy loop: rows land,
 * the server's refusal reaches the caller, and a source that fails midway leaves no table behind.
 */
class BulkIngestUploadTest {
  @RegisterExtension
  static final TestServer server = TestServer.perClass();
  private static final int BATCH_ROWS = 50_000;
  private BufferAllocator allocator;
  private FlightClient flight;

  @BeforeEach
  void connect() {
    allocator = new RootAllocator();
    flight = server.flightClient(allocator);
  }

  @AfterEach
  void disconnect() throws Exception {
    flight.close();
    allocator.close();
  }

  @Test
  void sendsEveryBatchAndReturnsTheServersRowCount() throws Exception {
    try (ArrowReader batches = new GeneratedBatches(allocator, 40, -1)) {
      assertThat(BulkIngestUpload.send(flight, create("upload_rows"), batches)).isEqualTo(40L * BATCH_ROWS);
    }
    assertThat(count("upload_rows")).isEqualTo(40L * BATCH_ROWS);
  }

  @Test
  void theServersRefusalReachesTheCaller() throws Exception {
    try (ArrowReader batches = new GeneratedBatches(allocator, 1, -1)) {
      BulkIngestUpload.send(flight, create("upload_exists"), batches);
    }
    try (ArrowReader batches = new GeneratedBatches(allocator, 3, -1)) {
      assertThatThrownBy(() -> BulkIngestUpload.send(flight, create("upload_exists"), batches))
          .isInstanceOfSatisfying(FlightRuntimeException.class,
              e -> assertThat(e.status().code()).isEqualTo(FlightStatusCode.ALREADY_EXISTS));
    }
    assertThat(count("upload_exists")).isEqualTo(BATCH_ROWS);
  }

  @Test
  void aSourceThatFailsMidwayCancelsTheIngest() throws Exception {
    try (ArrowReader batches = new GeneratedBatches(allocator, 10, 5)) {
      assertThatThrownBy(() -> BulkIngestUpload.send(flight, create("upload_broken"), batches))
          .isInstanceOf(IOException.class).hasMessageContaining("batch 5 unreadable");
    }
    try (FlightSqlClient client = new FlightSqlClient(server.flightClient(allocator))) {
      FlightInfo info = client.execute(
          "SELECT count(*) FROM duckdb_tables() WHERE table_name = 'upload_broken'");
      try (FlightStream stream = client.getStream(info.getEndpoints().get(0).getTicket())) {
        stream.next();
        assertThat(((BigIntVector) stream.getRoot().getVector(0)).get(0)).isZero();
      }
    }
  }

  private static CommandStatementIngest create(String table) {
    return CommandStatementIngest.newBuilder().setTable(table).setTableDefinitionOptions(
        TableDefinitionOptions.newBuilder().setIfNotExist(TableNotExistOption.TABLE_NOT_EXIST_OPTION_CREATE)
            .setIfExists(TableExistsOption.TABLE_EXISTS_OPTION_FAIL)).build();
  }

  private long count(String table) throws Exception {
    try (FlightSqlClient client = new FlightSqlClient(server.flightClient(allocator))) {
      FlightInfo info = client.execute("SELECT count(*) FROM " + table);
      try (FlightStream stream = client.getStream(info.getEndpoints().get(0).getTicket())) {
        stream.next();
        return ((BigIntVector) stream.getRoot().getVector(0)).get(0);
      }
    }
  }

  /** {@code batches} batches of one BIGINT column; loading batch {@code failAt} (if not -1) throws. */
  private static final class GeneratedBatches extends ArrowReader {
    private static final Schema SCHEMA = new Schema(List.of(Field.nullable("id", new ArrowType.Int(64, true))));
    private final int batches;
    private final int failAt;
    private int loaded;

    GeneratedBatches(BufferAllocator allocator, int batches, int failAt) {
      super(allocator);
      this.batches = batches;
      this.failAt = failAt;
    }

    @Override
    public boolean loadNextBatch() throws IOException {
      if (loaded == failAt) {
        throw new IOException("batch " + loaded + " unreadable");
      }
      if (loaded == batches) {
        return false;
      }
      VectorSchemaRoot root = getVectorSchemaRoot();
      BigIntVector id = (BigIntVector) root.getVector(0);
      id.allocateNew(BATCH_ROWS);
      for (int i = 0; i < BATCH_ROWS; i++) {
        id.set(i, (long) loaded * BATCH_ROWS + i);
      }
      root.setRowCount(BATCH_ROWS);
      loaded++;
      return true;
    }

    @Override
    public long bytesRead() {
      return 0;
    }

    @Override
    protected void closeReadSource() {}

    @Override
    protected Schema readSchema() {
      return SCHEMA;
    }

    @Override
    public Set<Long> getDictionaryIds() {
      return Set.of();
    }
  }
}
