package dev.bridge.rest;

import dev.bridge.engine.DuckDbEngine;
import dev.bridge.engine.EngineException;
import dev.bridge.engine.SessionManager;
import dev.bridge.engine.StatementExecutor;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.arrow.memory.BufferAllocator;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;

/**
 * {@code GET /health}: liveness (the server answers) and readiness (DuckDB answers a query). 200 when both hold,
 * 503 when DuckDB does not answer. It also reports the open sessions and the Arrow bytes held by work in progress,
 * which the reliability tests sample to show that nothing leaks, and apart from them the bytes the result cache keeps.
 */
public final class HealthRoute {
  private final DuckDbEngine engine;
  private final SessionManager sessions;
  private final BufferAllocator allocator;
  private final StatementExecutor executor;

  public HealthRoute(DuckDbEngine engine, SessionManager sessions, BufferAllocator allocator,
      StatementExecutor executor) {
    this.engine = engine;
    this.sessions = sessions;
    this.allocator = allocator;
    this.executor = executor;
  }

  void handle(Request request, Response response) throws IOException {
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("live", true);
    try {
      engine.ping();
      body.put("status", "ok");
      body.put("ready", true);
      body.put("sessions", sessions.size());
      long cached = executor.resultCacheBytes();
      body.put("arrow_allocated_bytes", allocator.getAllocatedMemory() - cached);
      body.put("result_cache_bytes", cached);
      JsonResponses.write(response, 200, body);
    } catch (EngineException e) {
      body.put("status", "unavailable");
      body.put("ready", false);
      body.put("message", e.getMessage());
      JsonResponses.write(response, 503, body);
    }
  }
}
