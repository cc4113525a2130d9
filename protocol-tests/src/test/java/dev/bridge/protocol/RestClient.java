package dev.bridge.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.cfg.JsonNodeFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Java's own HttpClient against a test server's HTTP door, with the few helpers the REST tests share. */
final class RestClient {
  /** Numbers keep every digit, as the server sends them. */
  static final ObjectMapper JSON = JsonMapper.builder()
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .disable(JsonNodeFeature.STRIP_TRAILING_BIGDECIMAL_ZEROES)
      .build();

  private final TestServer server;
  private final HttpClient client = HttpClient.newHttpClient();

  RestClient(TestServer server) {
    this.server = server;
  }

  HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(server.httpUri(path));
  }

  HttpRequest.Builder postJson(String path, String body) {
    return request(path).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body));
  }

  HttpResponse<String> send(HttpRequest.Builder request) {
    return send(request, HttpResponse.BodyHandlers.ofString());
  }

  <T> HttpResponse<T> send(HttpRequest.Builder request, HttpResponse.BodyHandler<T> body) {
    try {
      return client.send(request.build(), body);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /**
   * The sum of the samples of a counter in {@code /metrics} whose labels contain every one of {@code labels}
   * (written {@code name="value"}).
   */
  double counter(String name, String... labels) {
    String body = send(request("/metrics")).body();
    Matcher line = Pattern.compile(
        "^" + Pattern.quote(name) + "\\{([^}]*)\\} (\\S+)$", Pattern.MULTILINE)
        .matcher(body);
    double total = 0;
    while (line.find()) {
      String found = line.group(1);
      if (Arrays.stream(labels).allMatch(found::contains)) {
        total += Double.parseDouble(line.group(2));
      }
    }
    return total;
  }

  /** {@code GET /v1/query?sql=...} plus extra query parameters written {@code name=value}. */
  HttpRequest.Builder query(String sql, String... parameters) {
    StringBuilder path = new StringBuilder("/v1/query?sql=").append(URLEncoder.encode(sql, StandardCharsets.UTF_8));
    for (String parameter : parameters) {
      int equals = parameter.indexOf('=');
      path.append('&').append(parameter, 0, equals + 1)
          .append(URLEncoder.encode(parameter.substring(equals + 1), StandardCharsets.UTF_8));
    }
    return request(path.toString());
  }

  /** The NDJSON lines of a response, parsed. */
  static List<JsonNode> lines(String body) {
    List<JsonNode> lines = new ArrayList<>();
    for (String line : body.split("\n")) {
      lines.add(json(line));
    }
    return lines;
  }

  static JsonNode json(String text) {
    try {
      return JSON.readTree(text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
