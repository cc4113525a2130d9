package dev.bridge.rest;

import dev.bridge.engine.Cancellation;
import dev.bridge.engine.ResultCache;
import dev.bridge.engine.ResultStream;
import dev.bridge.engine.Session;
import dev.bridge.engine.StatementExecutor;
import dev.bridge.engine.StatementPlan;
import dev.bridge.engine.catalog.CatalogReader;
import dev.bridge.metrics.Protocol;
import dev.bridge.metrics.QueryTrace;
import dev.bridge.metrics.Telemetry;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;

/**
 * {@code GET /v1/query} and {@code POST /v1/query}: plans the statement in the request's session; a query streams
 * its result in the chosen format, any other statement runs once and answers its changed-row count as JSON.
 */
public final class QueryRoute {
  private final QueryRequests requests;
  private final RequestSessions sessions;
  private final StatementExecutor executor;
  private final Telemetry telemetry;
  private final CatalogReader catalogs;

  public QueryRoute(QueryRequests requests, RequestSessions sessions, StatementExecutor executor, Telemetry telemetry,
      CatalogReader catalogs) {
    this.requests = requests;
    this.sessions = sessions;
    this.executor = executor;
    this.telemetry = telemetry;
    this.catalogs = catalogs;
  }

  void get(Request request, Response response) throws IOException {
    run(System.nanoTime(), requests.fromQueryString(request), request, response);
  }

  void post(Request request, Response response) throws IOException {
    long startNanos = System.nanoTime();
    run(startNanos, requests.fromJsonBody(request), request, response);
  }

  /** The request's {@code x-bridge-cache} header: {@code off} bypasses the result cache. */
  private static boolean cacheAllowed(Request request) {
    String value = request.getHeaders().get(ResultCache.OPTION);
    return value == null || ResultCache.usedWhen(value);
  }

  private void run(long startNanos, QueryRequest query, Request request, Response response) throws IOException {
    ContentEncoding encoding = ContentEncoding.negotiate(request.getHeaders().get(HttpHeader.ACCEPT_ENCODING));
    try (RequestSessions.Scoped scoped = sessions.open(request)) {
      Session session = scoped.session();
      if (query.timeout() != null) {
        session.setQueryTimeout(query.timeout());
      }
      if (query.catalog() != null) {
        // As the Flight session option does: the session's current catalog decides the engine (Spark's or DuckDB).
        catalogs.use(session, query.catalog(), null);
      }
      QueryTrace trace = telemetry.statement(Protocol.HTTP, session, query.sql());
      // Listed as running, and cancellable, from now on: an aggregate computes in DuckDB before its first batch.
      Cancellation cancellation = new Cancellation();
      trace.running(cancellation::cancel);
      try {
        StatementPlan plan = executor.plan(session, query.sql(), cacheAllowed(request));
        trace.planned(plan);
        if (!plan.kind().returnsRows()) {
          List<List<Object>> parameterRows = query.parameters().isEmpty() ? List.of() : List.of(query.parameters());
          long changed = executor.executeUpdate(session, plan, parameterRows, cancellation);
          trace.succeeded(changed);
          Map<String, Object> body = new LinkedHashMap<>();
          body.put("type", "update");
          body.put("rows_changed", changed);
          JsonResponses.write(response, 200, body);
          return;
        }
        try (ResultStream result = executor.openQuery(session, plan, query.parameters(), query.chunkRows(),
            cancellation, cacheAllowed(request))) {
          if (result.fromCache()) {
            trace.cacheHit();
          }
          ResultResponse.stream(result, query, encoding, response, startNanos, trace);
        }
      } catch (IOException | RuntimeException e) {
        trace.failed(e);
        throw e;
      }
    }
  }
}
