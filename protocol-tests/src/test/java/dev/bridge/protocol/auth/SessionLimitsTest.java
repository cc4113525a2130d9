package dev.bridge.protocol.auth;

import static dev.bridge.protocol.auth.AuthFixture.READER;
import static dev.bridge.protocol.auth.AuthFixture.login;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bridge.protocol.TestServer;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStatusCode;
import org.apache.arrow.flight.grpc.CredentialCallOption;
import org.apache.arrow.flight.sql.FlightSqlClient;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.Test;

/** The session cap (sessions.max_sessions) and idle eviction (sessions.idle_timeout) with token sessions. */
class SessionLimitsTest {
  @Test
  void sessionsPastTheCapAreRefusedUntilOneCloses() throws Exception {
    try (TestServer server = TestServer.start(config -> AuthFixture.enable(
            config.withSessions(config.sessions().withMaxSessions(2))));
         BufferAllocator allocator = new RootAllocator();
         FlightClient client = server.flightClient(allocator)) {
      FlightSqlClient sql = new FlightSqlClient(client);
      CredentialCallOption first = login(client, READER);
      CredentialCallOption second = login(client, READER);
      CredentialCallOption third = login(client, READER);
      sql.execute("SELECT 1", first);
      sql.execute("SELECT 1", second);
      assertThatThrownBy(() -> sql.execute("SELECT 1", third))
          .isInstanceOfSatisfying(FlightRuntimeException.class, e -> {
            assertThat(e.status().code()).isEqualTo(FlightStatusCode.RESOURCE_EXHAUSTED);
            assertThat(e.getMessage()).contains("sessions.max_sessions");
          });
      HttpResponse<String> rest = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
              server.httpUri("/v1/query?sql=SELECT%201"))
              .header("Authorization", AuthFixture.basicHeader(READER, AuthFixture.password(READER))).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(rest.statusCode()).isEqualTo(503);
      client.closeSession(new org.apache.arrow.flight.CloseSessionRequest(), first);
      assertThat(sql.execute("SELECT 1", third).getEndpoints()).hasSize(1);
    }
  }

  @Test
  void idleSessionsAreEvicted() throws Exception {
    try (TestServer server = TestServer.start(config -> AuthFixture.enable(
            config.withSessions(config.sessions().withIdleTimeout(Duration.ofMillis(500)))));
         BufferAllocator allocator = new RootAllocator();
         FlightClient client = server.flightClient(allocator)) {
      FlightSqlClient sql = new FlightSqlClient(client);
      CredentialCallOption token = login(client, AuthFixture.WRITER);
      sql.executeUpdate("CREATE TEMP TABLE forgotten AS SELECT 1 AS a", token);
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (server.server().sessionCount() > 0 && System.nanoTime() < deadline) {
        Thread.sleep(100);
      }
      assertThat(server.server().sessionCount()).isZero();
      // The token still works, in a fresh session: the evicted one's temporary table is gone with it.
      assertThatThrownBy(() -> sql.execute("SELECT * FROM forgotten", token))
          .isInstanceOfSatisfying(FlightRuntimeException.class,
              e -> assertThat(e.status().code()).isEqualTo(FlightStatusCode.NOT_FOUND));
      assertThat(server.server().sessionCount()).isEqualTo(1);
    }
  }
}
