package dev.bridge.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Every bad request the HTTP door refuses: the status and a JSON body that names the problem. */
class RestErrorsTest {
  @RegisterExtension
  static final TestServer server = TestServer.perClass();
  private static RestClient http;

  @BeforeAll
  static void start() {
    http = new RestClient(server);
  }

  private static void assertError(HttpRequest.Builder request, int status, String code, String message) {
    HttpResponse<String> response = http.send(request);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
    JsonNode error = RestClient.json(response.body()).get("error");
    assertThat(error.get("status").asInt()).isEqualTo(status);
    assertThat(error.get("code").asText()).isEqualTo(code);
    assertThat(error.get("message").asText()).contains(message);
  }

  @Test
  void malformedJson() {
    assertError(http.postJson("/v1/query", "{\"sql\": "), 400, "BAD_REQUEST", "not valid JSON");
  }

  @Test
  void bodyThatIsNotAnObject() {
    assertError(http.postJson("/v1/query", "[1]"), 400, "BAD_REQUEST", "must be a JSON object");
  }

  @Test
  void missingSql() {
    assertError(http.postJson("/v1/query", "{\"params\": []}"), 400, "BAD_REQUEST", "missing 'sql'");
    assertError(http.request("/v1/query"), 400, "BAD_REQUEST", "missing 'sql'");
  }

  @Test
  void unknownField() {
    assertError(http.postJson("/v1/query", "{\"sql\": \"SELECT 1\", \"limit\": 3}"), 400, "BAD_REQUEST",
        "unknown field 'limit'");
  }

  @Test
  void unknownFormatAndCompression() {
    assertError(http.query("SELECT 1", "format=xml"), 400, "BAD_REQUEST", "unknown format 'xml'");
    assertError(http.query("SELECT 1", "format=arrow", "compression=brotli"), 400, "BAD_REQUEST",
        "unknown compression 'brotli'");
  }

  @Test
  void badChunkRows() {
    assertError(http.query("SELECT 1", "chunk_rows=0"), 400, "BAD_REQUEST", "'chunk_rows' must be an integer");
    assertError(http.postJson("/v1/query", "{\"sql\": \"SELECT 1\", \"chunk_rows\": \"many\"}"), 400,
        "BAD_REQUEST", "'chunk_rows' must be an integer");
  }

  @Test
  void nestedParameter() {
    assertError(http.postJson("/v1/query", "{\"sql\": \"SELECT ?\", \"params\": [[1, 2]]}"), 400, "BAD_REQUEST",
        "params[0] is a JSON array");
  }

  @Test
  void wrongParameterCount() {
    assertError(http.postJson("/v1/query", "{\"sql\": \"SELECT ? + ?\", \"params\": [1]}"), 400,
        "INVALID_ARGUMENT", "takes 2 parameter(s) but 1 were bound");
  }

  @Test
  void wrongContentType() {
    assertError(http.request("/v1/query").header("Content-Type", "text/plain")
        .POST(HttpRequest.BodyPublishers.ofString("SELECT 1")), 415, "UNSUPPORTED_MEDIA_TYPE",
        "must be application/json, got 'text/plain'");
  }

  @Test
  void oversizedBody() {
    // The server reads the rest of a body up to eight times the limit before answering, so the client, which is
    // still sending when the answer comes, reads it instead of a connection reset.
    assertError(http.postJson("/v1/query", oversizedQuery()), 413, "PAYLOAD_TOO_LARGE",
        "larger than http.max_body_bytes");
  }

  @Test
  void oversizedChunkedBody() {
    byte[] body = oversizedQuery().getBytes(StandardCharsets.UTF_8);
    // No Content-Length: the limit is found while reading.
    HttpRequest.Builder request = http.request("/v1/query").header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(body)));
    assertError(request, 413, "PAYLOAD_TOO_LARGE", "larger than http.max_body_bytes");
  }

  @Test
  void aBodyFarOverTheLimitIsCutOffAndTheServerCarriesOn() {
    byte[] body = new byte[64 * 1024 * 1024];
    Arrays.fill(body, (byte) 'x');
    HttpRequest.Builder request = http.request("/v1/query").header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    // Not read to its end: the client gets the 413 if it reads it before the server closes, else a reset.
    try {
      assertThat(http.send(request).statusCode()).isEqualTo(413);
    } catch (UncheckedIOException reset) {
      assertThat(reset).hasRootCauseInstanceOf(IOException.class);
    }
    assertThat(http.send(http.request("/health")).statusCode()).isEqualTo(200);
  }

  private static String oversizedQuery() {
    return "{\"sql\": \"SELECT '" + "x".repeat(2 * 1024 * 1024) + "'\"}";
  }

  @Test
  void sqlErrorsKeepDuckDbsMessageAndKind() {
    assertError(http.query("SELEC 1"), 400, "INVALID_ARGUMENT", "Parser Error");
    assertError(http.query("SELECT * FROM missing_table"), 404, "NOT_FOUND", "missing_table");
    assertError(http.query("SELECT 'a'::INTEGER"), 400, "INVALID_ARGUMENT", "Could not convert string 'a'");
  }

  @Test
  void unknownRouteAndMethod() {
    assertError(http.request("/v2/nothing"), 404, "NOT_FOUND", "no route /v2/nothing");
    HttpResponse<String> response = http.send(http.request("/health").DELETE());
    assertThat(response.statusCode()).isEqualTo(405);
    assertThat(response.headers().firstValue("Allow")).hasValue("GET");
  }

  @Test
  void badSessionHeader() {
    assertError(http.query("SELECT 1").header("X-Bridge-Session", "s".repeat(200)), 400, "BAD_REQUEST",
        "X-Bridge-Session must be a name");
  }
}
