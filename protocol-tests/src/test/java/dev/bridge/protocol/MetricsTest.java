package dev.bridge.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.Channels;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.sql.FlightSqlClient;
import org.apache.arrow.flight.sql.FlightSqlClient.ExecuteIngestOptions;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandStatementIngest.TableDefinitionOptions;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandStatementIngest.TableDefinitionOptions.TableExistsOption;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandStatementIngest.TableDefinitionOptions.TableNotExistOption;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** GET /metrics after real Flight SQL and REST traffic: each counter moved by exactly what the clients did. */
class MetricsTest {
  @RegisterExtension
  static final TestServer server = TestServer.perClass();
  private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{(.*)\\})? (\\S+)$");
  private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

  private final RestClient rest = new RestClient(server);

  /** One sample of the exposition text: its name, labels and value. */
  private record Sample(String name, Map<String, String> labels, double value) {}

  @Test
  void countersMoveByWhatTheClientsDid() throws Exception {
    List<Sample> before = scrape();
    try (BufferAllocator allocator = new RootAllocator();
         FlightSqlClient client = server.flightSqlClient(allocator)) {
      assertThat(readAll(client, "SELECT * FROM range(10)")).isEqualTo(10);
      assertThatThrownBy(() -> client.execute("SELEC 1")).isInstanceOf(FlightRuntimeException.class);
      client.executeUpdate("CREATE TABLE metrics_t (x INTEGER)");
      assertThat(client.executeUpdate("INSERT INTO metrics_t VALUES (1), (2)")).isEqualTo(2);
      try (VectorSchemaRoot rows = bigints(allocator, 5)) {
        assertThat(client.executeIngest(rows, new ExecuteIngestOptions("metrics_ingest",
            TableDefinitionOptions.newBuilder().setIfNotExist(TableNotExistOption.TABLE_NOT_EXIST_OPTION_CREATE)
                .setIfExists(TableExistsOption.TABLE_EXISTS_OPTION_FAIL).build(), null, null, Map.of())))
            .isEqualTo(5);
      }

      FlightSqlClient.Transaction transaction = client.beginTransaction();
      assertThat(value(scrape(), "bridge_transactions_active", Map.of())).isEqualTo(1);
      assertThat(value(scrape(), "bridge_sessions_active", Map.of())).isGreaterThanOrEqualTo(1);
      client.rollback(transaction);
    }
    assertThat(rest.send(rest.query("SELECT * FROM range(7)")).statusCode()).isEqualTo(200);
    assertThat(rest.send(rest.query("SELEC 1")).statusCode()).isEqualTo(400);
    byte[] arrow = arrowStream(3);
    HttpResponse<String> ingested = rest.send(rest.request("/v1/tables/metrics_rest")
        .header("Content-Type", "application/vnd.apache.arrow.stream")
        .POST(HttpRequest.BodyPublishers.ofByteArray(arrow)));
    assertThat(ingested.statusCode()).isEqualTo(200);

    List<Sample> after = scrape();
    assertThat(delta(before, after, "bridge_queries_total", labels("flight", "query", "ok"))).isEqualTo(1);
    assertThat(delta(before, after, "bridge_queries_total", labels("flight", "unknown", "error"))).isEqualTo(1);
    assertThat(delta(before, after, "bridge_queries_total", labels("flight", "command", "ok"))).isEqualTo(1);
    assertThat(delta(before, after, "bridge_queries_total", labels("flight", "update", "ok"))).isEqualTo(1);
    assertThat(delta(before, after, "bridge_queries_total", labels("flight", "ingest", "ok"))).isEqualTo(1);
    assertThat(delta(before, after, "bridge_queries_total", labels("http", "query", "ok"))).isEqualTo(1);
    assertThat(delta(before, after, "bridge_queries_total", labels("http", "unknown", "error"))).isEqualTo(1);
    assertThat(delta(before, after, "bridge_queries_total", labels("http", "ingest", "ok"))).isEqualTo(1);

    assertThat(delta(before, after, "bridge_result_rows_total", Map.of("protocol", "flight"))).isEqualTo(10);
    // The one batch over Flight left without a copy (ZeroCopyBatches).
    assertThat(delta(before, after, "bridge_flight_batch_writes_total", Map.of("path", "zero_copy"))).isEqualTo(1);
    assertThat(delta(before, after, "bridge_flight_batch_writes_total", Map.of("path", "copied"))).isZero();
    assertThat(delta(before, after, "bridge_result_rows_total", Map.of("protocol", "http"))).isEqualTo(7);
    // 10 BIGINTs: at least their 80 bytes of values, over Flight; over HTTP the NDJSON body.
    assertThat(delta(before, after, "bridge_result_bytes_total", Map.of("protocol", "flight"))).isGreaterThan(80);
    assertThat(delta(before, after, "bridge_result_bytes_total", Map.of("protocol", "http"))).isGreaterThan(20);
    assertThat(delta(before, after, "bridge_ingest_rows_total", Map.of("protocol", "flight"))).isEqualTo(5);
    assertThat(delta(before, after, "bridge_ingest_rows_total", Map.of("protocol", "http"))).isEqualTo(3);
    assertThat(delta(before, after, "bridge_ingest_bytes_total", Map.of("protocol", "flight")))
        .isGreaterThanOrEqualTo(40);
    assertThat(delta(before, after, "bridge_ingest_bytes_total", Map.of("protocol", "http")))
        .isGreaterThanOrEqualTo(24);

    // Planned: the query, the command and the update over Flight (the failed statement never was).
    assertThat(delta(before, after, "bridge_query_planning_seconds_count", Map.of("protocol", "flight")))
        .isEqualTo(3);
    assertThat(delta(before, after, "bridge_query_first_batch_seconds_count", Map.of("protocol", "flight")))
        .isEqualTo(1);
    assertThat(delta(before, after, "bridge_query_duration_seconds_count",
        Map.of("protocol", "http", "kind", "query", "engine", "duckdb"))).isEqualTo(1);

    assertThat(value(after, "bridge_streams_active", Map.of())).isZero();
    assertThat(value(after, "bridge_transactions_active", Map.of())).isZero();
    assertThat(value(after, "bridge_arrow_allocated_peak_bytes", Map.of())).isPositive();
    assertThat(value(after, "bridge_duckdb_memory_bytes", Map.of())).isGreaterThanOrEqualTo(0);
  }

  @Test
  void theExpositionIsPrometheusText() {
    // A labelled series appears once something has been counted in it.
    assertThat(rest.send(rest.query("SELECT 1")).statusCode()).isEqualTo(200);
    HttpResponse<String> response = rest.send(rest.request("/metrics"));
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(type ->
        assertThat(type).startsWith("text/plain; version=0.0.4"));
    assertThat(response.body()).contains("# TYPE bridge_queries_total counter",
        "# TYPE bridge_query_duration_seconds histogram", "# TYPE bridge_sessions_active gauge");
    assertThat(rest.send(rest.request("/metrics").POST(HttpRequest.BodyPublishers.noBody())).statusCode())
        .isEqualTo(405);
  }

  private static Map<String, String> labels(String protocol, String kind, String outcome) {
    return Map.of("protocol", protocol, "kind", kind, "outcome", outcome, "engine", "duckdb");
  }

  private List<Sample> scrape() {
    HttpResponse<String> response = rest.send(rest.request("/metrics"));
    assertThat(response.statusCode()).isEqualTo(200);
    return response.body().lines().filter(line -> !line.startsWith("#") && !line.isBlank()).map(line -> {
      Matcher sample = SAMPLE.matcher(line);
      assertThat(sample.matches()).as("exposition line %s", line).isTrue();
      Map<String, String> labels = new LinkedHashMap<>();
      if (sample.group(3) != null) {
        Matcher label = LABEL.matcher(sample.group(3));
        while (label.find()) {
          labels.put(label.group(1), label.group(2));
        }
      }
      return new Sample(sample.group(1), labels, Double.parseDouble(sample.group(4)));
    }).toList();
  }

  /** The sample's value; 0 when the series does not exist yet (a labelled counter appears on first use). */
  private static double value(List<Sample> samples, String name, Map<String, String> labels) {
    return samples.stream().filter(s -> s.name().equals(name) && s.labels().equals(labels))
        .mapToDouble(Sample::value).findFirst().orElse(0);
  }

  private static double delta(List<Sample> before, List<Sample> after, String name, Map<String, String> labels) {
    return value(after, name, labels) - value(before, name, labels);
  }

  private static long readAll(FlightSqlClient client, String sql) throws Exception {
    long rows = 0;
    try (FlightStream stream = client.getStream(client.execute(sql).getEndpoints().get(0).getTicket())) {
      while (stream.next()) {
        rows += stream.getRoot().getRowCount();
      }
    }
    return rows;
  }

  private static VectorSchemaRoot bigints(BufferAllocator allocator, int count) {
    Schema schema = new Schema(List.of(Field.nullable("v", new ArrowType.Int(64, true))));
    VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator);
    BigIntVector vector = (BigIntVector) root.getVector(0);
    vector.allocateNew(count);
    for (int i = 0; i < count; i++) {
      vector.set(i, i);
    }
    root.setRowCount(count);
    return root;
  }

  private static byte[] arrowStream(int rows) throws Exception {
    try (BufferAllocator allocator = new RootAllocator(); VectorSchemaRoot root = bigints(allocator, rows)) {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (ArrowStreamWriter writer = new ArrowStreamWriter(root, null, Channels.newChannel(bytes))) {
        writer.start();
        writer.writeBatch();
        writer.end();
      }
      return bytes.toByteArray();
    }
  }
}
