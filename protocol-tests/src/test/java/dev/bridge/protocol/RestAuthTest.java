package dev.bridge.protocol;

import static dev.bridge.protocol.auth.AuthFixture.ADMIN;
import static dev.bridge.protocol.auth.AuthFixture.READER;
import static dev.bridge.protocol.auth.AuthFixture.SIGNING_KEY;
import static dev.bridge.protocol.auth.AuthFixture.WRITER;
import static dev.bridge.protocol.auth.AuthFixture.basicHeader;
import static dev.bridge.protocol.auth.AuthFixture.password;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bridge.protocol.auth.AuthFixture;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Authentication and roles on the HTTP door: Bearer and Basic credentials, 401, 403, /health left open. */
class RestAuthTest {
  @RegisterExtension
  static final TestServer server = TestServer.perClass(AuthFixture::enable);
  private static RestClient http;

  @BeforeAll
  static void start() {
    http = new RestClient(server);
  }

  private static String bearer(String user) {
    return "Bearer " + AuthFixture.serverToken(user, AuthFixture.inAnHour(), SIGNING_KEY);
  }

  @Test
  void healthNeedsNoCredentials() {
    assertThat(http.send(http.request("/health")).statusCode()).isEqualTo(200);
  }

  @ParameterizedTest
  @ValueSource(strings = {"/v1/query?sql=SELECT%201", "/v1/tables", "/v1/tables/anything", "/v1/no-such-route"})
  void everyOtherRouteRefusesARequestWithoutCredentials(String path) {
    HttpResponse<String> response = http.send(http.request(path));
    assertThat(response.statusCode()).isEqualTo(401);
    assertThat(response.headers().firstValue("WWW-Authenticate")).hasValueSatisfying(v -> assertThat(v)
        .contains("Bearer"));
    assertThat(response.body()).contains("UNAUTHENTICATED", "authentication is required");
  }

  @Test
  void badCredentialsAre401() {
    String expired = "Bearer " + AuthFixture.serverToken(READER, AuthFixture.aMinuteAgo(), SIGNING_KEY);
    String wronglySigned = "Bearer " + AuthFixture.serverToken(READER, AuthFixture.inAnHour(),
        "another-key-of-at-least-thirty-two-bytes");
    for (String authorization : new String[] {"Bearer nonsense", expired, wronglySigned,
        basicHeader(READER, "wrong"), basicHeader("nobody", "x"), "Basic !!!", "Digest abc"}) {
      HttpResponse<String> response = http.send(http.query("SELECT 1").header("Authorization", authorization));
      assertThat(response.statusCode()).as(authorization).isEqualTo(401);
    }
  }

  @Test
  void refusedCredentialsAreCountedInTheMetricsByReason() {
    String wronglySigned = "Bearer " + AuthFixture.serverToken(READER, AuthFixture.inAnHour(),
        "another-key-of-at-least-thirty-two-bytes");
    double before = rejected("bad_signature");
    assertThat(http.send(http.query("SELECT 1").header("Authorization", wronglySigned)).statusCode()).isEqualTo(401);
    assertThat(rejected("bad_signature")).isEqualTo(before + 1);
  }

  /** The bridge_auth_rejected_total sample for {@code reason}, scraped with an admin's token (/metrics needs one). */
  private static double rejected(String reason) {
    HttpResponse<String> metrics = http.send(http.request("/metrics").header("Authorization", bearer(ADMIN)));
    assertThat(metrics.statusCode()).isEqualTo(200);
    String series = "bridge_auth_rejected_total{reason=\"" + reason + "\"} ";
    return metrics.body().lines().filter(line -> line.startsWith(series))
        .mapToDouble(line -> Double.parseDouble(line.substring(series.length()).trim())).findFirst().orElse(0);
  }

  @Test
  void bearerAndBasicCredentialsRunQueries() {
    assertThat(http.send(http.query("SELECT 1").header("Authorization", bearer(READER))).statusCode())
        .isEqualTo(200);
    assertThat(http.send(http.query("SELECT 1").header("Authorization", basicHeader(READER, password(READER))))
        .statusCode()).isEqualTo(200);
  }

  @Test
  void aReaderCannotChangeDataOverHttp() throws IOException {
    HttpResponse<String> ddl = http.send(http.postJson("/v1/query", "{\"sql\": \"CREATE TABLE r(a INT)\"}")
        .header("Authorization", bearer(READER)));
    assertThat(ddl.statusCode()).isEqualTo(403);
    assertThat(ddl.body()).contains("PERMISSION_DENIED", "role reader");
    HttpResponse<String> ingest = http.send(http.request("/v1/tables/uploads")
        .header("Authorization", bearer(READER)).header("Content-Type", "application/vnd.apache.arrow.stream")
        .POST(HttpRequest.BodyPublishers.ofByteArray(oneBatch())));
    assertThat(ingest.statusCode()).isEqualTo(403);
    HttpResponse<String> writerIngest = http.send(http.request("/v1/tables/uploads")
        .header("Authorization", bearer(WRITER)).header("Content-Type", "application/vnd.apache.arrow.stream")
        .POST(HttpRequest.BodyPublishers.ofByteArray(oneBatch())));
    assertThat(writerIngest.statusCode()).as(writerIngest.body()).isEqualTo(200);
  }

  @Test
  void aNamedSessionIsTheUsersOwn() {
    HttpResponse<String> created = http.send(http.postJson("/v1/query",
        "{\"sql\": \"CREATE TEMP TABLE private_notes AS SELECT 1 AS a\"}")
        .header("Authorization", bearer(WRITER)).header("X-Bridge-Session", "shared-name"));
    assertThat(created.statusCode()).as(created.body()).isEqualTo(200);
    assertThat(http.send(http.query("SELECT * FROM private_notes").header("Authorization", bearer(WRITER))
        .header("X-Bridge-Session", "shared-name")).statusCode()).isEqualTo(200);
    HttpResponse<String> other = http.send(http.query("SELECT * FROM private_notes")
        .header("Authorization", bearer(READER)).header("X-Bridge-Session", "shared-name"));
    assertThat(other.statusCode()).isEqualTo(404);
    assertThat(other.body()).contains("private_notes");
  }

  private static byte[] oneBatch() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (BufferAllocator allocator = new RootAllocator();
         BigIntVector id = new BigIntVector("id", allocator);
         VectorSchemaRoot root = VectorSchemaRoot.of(id);
         ArrowStreamWriter writer = new ArrowStreamWriter(root, null, out)) {
      writer.start();
      id.allocateNew(3);
      for (int i = 0; i < 3; i++) {
        id.set(i, i);
      }
      root.setRowCount(3);
      writer.writeBatch();
      writer.end();
    }
    return out.toByteArray();
  }
}
