package dev.bridge.protocol;

import static dev.bridge.protocol.auth.AuthFixture.ADMIN;
import static dev.bridge.protocol.auth.AuthFixture.READER;
import static dev.bridge.protocol.auth.AuthFixture.WRITER;
import static dev.bridge.protocol.auth.AuthFixture.basicHeader;
import static dev.bridge.protocol.auth.AuthFixture.password;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bridge.protocol.auth.AuthFixture;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.grpc.CredentialCallOption;
import org.apache.arrow.flight.sql.FlightSqlClient;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The operations routes with authentication on: GET /v1/statements, DELETE /v1/statements/{id}, GET /v1/sessions
 * and POST /v1/token, driven over HTTP while real clients (HTTP and Flight SQL) run statements.
 */
class RestOperationsTest {
  @RegisterExtension
  static final TestServer server = TestServer.perClass(AuthFixture::enable);
  private static RestClient http;
  private static BufferAllocator allocator;
  // Statements that only a cancel ends: DuckDB computes the sum for hours.
  private static final String ENDLESS = "SELECT sum(hash(range)) AS %s FROM range(1000000000000)";

  @BeforeAll
  static void start() {
    http = new RestClient(server);
    allocator = new RootAllocator();
  }

  @AfterAll
  static void stop() {
    allocator.close();
  }

  @AfterEach
  void cancelWhatIsLeft() {
    for (JsonNode statement : statements(ADMIN)) {
      http.send(http.request("/v1/statements/" + statement.get("id").asText()).DELETE()
          .header("Authorization", basicHeader(ADMIN, password(ADMIN))));
    }
  }

  private static HttpRequest.Builder as(String user, HttpRequest.Builder request) {
    return request.header("Authorization", basicHeader(user, password(user)));
  }

  private static List<JsonNode> statements(String user) {
    HttpResponse<String> response = http.send(as(user, http.request("/v1/statements")));
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    List<JsonNode> list = new ArrayList<>();
    RestClient.json(response.body()).get("statements").forEach(list::add);
    return list;
  }

  /** Starts an endless query over HTTP as {@code user}; the future holds its response once it was cancelled. */
  private static CompletableFuture<HttpResponse<String>> endlessOverHttp(String user, String marker) {
    return CompletableFuture.supplyAsync(() -> http.send(as(user, http.query(ENDLESS.formatted(marker)))));
  }

