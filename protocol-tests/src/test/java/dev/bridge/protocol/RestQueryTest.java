package dev.bridge.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.apache.arrow.compression.CommonsCompressionFactory;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The HTTP door's query route, driven by Java's HttpClient: NDJSON, CSV, Arrow, compression, sessions. */
class RestQueryTest {
  private static final String ENDLESS = "SELECT range AS i FROM range(10000000000)";

  @RegisterExtension
  static final TestServer server = TestServer.perClass();
  private static RestClient http;

  @BeforeAll
  static void start() {
    http = new RestClient(server);
  }

  @Test
  void streamsNdjsonMetadataDataAndEnd() {
    HttpResponse<String> response = http.send(http.query("SELECT range AS i, 'row ' || range AS label FROM range(5)",
        "chunk_rows=2"));
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/x-ndjson");
    List<JsonNode> lines = RestClient.lines(response.body());
    assertThat(lines.get(0).toString()).isEqualTo("{\"type\":\"metadata\",\"columns\":"
        + "[{\"name\":\"i\",\"type\":\"BIGINT\"},{\"name\":\"label\",\"type\":\"VARCHAR\"}]}");
    assertThat(lines.subList(1, 4)).extracting(line -> line.get("rows").toString())
        .containsExactly("[[0,\"row 0\"],[1,\"row 1\"]]", "[[2,\"row 2\"],[3,\"row 3\"]]", "[[4,\"row 4\"]]");
    assertThat(lines.get(4).get("type").asText()).isEqualTo("end");
    assertThat(lines.get(4).get("rows").asLong()).isEqualTo(5);
    assertThat(lines.get(4).has("elapsed_ms")).isTrue();
  }

  @Test
  void emptyResultHasMetadataAndEnd() {
    List<JsonNode> lines = RestClient.lines(http.send(http.query("SELECT range AS i FROM range(0)")).body());
    assertThat(lines).extracting(line -> line.get("type").asText()).containsExactly("metadata", "end");
    assertThat(lines.get(1).get("rows").asLong()).isZero();
  }

  @Test
  void postBindsParameters() {
    HttpResponse<String> response = http.send(http.postJson("/v1/query",
        "{\"sql\": \"SELECT ?::BIGINT + 1 AS n, ? AS s, ?::DECIMAL(20,3) AS d, ? IS NULL AS missing\","
            + " \"params\": [41, \"text\", 12345678901234567.125, null]}"));
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(RestClient.lines(response.body()).get(1).get("rows").toString())
        .isEqualTo("[[42,\"text\",12345678901234567.125,true]]");
  }

  @Test
  void mapsEveryTypeExactly() {
    String sql = "SELECT 170141183460469231731687303715884105727::HUGEINT AS huge,"
        + " 18446744073709551615::UBIGINT AS ubig, 340282366920938463463374607431768211455::UHUGEINT AS uhuge,"
        + " -123.4500::DECIMAL(10,4) AS dec, 12345678901234567890.123456789::DECIMAL(38,9) AS wide,"
        + " TIMESTAMP '2024-01-02 03:04:05.123456' AS ts, TIMESTAMPTZ '2024-01-02 03:04:05+02' AS tstz,"
        + " DATE '2024-02-29' AS day, TIME '23:59:59.5' AS t, INTERVAL '1 month 2 days 3.5 seconds' AS iv,"
        + " '\\xAA\\xFF'::BLOB AS bin, 'b1d6c6f0-8e5d-4b0e-9a4c-2f1e0b7f9a11'::UUID AS id, [1, NULL] AS list,"
        + " {'a': 1, 'b': [true]} AS st, MAP {'k': 1} AS m, 'x'::ENUM('x', 'y') AS e, 'nan'::DOUBLE AS nan,"
        + " 'infinity'::TIMESTAMP AS forever, union_value(n := 2)::UNION(n INT, s VARCHAR) AS u, NULL AS nothing";
    List<JsonNode> lines = RestClient.lines(http.send(http.query(sql)).body());
    assertThat(lines.get(1).get("rows").get(0).toString()).isEqualTo("[170141183460469231731687303715884105727,"
        + "18446744073709551615,\"340282366920938463463374607431768211455\",-123.4500,"
        + "12345678901234567890.123456789,\"2024-01-02T03:04:05.123456\",\"2024-01-02T01:04:05Z\",\"2024-02-29\","
        + "\"23:59:59.5\",{\"months\":1,\"days\":2,\"nanoseconds\":3500000000},\"qv8=\","
        + "\"b1d6c6f0-8e5d-4b0e-9a4c-2f1e0b7f9a11\",[1,null],{\"a\":1,\"b\":[true]},[{\"key\":\"k\",\"value\":1}],"
        + "\"x\",\"NaN\",\"infinity\",2,null]");
    assertThat(lines.get(0).get("columns").get(0).get("type").asText()).isEqualTo("DECIMAL(38,0)");
    // Unsigned integers are widened for every door (the JDBC driver misreads unsigned Arrow): the value is exact.
    assertThat(lines.get(0).get("columns").get(1).get("type").asText()).isEqualTo("DECIMAL(20,0)");
  }

