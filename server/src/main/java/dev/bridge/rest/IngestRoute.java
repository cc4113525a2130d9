package dev.bridge.rest;

import dev.bridge.compression.IpcBodyCodecs;
import dev.bridge.ingest.ArrowIngest;
import dev.bridge.ingest.CountingReader;
import dev.bridge.ingest.CheckedMessageReader;
import dev.bridge.ingest.IngestMode;
import dev.bridge.ingest.IngestTarget;
import dev.bridge.metrics.Protocol;
import dev.bridge.metrics.QueryTrace;
import dev.bridge.metrics.Telemetry;
import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Fields;

/**
 * {@code POST /v1/tables/{name}?mode=create|append|replace|create_append}: an Arrow IPC stream body (its buffers
 * optionally ZSTD or LZ4 compressed) lands in the table through the same atomic ingest as Flight's DoPut. The body
 * is read batch by batch as DuckDB scans it; a body that breaks off leaves the table as it was.
 */
public final class IngestRoute {
  private static final String DEFAULT_MODE = "create";

  private final RequestSessions sessions;
  private final ArrowIngest ingest;
  private final BufferAllocator allocator;
  private final Telemetry telemetry;

  public IngestRoute(RequestSessions sessions, ArrowIngest ingest, BufferAllocator allocator, Telemetry telemetry) {
    this.sessions = sessions;
    this.ingest = ingest;
    this.allocator = allocator;
    this.telemetry = telemetry;
  }

  void handle(String name, Request request, Response response) throws IOException {
    RequestBodies.requireContentType(request, ResultFormat.ARROW.contentType());
    Fields query = Request.extractQueryParameters(request);
    String modeName = query.getValue("mode") == null ? DEFAULT_MODE : query.getValue("mode");
    IngestMode mode = IngestMode.named(modeName);
    IngestTarget target = IngestTarget.of(query.getValue("catalog"), query.getValue("schema"), name,
        Boolean.parseBoolean(query.getValue("temporary")));
    long rows;
    try (InputStream body = Content.Source.asInputStream(request);
         ArrowStreamReader reader = new ArrowStreamReader(new CheckedMessageReader(body, allocator), allocator,
             IpcBodyCodecs.FACTORY)) {
      readSchema(reader);
      try (RequestSessions.Scoped scoped = sessions.open(request)) {
        QueryTrace trace = telemetry.ingest(Protocol.HTTP, scoped.session(), name, mode);
        CountingReader counted = new CountingReader(reader);
        rows = trace.around(() -> ingest.ingest(scoped.session(), target, mode, counted));
        trace.bytes(counted.bytes());
        trace.succeeded(rows);
      }
    }
    Map<String, Object> answer = new LinkedHashMap<>();
    answer.put("table", name);
    answer.put("mode", modeName);
    answer.put("rows", rows);
    JsonResponses.write(response, 200, answer);
  }

  private static void readSchema(ArrowStreamReader reader) {
    try {
      reader.getVectorSchemaRoot();
    } catch (IOException | RuntimeException e) {
      throw HttpError.badRequest("the request body is not an Arrow IPC stream: " + e.getMessage());
    }
  }
}
