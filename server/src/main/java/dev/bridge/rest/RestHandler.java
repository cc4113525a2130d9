package dev.bridge.rest;

import dev.bridge.auth.Authenticator;
import dev.bridge.config.HttpConfig;
import dev.bridge.engine.EngineException;
import dev.bridge.engine.ErrorKind;
import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP door: routes each request to its handler on a worker thread (handlers block; see
 * {@link ResultResponse}), and turns every failure raised before a response began into a JSON error with the
 * status that fits; a failure after that cuts the response off.
 */
public final class RestHandler extends Handler.Abstract {
  private static final Logger log = LoggerFactory.getLogger(RestHandler.class);
  private static final String TABLES_PREFIX = "/v1/tables/";
  private static final String STATEMENTS_PREFIX = "/v1/statements/";

  private final Authenticator authenticator;
  private final Cors cors;
  private final QueryRequests queryRequests;
  private final HealthRoute health;
  private final QueryRoute query;
  private final TableRoutes tables;
  private final IngestRoute ingest;
  private final MetricsRoute metrics;
  private final OperationsRoutes operations;
  private final TokenRoute token;
  private final ConsoleRoute console;

  /**
   * Every route is built once, by {@code BridgeServer}; {@code queryRequests} is the one the query route reads its
   * settings from, kept here to apply edited ones ({@link #configure}).
   */
  public RestHandler(Authenticator authenticator, Cors cors, QueryRequests queryRequests, HealthRoute health,
      QueryRoute query, TableRoutes tables, IngestRoute ingest, MetricsRoute metrics, OperationsRoutes operations,
      TokenRoute token, ConsoleRoute console) {
    super(InvocationType.BLOCKING);
    this.authenticator = authenticator;
    this.cors = cors;
    this.queryRequests = queryRequests;
    this.health = health;
    this.query = query;
    this.tables = tables;
    this.ingest = ingest;
    this.metrics = metrics;
    this.operations = operations;
    this.token = token;
    this.console = console;
  }

  /**
   * Applies edited HTTP settings that need no restart (chunk_rows, max_body_bytes, cors) to the next requests.
   */
  public void configure(HttpConfig config) {
    queryRequests.configure(config);
    cors.configure(config.cors());
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    try {
      if (cors.handle(request, response)) {
        callback.succeeded();
        return true;
      }
      authenticate(request);
      route(request).handle(request, response);
      callback.succeeded();
    } catch (HttpError e) {
      if (e.allow() != null && !response.isCommitted()) {
        response.getHeaders().put(HttpHeader.ALLOW, e.allow());
      }
      fail(response, callback, e.status(), e.code(), e.getMessage(), e);
    } catch (EngineException e) {
      if (e.kind() == ErrorKind.UNAUTHENTICATED && !response.isCommitted()) {
        response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Bearer, Basic realm=\"bridge\"");
      }
      if (e.retryAfter().isPresent() && !response.isCommitted()) {
        response.getHeaders().put(HttpHeader.RETRY_AFTER, Long.toString(e.retryAfter().get().toSeconds()));
      }
      fail(response, callback, HttpStatuses.of(e.kind()), e.kind().name(), e.getMessage(), e);
    } catch (ResponseAborted e) {
      callback.failed(e);
    } catch (IOException | RuntimeException e) {
      if (e instanceof HttpException jetty && jetty.getCode() < 500) {
        // Jetty's own parsing refused the request (a query string that does not decode, ...): the client's mistake.
        fail(response, callback, jetty.getCode(), "BAD_REQUEST", "the request is malformed: " + jetty.getReason(), e);
        return true;
      }
      log.error("{} {} failed", request.getMethod(), request.getHttpURI().getPath(), e);
      fail(response, callback, 500, "INTERNAL", "the request failed: " + e, e);
    }
    return true;
  }

  /**
   * Every route but /health and the console's files needs credentials when authentication is on: a bearer token or
   * Basic. The console's files hold no data; its page asks for credentials before it calls anything else.
   */
  private void authenticate(Request request) {
    String path = Request.getPathInContext(request);
    boolean open = path.equals("/health") || path.equals("/") || path.startsWith(ConsoleRoute.PREFIX);
    if (authenticator.enabled() && !open) {
      Authenticator.Result result = authenticator.authenticate(request.getHeaders().get(HttpHeader.AUTHORIZATION));
      request.setAttribute(RequestSessions.PRINCIPAL, result.principal());
      request.setAttribute(TokenRoute.CREDENTIALS, result);
    }
  }

  private Route route(Request request) {
    String path = Request.getPathInContext(request);
    String method = request.getMethod();
    if (path.equals("/")) {
      return byMethod(method, Map.of("GET", console::page));
    }
    if (path.startsWith(ConsoleRoute.PREFIX)) {
      String file = path.substring(ConsoleRoute.PREFIX.length());
      return byMethod(method, Map.of("GET", (req, resp) -> console.file(file, req, resp)));
    }
    if (path.equals("/v1/token")) {
      return byMethod(method, Map.of("POST", token::handle));
    }
    if (path.equals("/v1/statements")) {
      return byMethod(method, Map.of("GET", operations::statements));
    }
    if (path.equals("/v1/sessions")) {
      return byMethod(method, Map.of("GET", operations::sessions));
    }
    if (path.startsWith(STATEMENTS_PREFIX) && path.length() > STATEMENTS_PREFIX.length()
        && path.indexOf('/', STATEMENTS_PREFIX.length()) < 0) {
      String id = path.substring(STATEMENTS_PREFIX.length());
      return byMethod(method, Map.of("DELETE", (req, resp) -> operations.cancel(id, req, resp)));
    }
    if (path.equals("/health")) {
      return byMethod(method, Map.of("GET", health::handle));
    }
    if (path.equals("/metrics")) {
      return byMethod(method, Map.of("GET", metrics::handle));
    }
    if (path.equals("/v1/query")) {
      return byMethod(method, Map.of("GET", query::get, "POST", query::post));
    }
    if (path.equals("/v1/catalogs")) {
      return byMethod(method, Map.of("GET", tables::catalogs));
    }
    if (path.equals("/v1/tables")) {
      return byMethod(method, Map.of("GET", tables::list));
    }
    if (path.startsWith(TABLES_PREFIX) && path.length() > TABLES_PREFIX.length()
        && path.indexOf('/', TABLES_PREFIX.length()) < 0) {
      String name = path.substring(TABLES_PREFIX.length());
      return byMethod(method, Map.of("GET", (req, resp) -> tables.describe(name, req, resp),
          "POST", (req, resp) -> ingest.handle(name, req, resp)));
    }
    throw new HttpError(404, "NOT_FOUND", "no route " + path + "; see docs/openapi.yaml");
  }

  private static Route byMethod(String method, Map<String, Route> routes) {
    Route route = routes.get(method);
    if (route == null) {
      String allowed = String.join(", ", new TreeMap<>(routes).keySet());
      throw HttpError.methodNotAllowed(method, allowed);
    }
    return route;
  }

  private static void fail(Response response, Callback callback, int status, String code, String message,
      Throwable cause) {
    if (response.isCommitted()) {
      callback.failed(cause);
      return;
    }
    try {
      response.setStatus(status);
      JsonResponses.error(response, status, code, message);
      callback.succeeded();
    } catch (IOException | RuntimeException e) {
      callback.failed(e);
    }
  }
}
