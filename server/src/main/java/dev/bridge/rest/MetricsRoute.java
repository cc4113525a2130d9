package dev.bridge.rest;

import dev.bridge.metrics.BridgeMetrics;
import java.io.IOException;
import java.io.OutputStream;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;

/** {@code GET /metrics}: every metric in the Prometheus exposition format the scraper's Accept header asks for. */
public final class MetricsRoute {
  private final BridgeMetrics metrics;

  public MetricsRoute(BridgeMetrics metrics) {
    this.metrics = metrics;
  }

  void handle(Request request, Response response) throws IOException {
    String accept = request.getHeaders().get(HttpHeader.ACCEPT);
    response.setStatus(200);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, metrics.contentType(accept));
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    try (OutputStream body = Content.Sink.asOutputStream(response)) {
      metrics.write(accept, body);
    }
  }
}
