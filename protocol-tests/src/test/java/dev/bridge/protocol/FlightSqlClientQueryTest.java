package dev.bridge.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import java.time.Duration;
import java.util.List;
import org.apache.arrow.flight.Action;
import org.apache.arrow.flight.CancelFlightInfoRequest;
import org.apache.arrow.flight.CancelFlightInfoResult;
import org.apache.arrow.flight.CancelStatus;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStatusCode;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.sql.FlightSqlClient;
import org.apache.arrow.flight.sql.FlightSqlClient.PreparedStatement;
import org.apache.arrow.flight.sql.impl.FlightSql.ActionClosePreparedStatementRequest;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandPreparedStatementQuery;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Arrow's own FlightSqlClient against Bridge: statements, prepared statements, cancellation, backpressure. */
class FlightSqlClientQueryTest {
  @RegisterExtension
  static final TestServer server = TestServer.perClass();
  @RegisterExtension
  final FlightSqlClientFixture flightSql = FlightSqlClientFixture.perTest(server);

  private long countRows(FlightInfo info) throws Exception {
    long rows = 0;
    try (FlightStream stream = flightSql.client().getStream(info.getEndpoints().get(0).getTicket())) {
      while (stream.next()) {
        rows += stream.getRoot().getRowCount();
      }
    }
    return rows;
  }

  @Test
  void executesAQueryAndStreamsEveryRow() throws Exception {
    FlightInfo info = flightSql.client().execute("SELECT range AS i FROM range(1000000)");
    assertThat(info.getEndpoints()).hasSize(1);
    assertThat(info.getEndpoints().get(0).getLocations()).isEmpty();
    assertThat(info.getRecords()).isEqualTo(-1);
    assertThat(countRows(info)).isEqualTo(1_000_000);
  }

  @Test
  void everyValueOfAManyBatchResultArrivesAndTheServerFreesEveryBuffer() throws Exception {
    // Batches leave as DuckDB's own memory (zero-copy writes): text of every length exercises the 8-byte padding
    // between buffers, nulls the validity buffers, and the server holds nothing once the stream is done.
    FlightInfo info = flightSql.client().execute(
        "SELECT i, CASE WHEN i % 5 = 0 THEN NULL ELSE repeat('ab', i % 11) || i END"
        + " AS s, i * 2 AS j FROM range(200000) t(i) ORDER BY i");
    long row = 0;
    int batches = 0;
    try (FlightStream stream = flightSql.client().getStream(info.getEndpoints().get(0).getTicket())) {
      while (stream.next()) {
        batches++;
        VectorSchemaRoot root = stream.getRoot();
        for (int r = 0; r < root.getRowCount(); r++, row++) {
          assertThat(root.getVector("i").getObject(r)).isEqualTo(row);
          String text = row % 5 == 0 ? null : "ab".repeat((int) (row % 11)) + row;
          Object s = root.getVector("s").getObject(r);
          assertThat(s == null ? null : s.toString()).isEqualTo(text);
          assertThat(root.getVector("j").getObject(r)).isEqualTo(row * 2);
        }
      }
    }
    assertThat(row).isEqualTo(200_000);
    assertThat(batches).isGreaterThan(1);
    awaitServerMemory(0);
  }

  @Test
  void executeUpdateAnswersTheRowCount() {
    assertThat(flightSql.client().executeUpdate("CREATE TABLE fsc_update(i INTEGER)")).isZero();
    assertThat(flightSql.client().executeUpdate("INSERT INTO fsc_update SELECT range FROM range(42)")).isEqualTo(42);
    assertThat(flightSql.client().executeUpdate("DELETE FROM fsc_update WHERE i < 2")).isEqualTo(2);
  }

