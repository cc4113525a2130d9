package dev.bridge.rest;

import dev.bridge.engine.EngineException;
import dev.bridge.engine.TableCatalog;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;

/** {@code GET /v1/tables} and {@code GET /v1/tables/{name}}: tables and views with their columns, as JSON. */
final class TableRoutes {
  private final RequestSessions sessions;
  private final TableCatalog catalog;

  TableRoutes(RequestSessions sessions, TableCatalog catalog) {
    this.sessions = sessions;
    this.catalog = catalog;
  }

  void list(Request request, Response response) throws IOException {
    String schema = Request.extractQueryParameters(request).getValue("schema");
    List<TableCatalog.Table> tables;
    try (RequestSessions.Scoped scoped = sessions.open(request)) {
      tables = schema == null ? catalog.tables(scoped.session()) : catalog.tables(scoped.session(), schema, null);
    }
    JsonResponses.write(response, 200, Map.of("tables", tables));
  }

  void describe(String name, Request request, Response response) throws IOException {
    String schema = Request.extractQueryParameters(request).getValue("schema");
    List<TableCatalog.Table> tables;
    try (RequestSessions.Scoped scoped = sessions.open(request)) {
      tables = catalog.tables(scoped.session(), schema, name);
    }
    if (tables.isEmpty()) {
      throw EngineException.notFound("no table or view named '" + name + "'"
          + (schema == null ? "" : " in schema '" + schema + "'"));
    }
    if (tables.size() > 1) {
      throw EngineException.invalidArgument("'" + name + "' names " + tables.size()
          + " tables or views in different schemas; choose one with ?schema=");
    }
    JsonResponses.write(response, 200, tables.get(0));
  }
}