  @Test
  void midStreamErrorIsTheLastLine() {
    // The failing rows come late enough that DuckDB's parallel scan has produced the first batch before it meets them.
    String body = http.send(http.query("SELECT CASE WHEN range < 5000000 THEN range::VARCHAR ELSE 'x' END::INTEGER"
        + " AS v FROM range(10000000)")).body();
    List<JsonNode> lines = RestClient.lines(body);
    assertThat(lines.get(0).get("type").asText()).isEqualTo("metadata");
    assertThat(lines.get(1).get("type").asText()).isEqualTo("data");
    JsonNode last = lines.get(lines.size() - 1);
    assertThat(last.get("type").asText()).isEqualTo("error");
    assertThat(last.get("message").asText()).contains("Could not convert string 'x'");
    assertThat(lines).noneMatch(line -> line.get("type").asText().equals("end"));
  }

  @Test
  void csvHasAHeaderAndTellsNullFromEmpty() {
    HttpResponse<String> response = http.send(http.query(
        "SELECT 1 AS a, NULL::VARCHAR AS b, '' AS c, 'x,\"y\"' AS d, [1, 2] AS e", "format=csv"));
    assertThat(response.headers().firstValue("Content-Type")).hasValue("text/csv; charset=utf-8");
    assertThat(response.body()).isEqualTo("a,b,c,d,e\n1,,\"\",\"x,\"\"y\"\"\",\"[1,2]\"\n");
  }

  @Test
  void arrowStreamsIpcWithAndWithoutCompression() throws IOException {
    for (String compression : List.of("none", "zstd", "lz4")) {
      HttpResponse<byte[]> response = http.send(http.query("SELECT range AS i FROM range(100000)", "format=arrow",
          "compression=" + compression), HttpResponse.BodyHandlers.ofByteArray());
      assertThat(response.headers().firstValue("Content-Type")).hasValue("application/vnd.apache.arrow.stream");
      assertThat(sumOfArrowColumn(response.body())).isEqualTo(100000L * 99999 / 2);
    }
    HttpResponse<byte[]> byAccept = http.send(http.query("SELECT range AS i FROM range(10)")
        .header("Accept", "application/vnd.apache.arrow.stream"), HttpResponse.BodyHandlers.ofByteArray());
    assertThat(sumOfArrowColumn(byAccept.body())).isEqualTo(45);
  }

  private static long sumOfArrowColumn(byte[] body) throws IOException {
    long sum = 0;
    try (BufferAllocator allocator = new RootAllocator();
         ArrowStreamReader reader = new ArrowStreamReader(new ByteArrayInputStream(body), allocator,
             CommonsCompressionFactory.INSTANCE)) {
      while (reader.loadNextBatch()) {
        BigIntVector column = (BigIntVector) reader.getVectorSchemaRoot().getVector(0);
        for (int i = 0; i < column.getValueCount(); i++) {
          sum += column.get(i);
        }
      }
    }
    return sum;
  }