  @Test
  void preparedQueryWithParametersAndItsSchemas() throws Exception {
    try (PreparedStatement prepared = flightSql.client().prepare("SELECT ?::INTEGER + 1 AS next, ? || '!' AS shout")) {
      assertThat(prepared.getResultSetSchema().getFields()).extracting(f -> f.getName())
          .containsExactly("next", "shout");
      assertThat(prepared.getParameterSchema().getFields()).hasSize(2)
          .allSatisfy(field -> assertThat(field.isNullable()).isTrue());
      try (VectorSchemaRoot parameters = VectorSchemaRoot.create(prepared.getParameterSchema(),
          flightSql.allocator())) {
        ((IntVector) parameters.getVector(0)).setSafe(0, 41);
        ((VarCharVector) parameters.getVector(1)).setSafe(0, "hey".getBytes());
        parameters.setRowCount(1);
        prepared.setParameters(parameters);
        FlightInfo info = prepared.execute();
        // DuckDB types `? || '!'` only once it sees the value: the FlightInfo describes the bound values exactly.
        assertThat(info.getSchema().findField("shout").getType()).isEqualTo(ArrowType.Utf8.INSTANCE);
        try (FlightStream stream = flightSql.client().getStream(info.getEndpoints().get(0).getTicket())) {
          assertThat(stream.getRoot().getSchema()).isEqualTo(info.getSchema());
          assertThat(stream.next()).isTrue();
          assertThat(stream.getRoot().getVector("next").getObject(0)).isEqualTo(42);
          assertThat(stream.getRoot().getVector("shout").getObject(0)).hasToString("hey!");
        }
      }
    }
  }

  @Test
  void preparedUpdateWithManyParameterRowsIsOneAtomicUnit() {
    flightSql.client().executeUpdate("CREATE TABLE fsc_batch(id INTEGER PRIMARY KEY)");
    try (PreparedStatement insert = flightSql.client().prepare("INSERT INTO fsc_batch VALUES (?)")) {
      try (VectorSchemaRoot parameters = VectorSchemaRoot.create(insert.getParameterSchema(), flightSql.allocator())) {
        IntVector ids = (IntVector) parameters.getVector(0);
        for (int i = 0; i < 3; i++) {
          ids.setSafe(i, i);
        }
        parameters.setRowCount(3);
        insert.setParameters(parameters);
        assertThat(insert.executeUpdate()).isEqualTo(3);

        // A batch whose last row violates the primary key leaves nothing behind.
        ids.setSafe(0, 10);
        ids.setSafe(1, 11);
        ids.setSafe(2, 0);
        insert.setParameters(parameters);
        assertThatThrownBy(insert::executeUpdate).isInstanceOf(FlightRuntimeException.class)
            .hasMessageContaining("Duplicate key");
      }
    }
    assertThat(flightSql.client().executeUpdate("DELETE FROM fsc_batch")).isEqualTo(3);
  }

  @Test
  void ddlThroughThePreparedPathRunsOnce() {
    try (PreparedStatement create = flightSql.client().prepare("CREATE TABLE fsc_prepared_ddl(i INTEGER)")) {
      assertThat(create.getResultSetSchema().getFields()).isEmpty();
      assertThat(create.executeUpdate()).isZero();
    }
    assertThatThrownBy(() -> flightSql.client().executeUpdate("CREATE TABLE fsc_prepared_ddl(i INTEGER)"))
        .isInstanceOf(FlightRuntimeException.class).hasMessageContaining("already exists");
  }

  @Test
  void anUnknownPreparedStatementHandleIsNotFound() {
    CommandPreparedStatementQuery unknown = CommandPreparedStatementQuery.newBuilder()
        .setPreparedStatementHandle(ByteString.copyFromUtf8("no-such-handle")).build();
    FlightDescriptor descriptor = FlightDescriptor.command(Any.pack(unknown).toByteArray());
    assertThatThrownBy(() -> flightSql.client().getSchema(descriptor))
        .isInstanceOf(FlightRuntimeException.class)
        .hasMessageContaining("no-such-handle")
        .satisfies(e -> assertThat(((FlightRuntimeException) e).status().code())
            .isEqualTo(FlightStatusCode.NOT_FOUND));
  }

  @Test
  void cancellingAStreamInterruptsTheQueryAndFreesEveryBuffer() throws Exception {
    FlightInfo info = flightSql.client().execute("SELECT range AS i, md5(range::VARCHAR) AS h FROM range(1000000000)");
    try (FlightStream stream = flightSql.client().getStream(info.getEndpoints().get(0).getTicket())) {
      assertThat(stream.next()).isTrue();
      stream.cancel("test cancels", null);
    }
    awaitServerMemory(0);
    assertThat(countRows(flightSql.client().execute("SELECT 1"))).isEqualTo(1);
  }

