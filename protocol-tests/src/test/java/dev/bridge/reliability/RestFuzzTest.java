package dev.bridge.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bridge.protocol.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;
import org.apache.arrow.vector.types.Types.MinorType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Seeded fuzzing of the REST door: malformed and wrongly typed JSON bodies, bad query parameters, broken headers
 * and request lines (over a raw socket), oversized bodies and headers, corrupt Arrow IPC uploads, SQL that fails.
 * Every case must get a 4xx whose message names the problem (never a 5xx or a hang), the server must answer a
 * normal query right after, no failed upload may create its table, and no session or Arrow buffer may be left.
 */
class RestFuzzTest {
  @RegisterExtension
  static final TestServer server = TestServer.perClass();

  private static final Duration TIMEOUT = Duration.ofSeconds(30);
  private static final Pattern JSON_PROBLEM = Pattern.compile("(?i)json|body|object|sql|param|field|format|"
      + "compression|chunk_rows|must|expected|unknown|content-type|media");
  private static final Pattern SQL_PROBLEM = Pattern.compile("(?i)(parser|catalog|binder|conversion) error|syntax|"
      + "does not exist|boom|invalid input");
  private static final Pattern IPC_PROBLEM = Pattern.compile("(?i)arrow|ipc|stream|schema|batch|message|corrupt|"
      + "invalid|buffer|read|body|content-type|media|mode");
  private static final Pattern HTTP_PROBLEM = Pattern.compile("(?i)bad request|header|too large|illegal|invalid|"
      + "unsupported|length|version|method|uri|not implemented|missing|character|route|parse");

  /** A request and what its answer must look like. */
  private record Case(String kind, String detail, Call call, Pattern problem,
      String tableThatMustNotExist, boolean mayPass) {
    Case(String kind, String detail, Call call, Pattern problem, String table) {
      this(kind, detail, call, problem, table, false);
    }
  }

  private record Answer(int status, String body) {}

  private interface Call {
    Answer apply(RestFuzzTest test) throws IOException;
  }

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();

