package dev.bridge.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bridge.config.LimitsConfig;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStatusCode;
import org.apache.arrow.flight.GetSessionOptionsRequest;
import org.apache.arrow.flight.SessionOptionValue;
import org.apache.arrow.flight.SessionOptionValueFactory;
import org.apache.arrow.flight.SetSessionOptionsRequest;
import org.apache.arrow.flight.SetSessionOptionsResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * limits.query_timeout (1s here) and the per-session override, capped by limits.max_query_timeout (2s here): a
 * statement that runs longer is interrupted inside DuckDB and the client gets DEADLINE_EXCEEDED (HTTP 504).
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class QueryTimeoutTest {
  /** Never ends on its own: a trillion rows hashed. */
  static final String ENDLESS = "SELECT sum(hash(range)) AS s FROM range(1000000000000)";

  @RegisterExtension
  static final TestServer server = TestServer.perClass(config -> config.withLimits(
      new LimitsConfig(Duration.ofSeconds(1), Duration.ofSeconds(2), null, null, null)));

  private final RestClient http = new RestClient(server);
  @RegisterExtension
  final FlightSqlClientFixture flightSql = FlightSqlClientFixture.perTest(server);

  @Test
  void theServerDefaultInterruptsASlowQueryAndTheSessionGoesOn() {
    long start = System.nanoTime();
    assertTimedOut(() -> first(ENDLESS), "PT1S");
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(30));
    assertThat(first("SELECT 42")).isEqualTo("42");
  }

  /** EXPLAIN ANALYZE cannot be described without running it: that run is timed too. */
  @Test
  void aStatementRunWhilePlanningIsTimedToo() {
    assertTimedOut(() -> flightSql.client().execute("EXPLAIN ANALYZE " + ENDLESS), "PT1S");
    assertThat(first("SELECT 43")).isEqualTo("43");
  }

  @Test
  void aTimedOutUpdateChangesNothing() {
    assertTimedOut(() -> flightSql.client().executeUpdate("CREATE TABLE never AS " + ENDLESS), "PT1S");
    assertThat(first("SELECT count(*) FROM duckdb_tables() WHERE table_name = 'never'")).isEqualTo("0");
  }

  @Test
  void aSessionOptionShortensTheTimeout() {
    assertThat(set(SessionOptionValueFactory.makeSessionOptionValue("300ms")).hasErrors()).isFalse();
    assertThat(timeoutOption()).isEqualTo("PT0.3S");
    assertTimedOut(() -> first(ENDLESS), "PT0.3S");
  }

  @Test
  void aSessionOptionIsCappedByTheServerMaximum() {
    set(SessionOptionValueFactory.makeSessionOptionValue(3600L));
    assertThat(timeoutOption()).isEqualTo("PT2S");
    set(SessionOptionValueFactory.makeSessionOptionValue("0s"));
    assertThat(timeoutOption()).isEqualTo("PT2S");
    set(SessionOptionValueFactory.makeSessionOptionValue(1.5));
    assertThat(timeoutOption()).isEqualTo("PT1.5S");
    assertTimedOut(() -> first(ENDLESS), "PT1.5S");
  }

  @Test
  void aBadSessionOptionValueIsRefusedAndChangesNothing() {
    for (SessionOptionValue bad : new SessionOptionValue[] {
        SessionOptionValueFactory.makeSessionOptionValue("soon"), SessionOptionValueFactory.makeSessionOptionValue(-5L),
        SessionOptionValueFactory.makeSessionOptionValue(true)}) {
      SetSessionOptionsResult result = set(bad);
      assertThat(result.getErrors().get("query_timeout").value)
          .isEqualTo(SetSessionOptionsResult.ErrorValue.INVALID_VALUE);
    }
    assertThat(timeoutOption()).isEqualTo("PT1S");
  }

  @Test
  void jdbcGetsTheServerDefault() {
    assertThatThrownBy(() -> {
      try (Connection connection = DriverManager.getConnection(server.jdbcUrl())) {
        TlsTest.firstLong(connection, ENDLESS);
      }
    }).isInstanceOf(SQLException.class).hasMessageContaining("query timeout");
  }

  @Test
  void restAnswers504BeforeTheFirstRow() {
    HttpResponse<String> response = http.send(http.postJson("/v1/query",
        "{\"sql\": \"" + ENDLESS + "\", \"timeout\": \"300ms\"}"));
    assertThat(response.statusCode()).isEqualTo(504);
    JsonNode error = RestClient.json(response.body()).get("error");
    assertThat(error.get("code").asText()).isEqualTo("DEADLINE_EXCEEDED");
    assertThat(error.get("message").asText()).contains("PT0.3S");
  }

  @Test
  void restEndsAStartedStreamWithAnErrorLine() {
    HttpResponse<Stream<String>> response = http.send(http.query("SELECT * FROM range(1000000000000)",
        "chunk_rows=1000"), HttpResponse.BodyHandlers.ofLines());
    assertThat(response.statusCode()).isEqualTo(200);
    String last = null;
    try (Stream<String> lines = response.body()) {
      for (Iterator<String> it = lines.iterator(); it.hasNext(); ) {
        last = it.next();
      }
    }
    JsonNode line = RestClient.json(last);
    assertThat(line.get("type").asText()).isEqualTo("error");
    assertThat(line.get("message").asText()).contains("query timeout of PT1S");
  }

  @Test
  void restRefusesABadTimeout() {
    HttpResponse<String> response = http.send(http.query("SELECT 1", "timeout=soon"));
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).contains("'timeout'");
  }

  private SetSessionOptionsResult set(SessionOptionValue value) {
    return flightSql.client().setSessionOptions(new SetSessionOptionsRequest(Map.of("query_timeout", value)));
  }

  private String timeoutOption() {
    return flightSql.client().getSessionOptions(new GetSessionOptionsRequest()).getSessionOptions().get("query_timeout")
        .acceptVisitor(new TextOption());
  }

  private static void assertTimedOut(Runnable work, String timeout) {
    assertThatThrownBy(work::run).isInstanceOfSatisfying(FlightRuntimeException.class, e -> {
      assertThat(e.status().code()).as(e.getMessage()).isEqualTo(FlightStatusCode.TIMED_OUT);
      assertThat(e.getMessage()).contains("query timeout of " + timeout);
    });
  }

  private String first(String sql) {
    return FirstColumn.of(flightSql.client(), sql).get(0);
  }
}
