package dev.bridge.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.apache.arrow.flight.CloseSessionRequest;
import org.apache.arrow.flight.CloseSessionResult;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.GetSessionOptionsRequest;
import org.apache.arrow.flight.SessionOptionValue;
import org.apache.arrow.flight.SessionOptionValueFactory;
import org.apache.arrow.flight.SetSessionOptionsRequest;
import org.apache.arrow.flight.SetSessionOptionsResult;
import org.apache.arrow.flight.sql.FlightSqlClient;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** SetSessionOptions, GetSessionOptions and CloseSession through Arrow's FlightSqlClient. */
class FlightSqlSessionOptionsTest {
  @RegisterExtension
  static final TestServer server = TestServer.perClass();
  private BufferAllocator allocator;
  private FlightSqlClient client;

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

  @BeforeEach
  void connect() {
    allocator = new RootAllocator();
    client = server.flightSqlClient(allocator);
  }

  @AfterEach
  void close() throws Exception {
    client.close();
    allocator.close();
  }

  @Test
  void reportsTheCurrentCatalogAndSchema() {
    assertThat(options()).containsEntry("catalog", "memory").containsEntry("schema", "main");
  }

  @Test
  void setsCatalogAndSchema() {
    SetSessionOptionsResult result = client.setSessionOptions(new SetSessionOptionsRequest(Map.of(
        "catalog", SessionOptionValueFactory.makeSessionOptionValue("other"),
        "schema", SessionOptionValueFactory.makeSessionOptionValue("reports"))));
    assertThat(result.hasErrors()).isFalse();
    assertThat(options()).containsEntry("catalog", "other").containsEntry("schema", "reports");
    assertThat(firstValue("SELECT current_database() || '.' || current_schema()")).isEqualTo("other.reports");
  }

  @Test
  void setsTheCatalogAlone() {
    SetSessionOptionsResult result = client.setSessionOptions(new SetSessionOptionsRequest(Map.of(
        "catalog", SessionOptionValueFactory.makeSessionOptionValue("other"))));
    assertThat(result.hasErrors()).isFalse();
    assertThat(options()).containsEntry("catalog", "other").containsEntry("schema", "main");
  }

  @Test
  void reportsEachBadOptionSeparately() {
    SetSessionOptionsResult result = client.setSessionOptions(new SetSessionOptionsRequest(Map.of(
        "schema", SessionOptionValueFactory.makeSessionOptionValue("no_such_schema"),
        "colour", SessionOptionValueFactory.makeSessionOptionValue("blue"))));
    assertThat(result.getErrors()).containsOnlyKeys("schema", "colour");
    assertThat(result.getErrors().get("colour").value).isEqualTo(SetSessionOptionsResult.ErrorValue.INVALID_NAME);
    assertThat(result.getErrors().get("schema").value).isEqualTo(SetSessionOptionsResult.ErrorValue.INVALID_VALUE);
    assertThat(options()).containsEntry("catalog", "memory").containsEntry("schema", "main");
  }

  @Test
  void appliesAGoodCatalogAndNamesTheBadSchema() {
    SetSessionOptionsResult result = client.setSessionOptions(new SetSessionOptionsRequest(Map.of(
        "catalog", SessionOptionValueFactory.makeSessionOptionValue("other"),
        "schema", SessionOptionValueFactory.makeSessionOptionValue("missing"))));
    assertThat(result.getErrors()).containsOnlyKeys("schema");
    assertThat(options()).containsEntry("catalog", "other").containsEntry("schema", "main");
  }

  @Test
  void rejectsAValueThatIsNotText() {
    SetSessionOptionsResult result = client.setSessionOptions(new SetSessionOptionsRequest(Map.of(
        "catalog", SessionOptionValueFactory.makeSessionOptionValue(42L))));
    assertThat(result.getErrors().get("catalog").value).isEqualTo(SetSessionOptionsResult.ErrorValue.INVALID_VALUE);
  }

  @Test
  void closingTheSessionFreesItsConnectionAndTemporaryTables() {
    client.executeUpdate("CREATE TEMP TABLE mine(x INTEGER)");
    client.setSessionOptions(new SetSessionOptionsRequest(Map.of(
        "catalog", SessionOptionValueFactory.makeSessionOptionValue("other"))));
    int before = server.server().sessionCount();
    CloseSessionResult result = client.closeSession(new CloseSessionRequest());
    assertThat(result.getStatus()).isEqualTo(CloseSessionResult.Status.CLOSED);
    assertThat(server.server().sessionCount()).isEqualTo(before - 1);
    assertThat(firstValue("SELECT count(*)::VARCHAR FROM duckdb_tables() WHERE table_name = 'mine'"))
        .isEqualTo("0");
    assertThat(options()).containsEntry("catalog", "memory");
  }

  @Test
  void closingTheSessionRollsBackItsTransactionAndDropsItsPreparedStatements() {
    client.executeUpdate("CREATE TABLE IF NOT EXISTS ledger(x INTEGER)");
    FlightSqlClient.PreparedStatement prepared = client.prepare("SELECT count(*) FROM ledger");
    client.executeUpdate("BEGIN TRANSACTION");
    client.executeUpdate("INSERT INTO ledger VALUES (1), (2)");
    assertThat(firstValue("SELECT count(*)::VARCHAR FROM ledger")).isEqualTo("2");
    client.closeSession(new CloseSessionRequest());
    assertThat(firstValue("SELECT count(*)::VARCHAR FROM ledger")).isEqualTo("0");
    assertThatThrownBy(prepared::execute)
        .isInstanceOf(FlightRuntimeException.class)
        .hasMessageContaining("unknown prepared statement handle");
  }

  private Map<String, String> options() {
    Map<String, SessionOptionValue> options = client.getSessionOptions(new GetSessionOptionsRequest())
        .getSessionOptions();
    return Map.of("catalog", text(options.get("catalog")), "schema", text(options.get("schema")));
  }

  private String firstValue(String sql) {
    FlightInfo info = client.execute(sql);
    try (FlightStream stream = client.getStream(info.getEndpoints().get(0).getTicket())) {
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
