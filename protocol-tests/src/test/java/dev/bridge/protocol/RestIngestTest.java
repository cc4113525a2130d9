package dev.bridge.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Arrays;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code POST /v1/tables/{name}}: Arrow IPC uploads through the shared atomic ingest. */
class RestIngestTest {
  private static final String ARROW = "application/vnd.apache.arrow.stream";

  @RegisterExtension
  static final TestServer server = TestServer.perClass();
  private static RestClient http;

  @BeforeAll
  static void start() {
    http = new RestClient(server);
  }

  /** An IPC stream of {@code batches} batches of 1000 rows (id, label). */
  private static byte[] arrowStream(int batches) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (BufferAllocator allocator = new RootAllocator();
         BigIntVector id = new BigIntVector("id", allocator);
         VarCharVector label = new VarCharVector("label", allocator);
         VectorSchemaRoot root = VectorSchemaRoot.of(id, label);
         ArrowStreamWriter writer = new ArrowStreamWriter(root, null, out)) {
      writer.start();
      for (int batch = 0; batch < batches; batch++) {
        id.allocateNew(1000);
        label.allocateNew(1000);
        for (int i = 0; i < 1000; i++) {
          id.set(i, batch * 1000L + i);
          label.setSafe(i, ("row " + i).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        }
        root.setRowCount(1000);
        writer.writeBatch();
      }
      writer.end();
    }
    return out.toByteArray();
  }

  private static HttpResponse<String> upload(String pathAndQuery, byte[] body, String contentType) {
    return http.send(http.request(pathAndQuery).header("Content-Type", contentType)
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
  }

  private static long count(String table) {
    JsonNode data = RestClient.lines(http.send(http.query("SELECT count(*) FROM " + table)).body()).get(1);
    return data.get("rows").get(0).get(0).asLong();
  }

  @Test
  void createsAppendsAndReplaces() throws IOException {
    byte[] body = arrowStream(3);
    HttpResponse<String> created = upload("/v1/tables/uploads?mode=create", body, ARROW);
    assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
    assertThat(created.body()).isEqualTo("{\"table\":\"uploads\",\"mode\":\"create\",\"rows\":3000}");
    assertThat(upload("/v1/tables/uploads?mode=append", body, ARROW).statusCode()).isEqualTo(200);
    assertThat(count("uploads")).isEqualTo(6000);
    assertThat(upload("/v1/tables/uploads?mode=replace", arrowStream(1), ARROW).statusCode()).isEqualTo(200);
    assertThat(count("uploads")).isEqualTo(1000);
    assertThat(upload("/v1/tables/uploads?mode=create_append", body, ARROW).statusCode()).isEqualTo(200);
    assertThat(count("uploads")).isEqualTo(4000);
  }

  @Test
  void createOfAnExistingTableConflicts() throws IOException {
    byte[] body = arrowStream(1);
    assertThat(upload("/v1/tables/twice", body, ARROW).statusCode()).isEqualTo(200);
    HttpResponse<String> again = upload("/v1/tables/twice?mode=create", body, ARROW);
    assertThat(again.statusCode()).isEqualTo(409);
    assertThat(again.body()).contains("already exists");
  }

  @Test
  void brokenUploadLandsNothing() throws IOException {
    byte[] body = arrowStream(1);
    assertThat(upload("/v1/tables/atomic?mode=create", body, ARROW).statusCode()).isEqualTo(200);
    byte[] whole = arrowStream(5);
    HttpResponse<String> broken = upload("/v1/tables/atomic?mode=append", Arrays.copyOf(whole, whole.length * 3 / 4),
        ARROW);
    assertThat(broken.statusCode()).isEqualTo(400);
    assertThat(broken.body()).contains("Unexpected end of input");
    assertThat(count("atomic")).isEqualTo(1000);
  }

  @Test
  void badUploadsAreRefused() throws IOException {
    HttpResponse<String> notArrow = upload("/v1/tables/junk", "not arrow at all".getBytes(), ARROW);
    assertThat(notArrow.statusCode()).isEqualTo(400);
    assertThat(notArrow.body()).contains("not an Arrow IPC stream");
    HttpResponse<String> wrongType = upload("/v1/tables/junk", arrowStream(1), "text/csv");
    assertThat(wrongType.statusCode()).isEqualTo(415);
    HttpResponse<String> badMode = upload("/v1/tables/junk?mode=merge", arrowStream(1), ARROW);
    assertThat(badMode.statusCode()).isEqualTo(400);
    assertThat(badMode.body()).contains("unknown ingest mode 'merge'");
    HttpResponse<String> missing = upload("/v1/tables/nowhere?mode=append", arrowStream(1), ARROW);
    assertThat(missing.statusCode()).isEqualTo(404);
  }
}
