package dev.bridge.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bridge.config.CorsConfig;
import dev.bridge.config.HttpConfig;
import java.net.http.HttpHeaders;
import java.net.http.HttpResponse;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * CORS on the HTTP door (http.cors.allowed_origins): the headers an allowed origin gets on preflights and on real
 * requests, errors included, and that any other origin gets none. Browsers' side of it is in ConsoleBrowserTest;
 * reloading the origins is in test_reload_features.py.
 */
class RestCorsTest {
  private static final String APP = "http://app.example:8443";
  private static final String OTHER = "http://evil.example";

  @RegisterExtension
  static final TestServer named = TestServer.perClass(config -> config.withHttp(config.http()
      .withCors(CorsConfig.DEFAULT.withAllowedOrigins(List.of(APP)))));
  @RegisterExtension
  static final TestServer wildcard = TestServer.perClass(config -> config.withHttp(config.http()
      .withCors(CorsConfig.DEFAULT.withAllowedOrigins(List.of("*")))));
  @RegisterExtension
  static final TestServer off = TestServer.perClass();
  private static RestClient namedHttp;
  private static RestClient wildcardHttp;
  private static RestClient offHttp;

  @BeforeAll
  static void clients() {
    namedHttp = new RestClient(named);
    wildcardHttp = new RestClient(wildcard);
    offHttp = new RestClient(off);
  }

  private static HttpResponse<String> preflight(RestClient http, String origin) {
    return http.send(http.request("/v1/query").method("OPTIONS", java.net.http.HttpRequest.BodyPublishers.noBody())
        .header("Origin", origin).header("Access-Control-Request-Method", "POST")
        .header("Access-Control-Request-Headers", "authorization, content-type"));
  }

  @Test
  void aPreflightFromAnAllowedOriginIsAnsweredWithTheMethodsHeadersAndCredentials() {
    HttpResponse<String> response = preflight(namedHttp, APP);
    assertThat(response.statusCode()).isEqualTo(204);
    HttpHeaders headers = response.headers();
    assertThat(headers.firstValue("Access-Control-Allow-Origin")).hasValue(APP);
    assertThat(headers.firstValue("Access-Control-Allow-Credentials")).hasValue("true");
    assertThat(headers.firstValue("Access-Control-Allow-Methods")).hasValueSatisfying(v ->
        assertThat(v).contains("GET", "POST", "DELETE"));
    assertThat(headers.firstValue("Access-Control-Allow-Headers")).hasValueSatisfying(v ->
        assertThat(v).contains("Authorization", "Content-Type", "Accept-Encoding", "X-Bridge-Session"));
    assertThat(headers.firstValue("Access-Control-Max-Age")).hasValue("600");
    assertThat(headers.allValues("Vary")).contains("Origin");
  }

  @Test
  void aPreflightFromAnotherOriginIsRefusedWithoutCorsHeaders() {
    HttpResponse<String> response = preflight(namedHttp, OTHER);
    assertThat(response.statusCode()).isEqualTo(403);
    assertThat(response.body()).contains("origin " + OTHER + " is not in http.cors.allowed_origins");
    assertThat(response.headers().map().keySet()).noneMatch(name -> name.toLowerCase().startsWith("access-control"));
    assertThat(response.headers().allValues("Vary")).contains("Origin");
  }

  @Test
  void aRequestFromAnAllowedOriginAndItsErrorsCarryTheOriginAndVary() {
    HttpResponse<String> ok = namedHttp.send(namedHttp.query("SELECT 1 AS one").header("Origin", APP));
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(ok.headers().firstValue("Access-Control-Allow-Origin")).hasValue(APP);
    assertThat(ok.headers().firstValue("Access-Control-Expose-Headers")).hasValue("WWW-Authenticate");
    assertThat(ok.headers().allValues("Vary")).contains("Origin");
    HttpResponse<String> failed = namedHttp.send(namedHttp.query("SELECT * FROM no_such_table").header("Origin", APP));
    assertThat(failed.statusCode()).isEqualTo(404);
    assertThat(failed.headers().firstValue("Access-Control-Allow-Origin")).hasValue(APP);
  }

  @Test
  void aRequestFromAnotherOriginGetsItsAnswerButNoCorsHeaders() {
    HttpResponse<String> response = namedHttp.send(namedHttp.query("SELECT 1 AS one").header("Origin", OTHER));
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
    assertThat(response.headers().firstValue("Access-Control-Allow-Credentials")).isEmpty();
  }

  @Test
  void theWildcardAllowsAnyOriginWithoutCredentials() {
    HttpResponse<String> response = preflight(wildcardHttp, OTHER);
    assertThat(response.statusCode()).isEqualTo(204);
    assertThat(response.headers().firstValue("Access-Control-Allow-Origin")).hasValue("*");
    assertThat(response.headers().firstValue("Access-Control-Allow-Credentials")).isEmpty();
    HttpResponse<String> query = wildcardHttp.send(wildcardHttp.query("SELECT 1").header("Origin", OTHER));
    assertThat(query.headers().firstValue("Access-Control-Allow-Origin")).hasValue("*");
    assertThat(query.headers().firstValue("Vary")).isEmpty();
  }

  @Test
  void withoutAllowedOriginsNoCorsHeaderIsSentAndOptionsIsJustAnotherMethod() {
    HttpResponse<String> query = offHttp.send(offHttp.query("SELECT 1").header("Origin", APP));
    assertThat(query.headers().map().keySet()).noneMatch(name -> name.toLowerCase().startsWith("access-control"));
    assertThat(query.headers().firstValue("Vary")).isEmpty();
    HttpResponse<String> options = preflight(offHttp, APP);
    assertThat(options.statusCode()).isEqualTo(405);
    assertThat(options.headers().firstValue("Access-Control-Allow-Origin")).isEmpty();
  }

  @Test
  void anOriginWithAPathIsRefusedAtStartNamingTheKey() {
    for (String bad : new String[] {"http://app.example/", "app.example", "ftp://app.example", "http://a.example/x",
        " http://a.example", ""}) {
      HttpConfig config = HttpConfig.DEFAULT.withCors(CorsConfig.DEFAULT.withAllowedOrigins(List.of(bad)));
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> dev.bridge.config.BridgeConfig.defaults()
          .withHttp(config).validate()).as(bad).hasMessageContaining("http.cors.allowed_origins[0]");
    }
  }

  @Test
  void withoutAuthenticationTheTokenRouteIsNotThereAndEveryoneSeesAllStatements() {
    HttpResponse<String> token = offHttp.send(offHttp.postJson("/v1/token", ""));
    assertThat(token.statusCode()).isEqualTo(404);
    assertThat(token.body()).contains("authentication is off on this server");
    HttpResponse<String> statements = offHttp.send(offHttp.request("/v1/statements"));
    assertThat(statements.statusCode()).isEqualTo(200);
    assertThat(statements.body()).startsWith("{\"statements\":[");
  }
}
