package dev.bridge.rest;

import dev.bridge.config.CorsConfig;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;

/**
 * Cross-origin requests (the Fetch standard's CORS protocol) for web apps served from another origin. With no
 * allowed origins nothing is added, and browsers keep every other origin out. An allowed origin is echoed with
 * {@code Access-Control-Allow-Credentials: true} (so a page may send {@code credentials: "include"}, for a TLS client
 * certificate); the {@code *} entry answers {@code *} without credentials, as the standard requires. A disallowed
 * origin gets no CORS headers at all. Responses vary by {@code Origin} whenever named origins are configured, so
 * that a shared cache never serves one origin's answer to another.
 */
public final class Cors {
  static final String ALLOWED_METHODS = "GET, POST, DELETE, OPTIONS";
  static final String ALLOWED_HEADERS = "Authorization, Content-Type, Accept-Encoding, " + RequestSessions.HEADER;
  /** Response headers a page may read beyond the safelisted ones: why a call was refused. */
  static final String EXPOSED_HEADERS = "WWW-Authenticate";
  // Short, so that a browser asks again soon after an origin was removed by a reload.
  static final String MAX_AGE_SECONDS = "600";

  private record Policy(boolean anyOrigin, Set<String> origins) {
    static Policy of(CorsConfig config) {
      List<String> entries = config.allowedOrigins();
      return new Policy(entries.contains(CorsConfig.ANY_ORIGIN), entries.stream()
          .filter(entry -> !entry.equals(CorsConfig.ANY_ORIGIN))
          .map(entry -> entry.toLowerCase(Locale.ROOT))
          .collect(Collectors.toUnmodifiableSet()));
    }

    boolean enabled() {
      return anyOrigin || !origins.isEmpty();
    }
  }

  private volatile Policy policy;

  public Cors(CorsConfig config) {
    configure(config);
  }

  /** Takes reloaded origins; the next request is answered by them. */
  void configure(CorsConfig config) {
    this.policy = Policy.of(config);
  }

  /**
   * Adds the CORS headers {@code request} earns to {@code response}. Returns true when the request was a preflight,
   * which needs no credentials and was answered here: 204 for an allowed origin, 403 (without CORS headers, which is
   * what makes the browser refuse) for any other.
   */
  boolean handle(Request request, Response response) throws java.io.IOException {
    Policy current = policy;
    if (!current.enabled()) {
      return false;
    }
    if (!current.origins().isEmpty()) {
      response.getHeaders().add(HttpHeader.VARY, "Origin");
    }
    String origin = request.getHeaders().get(HttpHeader.ORIGIN);
    boolean preflight = origin != null && request.getMethod().equals("OPTIONS")
        && request.getHeaders().get(HttpHeader.ACCESS_CONTROL_REQUEST_METHOD) != null;
    if (origin == null) {
      return false;
    }
    boolean named = current.origins().contains(origin.toLowerCase(Locale.ROOT));
    if (!named && !current.anyOrigin()) {
      if (preflight) {
        JsonResponses.error(response, 403, "FORBIDDEN", "origin " + origin
            + " is not in http.cors.allowed_origins; a page from it may not call this server");
        return true;
      }
      return false;
    }
    if (named) {
      response.getHeaders().put(HttpHeader.ACCESS_CONTROL_ALLOW_ORIGIN, origin);
      response.getHeaders().put(HttpHeader.ACCESS_CONTROL_ALLOW_CREDENTIALS, "true");
    } else {
      response.getHeaders().put(HttpHeader.ACCESS_CONTROL_ALLOW_ORIGIN, "*");
    }
    if (!preflight) {
      response.getHeaders().put(HttpHeader.ACCESS_CONTROL_EXPOSE_HEADERS, EXPOSED_HEADERS);
      return false;
    }
    response.getHeaders().put(HttpHeader.ACCESS_CONTROL_ALLOW_METHODS, ALLOWED_METHODS);
    response.getHeaders().put(HttpHeader.ACCESS_CONTROL_ALLOW_HEADERS, ALLOWED_HEADERS);
    response.getHeaders().put(HttpHeader.ACCESS_CONTROL_MAX_AGE, MAX_AGE_SECONDS);
    response.setStatus(204);
    return true;
  }
}