  @Test
  void zstdBodyDecodesIncrementallyWhileTheQueryRuns() throws IOException {
    HttpResponse<InputStream> response = http.send(http.query(ENDLESS).header("Accept-Encoding", "zstd"),
        HttpResponse.BodyHandlers.ofInputStream());
    assertThat(response.headers().firstValue("Content-Encoding")).hasValue("zstd");
    assertFirstLinesReadable(new com.github.luben.zstd.ZstdInputStream(response.body()));
  }

  @Test
  void gzipBodyDecodesIncrementallyWhileTheQueryRuns() throws IOException {
    HttpResponse<InputStream> response = http.send(http.query(ENDLESS).header("Accept-Encoding", "gzip"),
        HttpResponse.BodyHandlers.ofInputStream());
    assertThat(response.headers().firstValue("Content-Encoding")).hasValue("gzip");
    assertFirstLinesReadable(new GZIPInputStream(response.body()));
  }

  /** The query would run for hours: reading its first rows proves the body is not held back until it ends. */
  private static void assertFirstLinesReadable(InputStream decoded) throws IOException {
    try (BufferedReader reader = new BufferedReader(new InputStreamReader(decoded, StandardCharsets.UTF_8))) {
      assertThat(RestClient.json(reader.readLine()).get("type").asText()).isEqualTo("metadata");
      JsonNode data = RestClient.json(reader.readLine());
      assertThat(data.get("rows").get(0).get(0).asLong()).isZero();
    }
    awaitNoSessions();
  }

  @Test
  void clientThatDisconnectsCancelsTheQuery() throws IOException {
    HttpResponse<InputStream> response = http.send(http.query(ENDLESS), HttpResponse.BodyHandlers.ofInputStream());
    try (InputStream body = response.body()) {
      assertThat(body.readNBytes(4096)).hasSize(4096);
      assertThat(server.server().sessionCount()).isEqualTo(1);
    }
    awaitNoSessions();
    assertThat(server.server().allocatedBytes()).isZero();
  }

  @Test
  void slowReaderKeepsServerMemoryFlat() throws IOException {
    HttpResponse<InputStream> response = http.send(http.query(ENDLESS, "chunk_rows=4096"),
        HttpResponse.BodyHandlers.ofInputStream());
    long mostAllocated = 0;
    try (BufferedReader reader = new BufferedReader(new InputStreamReader(response.body(), StandardCharsets.UTF_8))) {
      reader.readLine();
      long expectedFirst = 0;
      for (int line = 0; line < 20; line++) {
        JsonNode rows = RestClient.json(reader.readLine()).get("rows");
        assertThat(rows.get(0).get(0).asLong()).isEqualTo(expectedFirst);
        expectedFirst += rows.size();
        sleepMillis(100);
        mostAllocated = Math.max(mostAllocated, server.server().allocatedBytes());
      }
    }
    // About one 4096-row batch of BIGINT is held; an unthrottled query would have produced gigabytes by now.
    assertThat(mostAllocated).isLessThan(4L * 1024 * 1024);
    awaitNoSessions();
  }

  private static void awaitNoSessions() {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (server.server().sessionCount() > 0 && System.nanoTime() < deadline) {
      sleep();
    }
    assertThat(server.server().sessionCount()).as("sessions left open").isZero();
  }

  private static void sleep() {
    sleepMillis(50);
  }

  private static void sleepMillis(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Test
  void statementsWithoutRowsAnswerTheirCount() {
    assertThat(http.send(http.postJson("/v1/query", "{\"sql\": \"CREATE TABLE rest_counts(i INTEGER)\"}")).body())
        .isEqualTo("{\"type\":\"update\",\"rows_changed\":0}");
    assertThat(http.send(http.postJson("/v1/query",
        "{\"sql\": \"INSERT INTO rest_counts VALUES (?), (?)\", \"params\": [1, 2]}")).body())
        .isEqualTo("{\"type\":\"update\",\"rows_changed\":2}");
  }
}
