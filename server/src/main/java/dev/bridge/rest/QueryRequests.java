package dev.bridge.rest;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bridge.config.Durations;
import dev.bridge.config.HttpConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.util.Fields;

/**
 * Reads a {@link QueryRequest} from {@code GET /v1/query?sql=...&param=...} or from the JSON body of
 * {@code POST /v1/query}; {@code format}, {@code compression}, {@code timeout} and {@code catalog} may also come from
 * the query string.
 */
public final class QueryRequests {
  private static final List<String> BODY_KEYS = List.of("sql", "params", "chunk_rows", "format", "compression",
      "timeout", "catalog");

  private volatile HttpConfig config;

  public QueryRequests(HttpConfig config) {
    this.config = config;
  }

  /** Takes edited settings (chunk_rows, max_body_bytes); the next request uses them. */
  void configure(HttpConfig newConfig) {
    this.config = newConfig;
  }

  QueryRequest fromQueryString(Request request) {
    Fields query = Request.extractQueryParameters(request);
    List<Object> parameters = new ArrayList<>(query.getValuesOrEmpty("param"));
    return build(query, query.getValue("sql"), parameters, query.getValue("chunk_rows"), query.getValue("format"),
        query.getValue("compression"), query.getValue("timeout"), query.getValue("catalog"), request);
  }

  QueryRequest fromJsonBody(Request request) {
    JsonNode body = RequestBodies.jsonObject(request, config.maxBodyBytes());
    for (Iterator<Map.Entry<String, JsonNode>> it = body.fields(); it.hasNext(); ) {
      String key = it.next().getKey();
      if (!BODY_KEYS.contains(key)) {
        throw HttpError.badRequest("unknown field '" + key + "' in the request body; expected " + BODY_KEYS);
      }
    }
    JsonNode sql = body.get("sql");
    if (sql != null && !sql.isTextual()) {
      throw HttpError.badRequest("'sql' must be a string");
    }
    Fields query = Request.extractQueryParameters(request);
    return build(query, sql == null ? null : sql.asText(), JsonParameters.read(body.get("params")),
        text(body, "chunk_rows"), text(body, "format"), text(body, "compression"), text(body, "timeout"),
        text(body, "catalog"), request);
  }

  private QueryRequest build(Fields query, String sql, List<Object> parameters, String chunkRows, String format,
      String compression, String timeout, String catalog, Request request) {
    if (sql == null || sql.isBlank()) {
      throw HttpError.badRequest("missing 'sql': the statement to run");
    }
    String chosenFormat = format != null ? format : query.getValue("format");
    String chosenCompression = compression != null ? compression : query.getValue("compression");
    String chosenTimeout = timeout != null ? timeout : query.getValue("timeout");
    String chosenCatalog = catalog != null ? catalog : query.getValue("catalog");
    if (chosenCatalog != null && chosenCatalog.isBlank()) {
      throw HttpError.badRequest("'catalog' must name a catalog (memory, spark, ...), got an empty name");
    }
    return new QueryRequest(sql, parameters, chunkRows(chunkRows),
        ResultFormat.choose(chosenFormat, request.getHeaders().get(HttpHeader.ACCEPT)),
        QueryRequest.arrowCompression(chosenCompression), timeout(chosenTimeout), chosenCatalog);
  }

  private static Duration timeout(String text) {
    if (text == null) {
      return null;
    }
    return Durations.parseOrSeconds(text).filter(duration -> !duration.isNegative()).orElseThrow(() ->
        HttpError.badRequest("'timeout' must be a duration such as 30s, 500ms or PT1M, or a number of seconds;"
            + " got '" + text + "'"));
  }

  private int chunkRows(String text) {
    if (text == null) {
      return config.chunkRows();
    }
    try {
      int rows = Integer.parseInt(text.trim());
      if (rows >= 1 && rows <= HttpConfig.MAX_CHUNK_ROWS) {
        return rows;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw HttpError.badRequest("'chunk_rows' must be an integer between 1 and " + HttpConfig.MAX_CHUNK_ROWS
        + ", got '" + text + "'");
  }

  private static String text(JsonNode body, String key) {
    JsonNode value = body.get(key);
    if (value == null || value.isNull()) {
      return null;
    }
    if (!value.isValueNode()) {
      throw HttpError.badRequest("'" + key + "' must be a string or number");
    }
    return value.asText();
  }
}