  @Test
  void everyGeneratedRequestGetsAClientErrorAndTheServerStaysWhole() throws Exception {
    long seed = Fuzz.seed("RestFuzzTest");
    Random random = new Random(seed);
    int cases = Fuzz.cases(250);
    Map<String, Integer> counts = new TreeMap<>();
    List<String> failures = new ArrayList<>();
    byte[] ipc = ipcStream();
    long leftBytes = 0;
    List<Function<Random, Case>> generators = List.of(
        this::jsonBodyCase, this::queryParamCase, r -> sqlCase(r), r -> uploadCase(r, ipc), r -> rawHttpCase(r),
        r -> headerCase(r));
    for (int i = 0; i < cases; i++) {
      Case fuzzCase = generators.get(random.nextInt(generators.size())).apply(random);
      counts.merge(fuzzCase.kind(), 1, Integer::sum);
      String label = "case " + i + " " + fuzzCase.kind() + " (" + fuzzCase.detail() + ")";
      try {
        Answer answer = fuzzCase.call().apply(this);
        boolean passed = fuzzCase.mayPass() && answer.status() == 200;
        // 505 is HTTP's own answer to a version it does not speak.
        boolean unsupportedVersion = fuzzCase.detail().contains("HTTP/9.") && answer.status() == 505;
        if (passed) {
          post("/v1/query", "application/json", ("{\"sql\": \"DROP TABLE " + fuzzCase.tableThatMustNotExist()
              + "\"}").getBytes(StandardCharsets.UTF_8));
        } else if (!unsupportedVersion && (answer.status() < 400 || answer.status() >= 500)) {
          failures.add(label + ": HTTP " + answer.status() + " " + shortened(answer.body()));
        } else if (!fuzzCase.problem().matcher(answer.body()).find()) {
          failures.add(label + ": the answer does not name the problem: " + answer.status() + " "
              + shortened(answer.body()));
        }
        Answer normal = get("/v1/query?sql=" + encode("SELECT 42 AS answer"));
        if (normal.status() != 200 || !normal.body().contains("42")) {
          failures.add(label + ": the next normal query got " + normal.status() + " " + shortened(normal.body()));
        }
        if (fuzzCase.tableThatMustNotExist() != null
            && get("/v1/tables/" + fuzzCase.tableThatMustNotExist()).status() != 404) {
          failures.add(label + ": a failed upload left table " + fuzzCase.tableThatMustNotExist());
        }
        long held = Fuzz.heldBytesSettled(server.server(), leftBytes);
        if (held > leftBytes) {
          failures.add(label + ": the server holds " + (held - leftBytes) + " more Arrow bytes after it");
          leftBytes = held;
        }
      } catch (IOException e) {
        failures.add(label + ": " + e);
      }
    }
    System.out.printf("RestFuzzTest: %d cases, seed %d, by kind %s%n", cases, seed, counts);
    assertThat(failures).as("seed " + seed).isEmpty();
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while ((server.server().sessionCount() != 0 || server.server().allocatedBytes() != 0)
        && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertThat(server.server().sessionCount()).as("sessions left open").isZero();
    assertThat(server.server().allocatedBytes()).as("Arrow bytes the server still holds").isZero();
  }

  // ---- Generators ----------------------------------------------------------------------------------------------

  private Case jsonBodyCase(Random random) {
    String word = Fuzz.word(random, 10);
    String body = switch (random.nextInt(12)) {
      case 0 -> new String(Fuzz.randomBytes(random, 200), StandardCharsets.ISO_8859_1);
      case 1 -> new String(Fuzz.truncated(random,
          "{\"sql\": \"SELECT 1\", \"params\": [1, \"x\"], \"format\": \"csv\"}".getBytes()), StandardCharsets.UTF_8);
      case 2 -> "{\"sql\": " + random.nextInt() + "}";
      case 3 -> "{\"sql\": \"SELECT ?\", \"params\": \"" + word + "\"}";
      case 4 -> "{\"sql\": \"SELECT 1\", \"chunk_rows\": " + (random.nextBoolean() ? "-" + random.nextInt(99) : "\"x\"")
          + "}";
      case 5 -> "{\"sql\": \"SELECT 1\", \"format\": \"" + word + "\"}";
      case 6 -> "{\"sql\": \"SELECT 1\", \"compression\": \"" + word + "\"}";
      case 7 -> "[\"SELECT 1\"]";
      case 8 -> "{\"sql\": \"SELECT ?\", \"params\": [" + "[".repeat(2000 + random.nextInt(20000))
          + "]}";
      case 9 -> "{\"" + word + "\": 1}";
      case 10 -> "{\"sql\": \"SELECT ?, ?\", \"params\": [{\"" + word + "\": 1}, 2]}";
      default -> "";
    };
    boolean wrongType = random.nextInt(8) == 0;
    String contentType = wrongType ? "text/" + word : "application/json";
    return new Case("json-body", (wrongType ? contentType + " " : "") + shortened(body),
        test -> test.post("/v1/query", contentType, body.getBytes(StandardCharsets.UTF_8)), JSON_PROBLEM, null);
  }

  private Case queryParamCase(Random random) {
    String word = Fuzz.word(random, 10);
    String query = switch (random.nextInt(7)) {
      case 0 -> "";
      case 1 -> "?sql=";
      case 2 -> "?sql=SELECT%201&format=" + word;
      case 3 -> "?sql=SELECT%201&chunk_rows=" + word;
      case 4 -> "?sql=SELECT%20%3F&param=1&param=2&param=" + word;
      case 5 -> "?sql=SELECT%201&compression=" + word;
      default -> "?sql=SELECT%20%3F";
    };
    return new Case("query-params", query, test -> test.get("/v1/query" + query),
        Pattern.compile(JSON_PROBLEM.pattern() + "|(?i)parameter|bind|placeholder|prepared"), null);
  }

  private static Case sqlCase(Random random) {
    String word = Fuzz.word(random, 10);
    int n = 1 + random.nextInt(3000);
    String sql = switch (random.nextInt(5)) {
      case 0 -> "SELEKT " + word;
      case 1 -> "SELECT * FROM no_such_" + word;
      case 2 -> "SELECT CASE WHEN range = " + (n - 1) + " THEN error('boom " + word + "') ELSE range END FROM range("
          + n + ")";
      case 3 -> "SELECT '" + word + "'::INTEGER";
      default -> "SELECT * FROM " + "t".repeat(100_000 + random.nextInt(100_000));
    };
    boolean post = sql.length() < 50_000 && random.nextBoolean();
    return new Case("sql-fails", shortened(sql), test -> post
        ? test.post("/v1/query", "application/json", ("{\"sql\": \"" + sql.replace("'", "'") + "\"}").getBytes())
        : test.get("/v1/query?sql=" + encode(sql)), Pattern.compile(SQL_PROBLEM.pattern() + "|(?i)too large|uri"),
        null);
  }

  private Case uploadCase(Random random, byte[] ipc) {
    String table = "rest_fuzz_" + Integer.toUnsignedString(random.nextInt());
    byte[] body;
    String detail;
    String mode = "create";
    switch (random.nextInt(5)) {
      case 0 -> {
        body = Fuzz.randomBytes(random, 400);
        detail = "random bytes";
      }
      case 1 -> {
        body = Fuzz.truncated(random, ipc);
        detail = "truncated IPC";
      }
      case 2 -> {
        body = corruptedPastSchema(random, ipc);
        detail = "corrupted IPC";
      }
      case 3 -> {
        body = ipc;
        mode = Fuzz.word(random, 8);
        detail = "mode " + mode;
      }
      default -> {
        body = new byte[0];
        detail = "empty body";
      }
    }
    String uploadMode = mode;
    // Bytes changed inside the values may still decode to valid rows, and a stream cut at a message boundary is a
    // shorter valid stream (Arrow readers accept a missing end-of-stream marker); a 5xx or a half-written table
    // never may happen.
    boolean mayPass = detail.equals("corrupted IPC") || detail.equals("truncated IPC");
    return new Case("upload", detail, test -> test.post("/v1/tables/" + table + "?mode=" + uploadMode,
        "application/vnd.apache.arrow.stream", body), IPC_PROBLEM, table, mayPass);
  }

  private Case rawHttpCase(Random random) {
    String word = Fuzz.word(random, 10);
    String request = switch (random.nextInt(8)) {
      case 0 -> "\u0001" + new String(Fuzz.randomBytes(random, 100), StandardCharsets.ISO_8859_1) + "\r\n\r\n";
      case 1 -> "GET /v1/query?sql=SELECT%201 HTTP/1.1\r\nHost: x\r\n" + word + "\r\n\r\n";
      case 2 -> "POST /v1/query HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: " + word
          + "\r\n\r\n{}";
      case 3 -> "POST /v1/query HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
          + "Transfer-Encoding: chunked\r\n\r\nzz\r\n{}\r\n0\r\n\r\n";
      case 4 -> "GET /v1/query?sql=%zz" + word + " HTTP/1.1\r\nHost: x\r\n\r\n";
      case 5 -> word.toUpperCase() + " /v1/query HTTP/1.1\r\nHost: x\r\n\r\n";
      case 6 -> "GET /v1/query?sql=SELECT%201 HTTP/9." + random.nextInt(9) + "\r\nHost: x\r\n\r\n";
      default -> "GET /" + word + " HTTP/1.1\r\nHost: x\r\n\r\n";
    };
    return new Case("raw-http", shortened(request.replace("\r\n", "|")), test -> test.raw(request),
        HTTP_PROBLEM, null);
  }

  private Case headerCase(Random random) {
    String word = Fuzz.word(random, 10);
    return switch (random.nextInt(4)) {
      case 0 -> new Case("headers", "a " + (16 + random.nextInt(64)) + " KiB header", test -> test.raw(
          "GET /v1/query?sql=SELECT%201 HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat((16 + random.nextInt(64)) << 10)
              + "\r\n\r\n"), HTTP_PROBLEM, null);
      case 1 -> new Case("headers", "session name of 500 characters", test -> test.send(HttpRequest.newBuilder(
          server.httpUri("/v1/query?sql=SELECT%201")).header("X-Bridge-Session", "s".repeat(500)).GET()),
          Pattern.compile("(?i)X-Bridge-Session"), null);
      case 2 -> new Case("body-size", "a body declared 3 MiB long", test -> test.raw("POST /v1/query HTTP/1.1\r\n"
          + "Host: x\r\nContent-Type: application/json\r\nContent-Length: " + (3 << 20) + "\r\n\r\n{\"sql\": \""),
          Pattern.compile("(?i)larger than|too large|max_body_bytes"), null);
      default -> new Case("headers", "Accept-Encoding " + word, test -> test.send(HttpRequest.newBuilder(
          server.httpUri("/v1/query?sql=SELECT%20error('boom%20" + word + "')")).header("Accept-Encoding", word)
          .header("Accept", "application/" + word).GET()), SQL_PROBLEM, null);
    };
  }

  // ---- HTTP ----------------------------------------------------------------------------------------------------

  Answer get(String path) throws IOException {
    return send(HttpRequest.newBuilder(server.httpUri(path)).GET());
  }

  Answer post(String path, String contentType, byte[] body) {
    try {
      return send(HttpRequest.newBuilder(server.httpUri(path)).header("Content-Type", contentType)
          .POST(HttpRequest.BodyPublishers.ofByteArray(body)));
    } catch (IOException e) {
      // The server may answer an oversized body and close before reading it all.
      return new Answer(499, "the connection closed: " + e.getMessage());
    }
  }

  Answer send(HttpRequest.Builder request) throws IOException {
    try {
      HttpResponse<String> response = http.send(request.timeout(TIMEOUT).build(),
          HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
      return new Answer(response.statusCode(), response.body());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException(e);
    }
  }

  /** Sends bytes as they are over a socket and returns the status line's code and the whole answer. */
  Answer raw(String request) throws IOException {
    try (Socket socket = new Socket("127.0.0.1", server.httpPort())) {
      socket.setSoTimeout((int) TIMEOUT.toMillis());
      OutputStream out = socket.getOutputStream();
      out.write(request.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      socket.shutdownOutput();
      InputStream in = socket.getInputStream();
      ByteArrayOutputStream answer = new ByteArrayOutputStream();
      in.transferTo(answer);
      String text = answer.toString(StandardCharsets.ISO_8859_1);
      String[] statusLine = text.split("\r\n", 2)[0].split(" ");
      int status = statusLine.length > 1 && statusLine[1].matches("\\d{3}") ? Integer.parseInt(statusLine[1]) : 0;
      return new Answer(status, text);
    } catch (IOException e) {
      // The server may answer and close while a large request is still being written.
      if (e.getMessage() != null && e.getMessage().contains("Connection reset")) {
        return new Answer(400, "bad request: the connection was reset");
      }
      throw e;
    }
  }

  private static String encode(String text) {
    return URLEncoder.encode(text, StandardCharsets.UTF_8);
  }

  private static String shortened(String text) {
    return text.length() > 120 ? text.substring(0, 120) + "..." : text;
  }

  private static byte[] ipcStream() throws IOException {
    Schema schema = new Schema(List.of(Field.nullable("id", MinorType.INT.getType())));
    try (BufferAllocator allocator = new RootAllocator();
         VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator)) {
      ByteArrayOutputStream bytes = new ByteArrayOutputStream();
      try (ArrowStreamWriter writer = new ArrowStreamWriter(root, null, Channels.newChannel(bytes))) {
        writer.start();
        for (int batch = 0; batch < 3; batch++) {
          IntVector id = (IntVector) root.getVector("id");
          for (int i = 0; i < 100; i++) {
            id.setSafe(i, batch * 100 + i);
          }
          root.setRowCount(100);
          writer.writeBatch();
        }
        writer.end();
      }
      return bytes.toByteArray();
    }
  }

  /** The stream with a few bytes changed after its schema message, so the upload is accepted and then fails. */
  private static byte[] corruptedPastSchema(Random random, byte[] ipc) {
    byte[] copy = ipc.clone();
    int start = Math.min(copy.length - 1, 200);
    for (int i = 0; i < 4; i++) {
      copy[start + random.nextInt(copy.length - start)] = (byte) random.nextInt(256);
    }
    return copy;
  }
}
