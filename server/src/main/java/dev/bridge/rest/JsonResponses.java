package dev.bridge.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Response;

/** Small whole JSON responses: routes' answers and errors raised before a result body began. */
final class JsonResponses {
  static final String CONTENT_TYPE = "application/json";
  private static final ObjectMapper MAPPER = new ObjectMapper();

  private JsonResponses() {}

  static void write(Response response, int status, Object body) throws IOException {
    byte[] bytes;
    try {
      bytes = MAPPER.writeValueAsBytes(body);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a response body could not be serialised", e);
    }
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, CONTENT_TYPE);
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    Content.Sink.write(response, true, ByteBuffer.wrap(bytes));
  }

  /** {@code {"error": {"status": 400, "code": "BAD_REQUEST", "message": "..."}}} */
  static void error(Response response, int status, String code, String message) throws IOException {
    Map<String, Object> error = new LinkedHashMap<>();
    error.put("status", status);
    error.put("code", code);
    error.put("message", message);
    write(response, status, Map.of("error", error));
  }
}