  @Test
  void aStalledClientHoldsTheQueryWithBoundedServerMemory() throws Exception {
    FlightInfo info = flightSql.client().execute("SELECT range AS i, range * 2 AS j FROM range(2000000000)");
    try (FlightStream stream = flightSql.client().getStream(info.getEndpoints().get(0).getTicket())) {
      assertThat(stream.next()).isTrue();
      long afterFirstBatch = server.server().allocatedBytes();
      Thread.sleep(1500);
      // The client reads nothing more: the server stops pulling batches from DuckDB once the transport is full.
      long whileStalled = server.server().allocatedBytes();
      assertThat(whileStalled).isLessThan(64L * 1024 * 1024);
      assertThat(stream.next()).isTrue();
      assertThat(afterFirstBatch).isLessThan(64L * 1024 * 1024);
      stream.cancel("done", null);
    }
    awaitServerMemory(0);
  }

  @Test
  void cancelFlightInfoStopsARunningQuery() throws Exception {
    FlightInfo info = flightSql.client().execute("SELECT range AS i, md5(range::VARCHAR) AS h FROM range(1000000000)");
    try (FlightStream stream = flightSql.client().getStream(info.getEndpoints().get(0).getTicket())) {
      assertThat(stream.next()).isTrue();
      CancelFlightInfoResult result = flightSql.client().cancelFlightInfo(new CancelFlightInfoRequest(info));
      assertThat(result.getStatus()).isEqualTo(CancelStatus.CANCELLED);
      assertThatThrownBy(() -> {
        while (stream.next()) {
          // drain until the cancellation arrives
        }
      }).isInstanceOf(FlightRuntimeException.class)
          .satisfies(e -> assertThat(((FlightRuntimeException) e).status().code())
              .isEqualTo(FlightStatusCode.CANCELLED));
    }
    awaitServerMemory(0);
    // The cancelled ticket cannot be redeemed again.
    assertThatThrownBy(() -> countRows(info)).isInstanceOf(FlightRuntimeException.class);
  }

  @Test
  void cancelFlightInfoOfAnUnknownTicketIsNotFound() {
    FlightInfo info = flightSql.client().execute("SELECT 1");
    FlightInfo forged = new FlightInfo(info.getSchema(), info.getDescriptor(), List.of(
        new org.apache.arrow.flight.FlightEndpoint(new org.apache.arrow.flight.Ticket("nothing".getBytes()))),
        -1, -1);
    assertThatThrownBy(() -> flightSql.client().cancelFlightInfo(new CancelFlightInfoRequest(forged)))
        .isInstanceOf(FlightRuntimeException.class)
        .satisfies(e -> assertThat(((FlightRuntimeException) e).status().code())
            .isEqualTo(FlightStatusCode.NOT_FOUND));
  }

  @Test
  void rowCountQueriesThroughExecuteUpdateCountReturnedRows() {
    assertThat(flightSql.client().executeUpdate("SELECT * FROM range(7)")).isEqualTo(7);
  }

  private static void awaitServerMemory(long bytes) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (server.server().allocatedBytes() > bytes && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertThat(server.server().allocatedBytes()).isEqualTo(bytes);
  }

  @Test
  void closingAPreparedStatementTheSessionDoesNotHoldIsNotFound() throws Exception {
    ActionClosePreparedStatementRequest request = ActionClosePreparedStatementRequest.newBuilder()
        .setPreparedStatementHandle(ByteString.copyFromUtf8("no-such-handle")).build();
    try (FlightClient flight = server.flightClient(flightSql.allocator())) {
      assertThatThrownBy(() -> flight.doAction(new Action("ClosePreparedStatement", Any.pack(request).toByteArray()))
          .hasNext())
          .isInstanceOfSatisfying(FlightRuntimeException.class, e -> {
            assertThat(e.status().code()).isEqualTo(FlightStatusCode.NOT_FOUND);
            assertThat(e.getMessage()).contains("unknown prepared statement handle 'no-such-handle'");
          });
    }
  }
}
