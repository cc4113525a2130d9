package dev.bridge.rest;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;

/**
 * The query console: {@code GET /} answers its page and {@code GET /console/<file>} its script and style sheet, all
 * bundled in the jar (resources under {@value #RESOURCES}). The files hold no data, so they need no credentials; the
 * page asks for them (a login form) before its first API call. The Content-Security-Policy lets the page talk to
 * this server only: no CDN, no other host, even if a result held a link.
 */
public final class ConsoleRoute {
  static final String PREFIX = "/console/";
  private static final String RESOURCES = "/dev/bridge/console/";
  private static final Pattern FILE_NAME = Pattern.compile("[a-z0-9][a-z0-9._-]*\\.(html|js|css|svg)");
  private static final Map<String, String> TYPES = Map.of("html", "text/html; charset=utf-8",
      "js", "text/javascript; charset=utf-8", "css", "text/css; charset=utf-8", "svg", "image/svg+xml");
  static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self';"
      + " connect-src 'self'; img-src 'self' data: blob:; base-uri 'none'; form-action 'none';"
      + " frame-ancestors 'none'";

  private final Map<String, Optional<byte[]>> files = new ConcurrentHashMap<>();

  void page(Request request, Response response) throws IOException {
    send("index.html", response);
  }

  void file(String name, Request request, Response response) throws IOException {
    send(name, response);
  }

  private void send(String name, Response response) throws IOException {
    byte[] body = FILE_NAME.matcher(name).matches() ? files.computeIfAbsent(name, ConsoleRoute::load).orElse(null)
        : null;
    if (body == null) {
      throw new HttpError(404, "NOT_FOUND", "the console has no file " + name);
    }
    response.setStatus(200);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, TYPES.get(name.substring(name.lastIndexOf('.') + 1)));
    // The files change with the jar only; no-cache still makes a browser check after an upgrade.
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache");
    response.getHeaders().put("Content-Security-Policy", CONTENT_SECURITY_POLICY);
    response.getHeaders().put("X-Content-Type-Options", "nosniff");
    response.getHeaders().put("Referrer-Policy", "no-referrer");
    Content.Sink.write(response, true, ByteBuffer.wrap(body));
  }

  private static Optional<byte[]> load(String name) {
    try (InputStream in = ConsoleRoute.class.getResourceAsStream(RESOURCES + name)) {
      return in == null ? Optional.empty() : Optional.of(in.readAllBytes());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the console's " + name + " from the jar", e);
    }
  }
}
