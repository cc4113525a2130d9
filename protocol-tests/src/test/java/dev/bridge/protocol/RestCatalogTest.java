package dev.bridge.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The HTTP door's table listing, health and named sessions. */
class RestCatalogTest {
  @RegisterExtension
  static final TestServer server = TestServer.perClass();
  private static RestClient http;

  @BeforeAll
  static void start() {
    http = new RestClient(server);
    run("CREATE TABLE orders(id BIGINT NOT NULL, amount DECIMAL(12,2), placed TIMESTAMP)");
    run("CREATE SCHEMA archive");
    run("CREATE TABLE archive.orders(id BIGINT)");
    run("CREATE VIEW big_orders AS SELECT * FROM orders WHERE amount > 100");
  }

  private static void run(String sql) {
    HttpResponse<String> response = http.send(http.postJson("/v1/query",
        "{\"sql\": " + RestClient.JSON.valueToTree(sql) + "}"));
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
  }

  @Test
  void listsTablesAndViewsWithTheirColumns() {
    HttpResponse<String> response = http.send(http.request("/v1/tables"));
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Content-Type")).hasValue("application/json");
    JsonNode tables = RestClient.json(response.body()).get("tables");
    assertThat(tables).extracting(table -> table.get("schema").asText() + "." + table.get("name").asText() + ":"
        + table.get("kind").asText())
        .containsExactly("archive.orders:TABLE", "main.big_orders:VIEW", "main.orders:TABLE");
  }

  @Test
  void describesOneTable() {
    JsonNode table = RestClient.json(http.send(http.request("/v1/tables/orders?schema=main")).body());
    assertThat(table.get("columns").toString()).isEqualTo("[{\"name\":\"id\",\"type\":\"BIGINT\",\"nullable\":false},"
        + "{\"name\":\"amount\",\"type\":\"DECIMAL(12,2)\",\"nullable\":true},"
        + "{\"name\":\"placed\",\"type\":\"TIMESTAMP\",\"nullable\":true}]");
    JsonNode view = RestClient.json(http.send(http.request("/v1/tables/big_orders")).body());
    assertThat(view.get("kind").asText()).isEqualTo("VIEW");
  }

  @Test
  void unknownTableIsNotFound() {
    HttpResponse<String> response = http.send(http.request("/v1/tables/no_such_table"));
    assertThat(response.statusCode()).isEqualTo(404);
    assertThat(RestClient.json(response.body()).get("error").get("message").asText())
        .contains("no table or view named 'no_such_table'");
  }

  @Test
  void ambiguousTableNameAsksForASchema() {
    HttpResponse<String> response = http.send(http.request("/v1/tables/orders"));
    assertThat(response.statusCode()).isEqualTo(400);
    assertThat(response.body()).contains("choose one with ?schema=");
  }

  @Test
  void healthReportsLiveAndReady() {
    HttpResponse<String> response = http.send(http.request("/health"));
    assertThat(response.statusCode()).isEqualTo(200);
    JsonNode health = RestClient.json(response.body());
    assertThat(health.get("live").asBoolean()).isTrue();
    assertThat(health.get("ready").asBoolean()).isTrue();
    assertThat(health.get("status").asText()).isEqualTo("ok");
  }

  @Test
  void namedSessionKeepsItsTemporaryTablesAcrossRequests() {
    String create = "{\"sql\": \"CREATE TEMP TABLE scratch AS SELECT 42 AS answer\"}";
    assertThat(http.send(http.postJson("/v1/query", create).header("X-Bridge-Session", "kept")).statusCode())
        .isEqualTo(200);
    HttpResponse<String> same = http.send(http.query("SELECT answer FROM scratch").header("X-Bridge-Session", "kept"));
    assertThat(RestClient.lines(same.body()).get(1).get("rows").toString()).isEqualTo("[[42]]");
    HttpResponse<String> other = http.send(http.query("SELECT answer FROM scratch"));
    assertThat(other.statusCode()).isEqualTo(404);
    assertThat(other.body()).contains("scratch");
  }

  @Test
  void namedSessionHoldsATransactionAcrossRequests() {
    run("CREATE TABLE ledger(amount INTEGER)");
    for (String sql : new String[] {"BEGIN TRANSACTION", "INSERT INTO ledger VALUES (1), (2)"}) {
      HttpResponse<String> response = http.send(http.postJson("/v1/query",
          "{\"sql\": \"" + sql + "\"}").header("X-Bridge-Session", "tx"));
      assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    }
    HttpResponse<String> inside = http.send(http.query("SELECT count(*) FROM ledger").header("X-Bridge-Session", "tx"));
    assertThat(RestClient.lines(inside.body()).get(1).get("rows").toString()).isEqualTo("[[2]]");
    HttpResponse<String> outside = http.send(http.query("SELECT count(*) FROM ledger"));
    assertThat(RestClient.lines(outside.body()).get(1).get("rows").toString()).isEqualTo("[[0]]");
    assertThat(http.send(http.postJson("/v1/query", "{\"sql\": \"ROLLBACK\"}").header("X-Bridge-Session", "tx"))
        .statusCode()).isEqualTo(200);
    HttpResponse<String> after = http.send(http.query("SELECT count(*) FROM ledger").header("X-Bridge-Session", "tx"));
    assertThat(RestClient.lines(after.body()).get(1).get("rows").toString()).isEqualTo("[[0]]");
  }
}
