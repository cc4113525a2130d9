package dev.bridge.rest;

import dev.bridge.compression.CountingOutputStream;
import dev.bridge.engine.EngineException;
import dev.bridge.engine.ErrorKind;
import dev.bridge.engine.ResultStream;
import dev.bridge.metrics.QueryTrace;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Response;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams a running query into an HTTP response. The first batch is read before the status is sent, so a query
 * that fails at once gets an HTTP error; after that every batch is written and flushed as DuckDB produces it. The
 * writes block this request's thread while the client is slow, which is what slows DuckDB down (backpressure);
 * a write that fails because the client left cancels the query.
 */
final class ResultResponse {
  private static final Logger log = LoggerFactory.getLogger(ResultResponse.class);
  private static final int BODY_BUFFER_BYTES = 64 * 1024;

  private ResultResponse() {}

  static void stream(ResultStream result, QueryRequest query, ContentEncoding encoding, Response response,
      long startNanos, QueryTrace trace) {
    trace.streamStarted();
    boolean more = result.next();
    response.setStatus(200);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, query.format().contentType());
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-store");
    if (encoding.token() != null) {
      response.getHeaders().put(HttpHeader.CONTENT_ENCODING, encoding.token());
    }
    VectorSchemaRoot root = result.root();
    CountingOutputStream wire = new CountingOutputStream(Content.Sink.asOutputStream(response));
    long reported = 0;
    try {
      OutputStream body = encoding.wrap(new BufferedOutputStream(wire, BODY_BUFFER_BYTES));
      try (ResultWriter writer = query.format().writer(body, query.arrowCompression())) {
        writer.start(root);
        try {
          while (more) {
            writer.batch(root);
            trace.batch(root.getRowCount(), wire.count() - reported);
            reported = wire.count();
            more = result.next();
          }
          writer.end(result.rows(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos));
        } catch (EngineException e) {
          trace.failed(e);
          log.info("query failed after {} rows were sent: {}", result.rows(), e.getMessage());
          if (!writer.error(e.getMessage())) {
            throw new ResponseAborted("the query failed after its body began: " + e.getMessage(), e);
          }
        }
      }
      body.close();
      trace.bytes(wire.count() - reported);
      trace.succeeded();
    } catch (IOException e) {
      result.cancel();
      trace.failed(new EngineException(ErrorKind.CANCELLED, "the client went away: " + e));
      log.info("client went away after {} rows; query cancelled ({})", result.rows(), e.toString());
      throw new ResponseAborted("the client went away", e);
    }
  }
}
