package dev.bridge.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.apache.arrow.flight.CloseSessionRequest;
import org.apache.arrow.flight.CloseSessionResult;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.GetSessionOptionsRequest;
import org.apache.arrow.flight.SessionOptionValue;
import org.apache.arrow.flight.SessionOptionValueFactory;
import org.apache.arrow.flight.SetSessionOptionsRequest;
import org.apache.arrow.flight.SetSessionOptionsResult;
import org.apache.arrow.flight.sql.FlightSqlClient;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** SetSessionOptions, GetSessionOptions and CloseSession through Arrow's FlightSqlClient. */
class FlightSqlSessionOptionsTest {
  @RegisterExtension
  static final TestServer server = TestServer.perClass();
  @RegisterExtension
  final FlightSqlClientFixture flightSql = FlightSqlClientFixture.perTest(server);

  @BeforeAll
  static void start() {
    try (BufferAllocator allocator = new RootAllocator();
         FlightSqlClient client = server.flightSqlClient(allocator)) {
      client.executeUpdate("ATTACH ':memory:' AS other");
      client.executeUpdate("CREATE SCHEMA other.reports");
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void reportsTheCurrentCatalogAndSchema() {
    assertThat(options()).containsEntry("catalog", "memory").containsEntry("schema", "main");
  }

  @Test
  void setsCatalogAndSchema() {
    SetSessionOptionsResult result = flightSql.client().setSessionOptions(new SetSessionOptionsRequest(Map.of(
        "catalog", SessionOptionValueFactory.makeSessionOptionValue("other"),
        "schema", SessionOptionValueFactory.makeSessionOptionValue("reports"))));
    assertThat(result.hasErrors()).isFalse();
    assertThat(options()).containsEntry("catalog", "other").containsEntry("schema", "reports");
    assertThat(firstValue("SELECT current_database() || '.' || current_schema()")).isEqualTo("other.reports");
  }

  @Test
  void setsTheCatalogAlone() {
    SetSessionOptionsResult result = flightSql.client().setSessionOptions(new SetSessionOptionsRequest(Map.of(
        "catalog", SessionOptionValueFactory.makeSessionOptionValue("other"))));
    assertThat(result.hasErrors()).isFalse();
    assertThat(options()).containsEntry("catalog", "other").containsEntry("schema", "main");
  }

  @Test
  void reportsEachBadOptionSeparately() {
    SetSessionOptionsResult result = flightSql.client().setSessionOptions(new SetSessionOptionsRequest(Map.of(
        "schema", SessionOptionValueFactory.makeSessionOptionValue("no_such_schema"),
        "colour", SessionOptionValueFactory.makeSessionOptionValue("blue"))));
    assertThat(result.getErrors()).containsOnlyKeys("schema", "colour");
    assertThat(result.getErrors().get("colour").value).isEqualTo(SetSessionOptionsResult.ErrorValue.INVALID_NAME);
    assertThat(result.getErrors().get("schema").value).isEqualTo(SetSessionOptionsResult.ErrorValue.INVALID_VALUE);
    assertThat(options()).containsEntry("catalog", "memory").containsEntry("schema", "main");
  }

  @Test
  void appliesAGoodCatalogAndNamesTheBadSchema() {
    SetSessionOptionsResult result = flightSql.client().setSessionOptions(new SetSessionOptionsRequest(Map.of(
        "catalog", SessionOptionValueFactory.makeSessionOptionValue("other"),
        "schema", SessionOptionValueFactory.makeSessionOptionValue("missing"))));
    assertThat(result.getErrors()).containsOnlyKeys("schema");
    assertThat(options()).containsEntry("catalog", "other").containsEntry("schema", "main");
  }

  @Test
  void rejectsAValueThatIsNotText() {
    SetSessionOptionsResult result = flightSql.client().setSessionOptions(new SetSessionOptionsRequest(Map.of(
        "catalog", SessionOptionValueFactory.makeSessionOptionValue(42L))));
    assertThat(result.getErrors().get("catalog").value).isEqualTo(SetSessionOptionsResult.ErrorValue.INVALID_VALUE);
  }

  @Test
  void closingTheSessionFreesItsConnectionAndTemporaryTables() {
    flightSql.client().executeUpdate("CREATE TEMP TABLE mine(x INTEGER)");
    flightSql.client().setSessionOptions(new SetSessionOptionsRequest(Map.of(
        "catalog", SessionOptionValueFactory.makeSessionOptionValue("other"))));
    int before = server.server().sessionCount();
    CloseSessionResult result = flightSql.client().closeSession(new CloseSessionRequest());
    assertThat(result.getStatus()).isEqualTo(CloseSessionResult.Status.CLOSED);
    assertThat(server.server().sessionCount()).isEqualTo(before - 1);
    assertThat(firstValue("SELECT count(*)::VARCHAR FROM duckdb_tables() WHERE table_name = 'mine'"))
        .isEqualTo("0");
    assertThat(options()).containsEntry("catalog", "memory");
  }

  private Map<String, String> options() {
    Map<String, SessionOptionValue> options = flightSql.client().getSessionOptions(new GetSessionOptionsRequest())
        .getSessionOptions();
    return Map.of("catalog", text(options.get("catalog")), "schema", text(options.get("schema")));
  }

  private String firstValue(String sql) {
    FlightInfo info = flightSql.client().execute(sql);
    try (FlightStream stream = flightSql.client().getStream(info.getEndpoints().get(0).getTicket())) {
      assertThat(stream.next()).isTrue();
      return stream.getRoot().getVector(0).getObject(0).toString();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static String text(SessionOptionValue value) {
    return value.acceptVisitor(new TextOption());
  }
}
