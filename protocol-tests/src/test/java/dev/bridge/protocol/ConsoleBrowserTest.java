package dev.bridge.protocol;

import static dev.bridge.protocol.auth.AuthFixture.ADMIN;
import static dev.bridge.protocol.auth.AuthFixture.WRITER;
import static dev.bridge.protocol.auth.AuthFixture.basicHeader;
import static dev.bridge.protocol.auth.AuthFixture.password;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.bridge.config.CorsConfig;
import dev.bridge.protocol.auth.AuthFixture;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The query console and CORS in a real browser: Debian's headless Chromium driven by Selenium WebDriver (one
 * browser for the whole class). Pages come from real servers on 127.0.0.1; a web app on another origin is a page
 * served by a second local HTTP server (another port is another origin). The run saves screenshots of the console
 * into docs/console for the README.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ConsoleBrowserTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String ENDLESS = "SELECT sum(hash(range)) AS %s FROM range(1000000000000)";
  private static final Path ARROW_JS = Path.of(System.getProperty("bridge.browser.packages",
      "target/browser/node_modules"), "apache-arrow", "Arrow.es2015.min.js");

  // Two web apps on other origins: the first is allowed by the server's http.cors.allowed_origins, the second not.
  private static final HttpServer allowedApp = webApp();
  private static final HttpServer otherApp = webApp();

  @RegisterExtension
  static final TestServer server = TestServer.perClass(config -> config.withHttp(config.http()
      .withCors(CorsConfig.DEFAULT.withAllowedOrigins(List.of(origin(allowedApp))))));
  @RegisterExtension
  static final TestServer authServer = TestServer.perClass(AuthFixture::enable);

  private static ChromeDriver browser;
  private static WebDriverWait wait;
  private static Path downloads;
  private static RestClient http;
  private static RestClient authHttp;

  @BeforeAll
  static void openBrowser() throws IOException {
    downloads = Files.createTempDirectory("bridge-console-downloads");
    ChromeOptions options = new ChromeOptions();
    options.setBinary(firstExisting("/usr/bin/chromium", "/usr/bin/chromium-browser"));
    // Root in CI has no user namespace for Chromium's sandbox; /dev/shm may be small in containers.
    options.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1360,860",
        "--disable-gpu", "--no-first-run", "--disable-extensions");
    options.setExperimentalOption("prefs", Map.of("download.default_directory", downloads.toString(),
        "download.prompt_for_download", false));
    ChromeDriverService service = new ChromeDriverService.Builder()
        .usingDriverExecutable(Path.of(firstExisting("/usr/bin/chromedriver", "/usr/lib/chromium/chromedriver"))
            .toFile())
        .build();
    browser = new ChromeDriver(service, options);
    wait = new WebDriverWait(browser, WAIT);
    http = new RestClient(server);
    authHttp = new RestClient(authServer);
  }

  @AfterAll
  static void closeBrowser() {
    if (browser != null) {
      browser.quit();
    }
    allowedApp.stop(0);
    otherApp.stop(0);
  }

  private static String firstExisting(String... paths) {
    for (String path : paths) {
      if (Files.isExecutable(Path.of(path))) {
        return path;
      }
    }
    throw new IllegalStateException("none of " + List.of(paths) + " is installed: apt-get install chromium"
        + " chromium-driver (scripts/test does)");
  }

  // ---- helpers ----------------------------------------------------------------------------------------------------

  private static void open(TestServer target) {
    browser.get("http://127.0.0.1:" + target.httpPort() + "/");
    wait.until(d -> "complete".equals(js("return document.readyState")));
  }

  private static Object js(String script, Object... args) {
    return ((JavascriptExecutor) browser).executeScript(script, args);
  }

  private static WebElement byId(String id) {
    return browser.findElement(By.id(id));
  }

  private static String text(String id) {
    return byId(id).getText();
  }

  /** Types {@code sql} into the editor and runs it with the keyboard (Ctrl+Enter). */
  private static void run(String sql) {
    WebElement editor = byId("sql");
    js("arguments[0].value = arguments[1];", editor, sql);
    editor.sendKeys(Keys.chord(Keys.CONTROL, Keys.ENTER));
  }

  private static void awaitState(String state) {
    wait.until(d -> state.equals(text("state")));
  }

  private static long rowCount() {
    String shown = text("row-count").replaceAll("[^0-9]", "");
    return shown.isEmpty() ? 0 : Long.parseLong(shown);
  }

  private static void screenshot(String name) throws IOException {
    String directory = System.getProperty("bridge.console.screenshots");
    if (directory == null) {
      return;
    }
    Path target = Path.of(directory, name + ".png");
    Files.createDirectories(target.getParent());
    Files.copy(browser.getScreenshotAs(OutputType.FILE).toPath(), target, StandardCopyOption.REPLACE_EXISTING);
  }

  private static boolean running(RestClient client, String marker, String... authorization) {
    var request = client.request("/v1/statements");
    if (authorization.length > 0) {
      request.header("Authorization", authorization[0]);
    }
    return client.send(request).body().contains(marker);
  }

  // ---- the console ------------------------------------------------------------------------------------------------

  @Test
  @Order(1)
  void theConsoleRunsAQueryAndShowsItsRowsAndTheSchemaBrowserListsTables() throws IOException {
    assertThat(http.send(http.postJson("/v1/query", "{\"sql\": \"CREATE TABLE trips AS SELECT i AS trip_id,"
        + " 'day ' || (1 + (i * i + i) % 17 % 7) AS day, round(2 + (i * 37 % 23) / 2.0, 1) AS km FROM range(1, 201) t(i)\"}"))
        .statusCode()).isEqualTo(200);
    open(server);
    wait.until(d -> text("schema-tree").contains("main.trips"));
    browser.findElement(By.xpath("//li[contains(., 'main.trips')]")).click();
    wait.until(d -> text("schema-tree").contains("trip_id"));

    run("SELECT day, count(*) AS trips, round(avg(km), 2) AS avg_km FROM trips GROUP BY day ORDER BY day");
    awaitState("done");
    assertThat(rowCount()).isEqualTo(7);
    assertThat(text("grid-head")).contains("day", "trips", "avg_km");
    assertThat(text("grid-rows")).contains("day 1", "day 7");
    assertThat(byId("history").getText()).contains("SELECT day, count(*)");
    screenshot("query");

    byId("download-csv").click();
    Path csv = downloads.resolve("result.csv");
    wait.until(d -> Files.exists(csv) && size(csv) > 0);
    assertThat(Files.readString(csv)).startsWith("day,trips,avg_km").contains("\"day 7\",47,");
    byId("download-arrow").click();
    Path arrow = downloads.resolve("result.arrow");
    wait.until(d -> Files.exists(arrow) && size(arrow) > 0);
    // An Arrow IPC stream starts with a continuation marker and the schema message.
    assertThat(Files.readAllBytes(arrow)).startsWith((byte) 0xFF, (byte) 0xFF, (byte) 0xFF, (byte) 0xFF);

    browser.findElement(By.cssSelector(".rtab[data-pane='chart']")).click();
    new Select(byId("chart-x")).selectByVisibleText("day");
    new Select(byId("chart-y")).selectByVisibleText("trips");
    assertThat(text("chart-note")).startsWith("7 point(s)");
    assertThat(paintedPixels()).isGreaterThan(1000);
    screenshot("chart");
    browser.findElement(By.cssSelector(".rtab[data-pane='table']")).click();
  }

  private static long size(Path file) {
    try {
      return Files.size(file);
    } catch (IOException e) {
      return 0;
    }
  }

  private static long paintedPixels() {
    return ((Number) js("const c = document.getElementById('chart');"
        + "const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data; let n = 0;"
        + "for (let i = 3; i < d.length; i += 4) if (d[i] > 0) n++; return n;")).longValue();
  }

  @Test
  @Order(2)
  void aMillionRowsStreamWhileThePageStaysResponsiveAndTheGridKeepsFewRowsInTheDom() throws IOException {
    open(server);
    // Measures how late a 50 ms timer fires while the rows arrive: a long stall would mean a frozen page.
    js("window.__lag = 0; let last = performance.now();"
        + "setInterval(() => { const now = performance.now(); window.__lag = Math.max(window.__lag, now - last - 50);"
        + " last = now; }, 50);");
    run("SELECT range AS id, range * 2 AS doubled, 'item ' || range AS label FROM range(1000000)");
    wait.until(d -> rowCount() > 0);
    // The page answers while the stream is read: the editor takes keys.
    byId("sql").sendKeys(" ");
    awaitState("done");
    assertThat(rowCount()).isEqualTo(1_000_000);
    assertThat(((Number) js("return document.querySelectorAll('#grid-rows .row').length")).intValue())
        .isBetween(5, 100);
    js("const b = document.getElementById('grid-body'); b.scrollTop = b.scrollHeight;");
    wait.until(d -> text("grid-rows").contains("item 999999"));
    double lagMillis = ((Number) js("return window.__lag")).doubleValue();
    System.out.printf("console: 1,000,000 rows streamed; longest main-thread stall %.0f ms%n", lagMillis);
    assertThat(lagMillis).as("longest main-thread stall, ms").isLessThan(3000);
    screenshot("million-rows");
  }

  @Test
  @Order(3)
  void aLongQueryIsCancelledWithEscapeAndStopsOnTheServer() {
    open(server);
    run(ENDLESS.formatted("console_cancel_marker"));
    awaitState("running");
    wait.until(d -> running(http, "console_cancel_marker"));
    byId("sql").sendKeys(Keys.ESCAPE);
    awaitState("cancelled");
    wait.until(d -> !running(http, "console_cancel_marker"));
    assertThat(byId("run").isEnabled()).isTrue();
  }

  @Test
  @Order(4)
  void errorsShowDuckDbsMessageAlsoWhenTheyComeInTheMiddleOfTheStream() throws IOException {
    open(server);
    run("SELECT * FROM no_such_table");
    awaitState("failed");
    assertThat(text("message")).contains("no_such_table");

    run("SELECT CASE WHEN range < 5000000 THEN range::VARCHAR ELSE 'x' END::INTEGER AS v FROM range(10000000)");
    awaitState("failed");
    assertThat(text("message")).contains("Could not convert string 'x'", "rows above arrived before the error");
    assertThat(rowCount()).isPositive();
    screenshot("error");
  }

  // ---- with authentication ----------------------------------------------------------------------------------------

  @Test
  @Order(5)
  void withAuthenticationTheConsoleLogsInAndOut() throws IOException {
    open(authServer);
    wait.until(d -> byId("login").isDisplayed());
    byId("login-user").sendKeys(ADMIN);
    byId("login-password").sendKeys("wrong");
    screenshot("login");
    byId("login-submit").click();
    wait.until(d -> text("login-error").contains("wrong user name or password"));

    byId("login-password").sendKeys(password(ADMIN));
    byId("login-submit").click();
    wait.until(d -> !byId("login").isDisplayed());
    assertThat(text("who-name")).isEqualTo(ADMIN + " (admin)");
    run("SELECT 'logged in' AS greeting");
    awaitState("done");
    assertThat(text("grid-rows")).contains("logged in");
    // The token lives in a variable only: nothing in storage, cookies or the address.
    assertThat(js("return document.cookie + JSON.stringify(sessionStorage) + location.href")).asString()
        .doesNotContain("eyJ");

    byId("logout").click();
    wait.until(d -> byId("login").isDisplayed());
    assertThat(text("grid-rows")).isEmpty();
  }

  @Test
  @Order(6)
  void anAdminSeesAnotherUsersStatementInTheOperationsViewAndCancelsIt() throws Exception {
    CompletableFuture<HttpResponse<String>> writers = CompletableFuture.supplyAsync(() -> authHttp.send(authHttp
        .query(ENDLESS.formatted("writer_report")).header("Authorization", basicHeader(WRITER, password(WRITER)))));
    wait.until(d -> running(authHttp, "writer_report", basicHeader(ADMIN, password(ADMIN))));

    open(authServer);
    wait.until(d -> byId("login").isDisplayed());
    byId("login-user").sendKeys(ADMIN);
    byId("login-password").sendKeys(password(ADMIN));
    byId("login-submit").click();
    wait.until(d -> !byId("login").isDisplayed());
    byId("tab-operations").click();
    By row = By.xpath("//table[@id='statements']//tr[td[contains(., 'writer_report')]]");
    wait.until(d -> !d.findElements(row).isEmpty());
    assertThat(browser.findElement(row).getText()).contains(WRITER, "http");
    wait.until(d -> text("sessions").contains(WRITER));
    wait.until(d -> text("headline").contains("open sessions"));
    screenshot("operations");

    browser.findElement(row).findElement(By.cssSelector("button.cancel-statement")).click();
    HttpResponse<String> cancelled = writers.get(30, TimeUnit.SECONDS);
    assertThat(cancelled.statusCode()).isEqualTo(503);
    assertThat(cancelled.body()).contains("CANCELLED");
    wait.until(d -> d.findElements(row).isEmpty());
    byId("tab-query").click();
  }

  // ---- CORS: a web app on another origin reads format=arrow with fetch and apache-arrow JS ------------------------

  @Test
  @Order(7)
  void aPageFromAnAllowedOriginReadsArrowWithFetchAndApacheArrowJs() {
    browser.get(origin(allowedApp) + "/#" + "http://127.0.0.1:" + server.httpPort());
    wait.until(d -> !text("out").equals("loading"));
    assertThat(text("out")).isEqualTo("rows [[0,\"row 0\"],[1,\"row 1\"],[2,\"row 2\"]]");
  }

  @Test
  @Order(8)
  void aPageFromAnotherOriginIsBlockedByTheBrowser() {
    browser.get(origin(otherApp) + "/#" + "http://127.0.0.1:" + server.httpPort());
    wait.until(d -> !text("out").equals("loading"));
    assertThat(text("out")).startsWith("blocked: TypeError");
  }

  // ---- the web apps' server ---------------------------------------------------------------------------------------

  private static String origin(HttpServer app) {
    return "http://127.0.0.1:" + app.getAddress().getPort();
  }

  /** A tiny static server on 127.0.0.1: the page at / and apache-arrow JS (installed by npm at build time). */
  private static HttpServer webApp() {
    try {
      HttpServer app = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      app.createContext("/", exchange -> {
        byte[] body;
        String type;
        if (exchange.getRequestURI().getPath().equals("/arrow.js")) {
          body = Files.readAllBytes(ARROW_JS);
          type = "text/javascript";
        } else {
          try (InputStream page = ConsoleBrowserTest.class.getResourceAsStream("/browser/arrow-page.html")) {
            body = page.readAllBytes();
          }
          type = "text/html; charset=utf-8";
        }
        exchange.getResponseHeaders().set("Content-Type", type);
        exchange.sendResponseHeaders(200, body.length);
        exchange.getResponseBody().write(body);
        exchange.close();
      });
      app.start();
      return app;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