  /** Waits until {@code user} sees a running statement whose text holds {@code marker}, and returns it. */
  private static JsonNode awaitStatement(String user, String marker) throws InterruptedException {
    Predicate<JsonNode> matches = s -> s.get("statement").asText().contains(marker);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      for (JsonNode statement : statements(user)) {
        if (matches.test(statement)) {
          return statement;
        }
      }
      Thread.sleep(50);
    }
    throw new AssertionError(marker + " never showed among the running statements");
  }

  private static HttpResponse<String> cancel(String user, String id) {
    return http.send(as(user, http.request("/v1/statements/" + id).DELETE()));
  }

  @Test
  void aReaderSeesOnlyItsOwnStatementsAndAnAdminSeesEveryonesWithUserSessionAndDoor() throws Exception {
    CompletableFuture<HttpResponse<String>> readers = endlessOverHttp(READER, "reader_marker");
    CompletableFuture<HttpResponse<String>> writers = endlessOverHttp(WRITER, "writer_marker");
    JsonNode own = awaitStatement(READER, "reader_marker");
    while (own.get("kind").asText().equals("unknown")) {
      // Listed from before planning; the kind is known once the statement is planned.
      Thread.sleep(20);
      own = awaitStatement(READER, "reader_marker");
    }
    awaitStatement(ADMIN, "writer_marker");

    assertThat(statements(READER)).allMatch(s -> s.get("user").asText().equals(READER));
    assertThat(own.get("door").asText()).isEqualTo("http");
    assertThat(own.get("kind").asText()).isEqualTo("query");
    assertThat(own.get("session").asText()).startsWith("http-request:");
    assertThat(own.get("elapsed_ms").asLong()).isGreaterThanOrEqualTo(0);
    assertThat(own.has("rows") && own.has("bytes") && own.has("started_at")).isTrue();
    assertThat(statements(ADMIN)).extracting(s -> s.get("user").asText()).contains(READER, WRITER);

    assertThat(cancel(READER, own.get("id").asText()).statusCode()).isEqualTo(200);
    assertThat(readers.get(30, TimeUnit.SECONDS).body()).contains("CANCELLED", "the query was cancelled");
    assertThat(cancel(ADMIN, awaitStatement(ADMIN, "writer_marker").get("id").asText()).statusCode()).isEqualTo(200);
    assertThat(writers.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(503);
  }

  @Test
  void aReaderCannotCancelAnotherUsersStatementButAnAdminCan() throws Exception {
    CompletableFuture<HttpResponse<String>> writers = endlessOverHttp(WRITER, "victim_marker");
    String id = awaitStatement(ADMIN, "victim_marker").get("id").asText();

    HttpResponse<String> refused = cancel(READER, id);
    assertThat(refused.statusCode()).isEqualTo(404);
    assertThat(refused.body()).contains("NOT_FOUND", "no running statement " + id + " of user " + READER);
    assertThat(writers).isNotDone();

    HttpResponse<String> cancelled = cancel(ADMIN, id);
    assertThat(cancelled.statusCode()).isEqualTo(200);
    assertThat(RestClient.json(cancelled.body()).get("statement").get("user").asText()).isEqualTo(WRITER);
    HttpResponse<String> victim = writers.get(30, TimeUnit.SECONDS);
    assertThat(victim.statusCode()).isEqualTo(503);
    assertThat(victim.body()).contains("CANCELLED");
    assertThat(statements(ADMIN)).noneMatch(s -> s.get("statement").asText().contains("victim_marker"));
  }

  @Test
  void anAdminCancelsAFlightSqlStatementOfAnotherUser() throws Exception {
    try (FlightClient flight = server.flightClient(allocator);
         FlightSqlClient client = new FlightSqlClient(flight)) {
      CredentialCallOption writer = AuthFixture.login(flight, WRITER);
      CompletableFuture<Void> reading = CompletableFuture.runAsync(() -> {
        FlightInfo info = client.execute(ENDLESS.formatted("flight_marker"), writer);
        try (FlightStream stream = client.getStream(info.getEndpoints().get(0).getTicket(), writer)) {
          while (stream.next()) {
            // The sum has one row, and it never comes.
          }
        } catch (Exception e) {
          throw new RuntimeException(e);
        }
      });
      JsonNode statement = awaitStatement(ADMIN, "flight_marker");
      assertThat(statement.get("door").asText()).isEqualTo("flight");
      assertThat(statement.get("user").asText()).isEqualTo(WRITER);
      assertThat(cancel(ADMIN, statement.get("id").asText()).statusCode()).isEqualTo(200);
      assertThatThrownBy(() -> reading.get(30, TimeUnit.SECONDS)).rootCause()
          .isInstanceOfSatisfying(FlightRuntimeException.class,
              e -> assertThat(e.status().code()).isEqualTo(CallStatus.CANCELLED.code()));
    }
  }

  @Test
  void cancellingAnUnknownOrMalformedStatementIdSaysWhatWasWrong() {
    HttpResponse<String> unknown = cancel(ADMIN, "987654321");
    assertThat(unknown.statusCode()).isEqualTo(404);
    assertThat(unknown.body()).contains("no running statement 987654321");
    for (String bad : new String[] {"abc", "-3", "0", "1.5"}) {
      HttpResponse<String> malformed = cancel(ADMIN, bad);
      assertThat(malformed.statusCode()).as(bad).isEqualTo(400);
      assertThat(malformed.body()).contains("a statement id is a positive number", "'" + bad + "'");
    }
  }

  @Test
  void wrongMethodsAreRefusedWithTheAllowedOnes() {
    HttpResponse<String> get = http.send(as(ADMIN, http.request("/v1/statements/1")));
    assertThat(get.statusCode()).isEqualTo(405);
    assertThat(get.headers().firstValue("Allow")).hasValue("DELETE");
    HttpResponse<String> post = http.send(as(ADMIN, http.postJson("/v1/statements", "{}")));
    assertThat(post.statusCode()).isEqualTo(405);
    assertThat(post.headers().firstValue("Allow")).hasValue("GET");
    assertThat(http.send(as(ADMIN, http.request("/v1/sessions").DELETE())).statusCode()).isEqualTo(405);
    assertThat(http.send(as(ADMIN, http.request("/v1/token"))).statusCode()).isEqualTo(405);
  }

  @Test
  void theOperationsRoutesNeedCredentials() {
    for (HttpRequest.Builder request : List.of(http.request("/v1/statements"), http.request("/v1/sessions"),
        http.request("/v1/statements/1").DELETE(), http.postJson("/v1/token", ""))) {
      HttpResponse<String> response = http.send(request);
      assertThat(response.statusCode()).isEqualTo(401);
      assertThat(response.body()).contains("UNAUTHENTICATED");
    }
  }

  @Test
  void sessionsAreListedWithTheirUserAndOnlyAnAdminSeesOtherUsersSessions() throws InterruptedException {
    String session = "ops-test-" + System.nanoTime();
    assertThat(http.send(as(WRITER, http.query("SELECT 1")).header("X-Bridge-Session", session)).statusCode())
        .isEqualTo(200);
    JsonNode writers = null;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    // The statement leaves the running list just after its last byte was sent, so the client may be faster.
    while (writers == null || writers.get("running_statements").asLong() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(writers == null ? 0 : 20);
      JsonNode asAdmin = RestClient.json(http.send(as(ADMIN, http.request("/v1/sessions"))).body()).get("sessions");
      for (JsonNode s : asAdmin) {
        if (s.get("id").asText().equals("http-session:" + WRITER + "/" + session)) {
          writers = s;
        }
      }
      assertThat(writers).as(asAdmin.toString()).isNotNull();
    }
    assertThat(writers.get("user").asText()).isEqualTo(WRITER);
    assertThat(writers.get("role").asText()).isEqualTo("writer");
    assertThat(writers.get("in_transaction").asBoolean()).isFalse();
    assertThat(writers.get("running_statements").asLong()).isZero();
    assertThat(writers.get("idle_ms").asLong()).isGreaterThanOrEqualTo(0);
    assertThat(writers.get("opened_at").asText()).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");

    JsonNode asReader = RestClient.json(http.send(as(READER, http.request("/v1/sessions"))).body()).get("sessions");
    asReader.forEach(s -> assertThat(s.get("user").asText()).isEqualTo(READER));
  }

  @Test
  void basicCredentialsBuyATokenThatWorksAsABearer() {
    HttpResponse<String> response = http.send(as(READER, http.postJson("/v1/token", "")));
    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode body = RestClient.json(response.body());
    assertThat(body.get("user").asText()).isEqualTo(READER);
    assertThat(body.get("role").asText()).isEqualTo("reader");
    assertThat(body.get("token_type").asText()).isEqualTo("Bearer");
    HttpResponse<String> query = http.send(http.query("SELECT 7 AS seven")
        .header("Authorization", "Bearer " + body.get("token").asText()));
    assertThat(query.statusCode()).isEqualTo(200);
    assertThat(query.body()).contains("[7]");
  }

  @Test
  void theTokenRouteRefusesABearerTokenAndAWrongPassword() {
    String token = RestClient.json(http.send(as(READER, http.postJson("/v1/token", ""))).body()).get("token")
        .asText();
    HttpResponse<String> withBearer = http.send(http.postJson("/v1/token", "")
        .header("Authorization", "Bearer " + token));
    assertThat(withBearer.statusCode()).isEqualTo(400);
    assertThat(withBearer.body()).contains("POST /v1/token takes Basic credentials");
    HttpResponse<String> wrong = http.send(http.postJson("/v1/token", "")
        .header("Authorization", basicHeader(READER, "wrong")));
    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(wrong.body()).contains("wrong user name or password");
  }

  @Test
  void theConsolePageNeedsNoCredentialsAndAllowsNoOtherHost() {
    HttpResponse<String> page = http.send(http.request("/"));
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.headers().firstValue("Content-Type")).hasValue("text/html; charset=utf-8");
    assertThat(page.headers().firstValue("Content-Security-Policy")).hasValueSatisfying(csp ->
        assertThat(csp).contains("default-src 'none'", "connect-src 'self'", "script-src 'self'"));
    assertThat(page.body()).contains("<title>Bridge console</title>").doesNotContain("http://", "https://");
    assertThat(http.send(http.request("/console/console.js")).statusCode()).isEqualTo(200);
    // Jetty itself refuses an encoded path separator as an ambiguous path.
    assertThat(http.send(http.request("/console/..%2Fconsole.js")).statusCode()).isEqualTo(400);
    for (String missing : new String[] {"/console/nothing.js", "/console/index.htm", "/console/"}) {
      HttpResponse<String> response = http.send(http.request(missing));
      assertThat(response.statusCode()).as(missing).isEqualTo(404);
      assertThat(response.body()).as(missing).contains("the console has no file");
    }
  }
}
