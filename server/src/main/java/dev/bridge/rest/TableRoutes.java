package dev.bridge.rest;

import dev.bridge.engine.EngineException;
import dev.bridge.engine.catalog.CatalogReader;
import dev.bridge.engine.catalog.ColumnInfo;
import dev.bridge.engine.catalog.TableDescription;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Fields;

/**
 * {@code GET /v1/catalogs}, {@code GET /v1/tables} and {@code GET /v1/tables/{name}}: catalogs with their schemas,
 * tables and views with their columns, as JSON; a remote engine's catalog (Spark's) is read from that engine.
 */
public final class TableRoutes {
  private final RequestSessions sessions;
  private final CatalogReader catalog;

  public TableRoutes(RequestSessions sessions, CatalogReader catalog) {
    this.sessions = sessions;
    this.catalog = catalog;
  }

  /** {@code GET /v1/catalogs}: every catalog the session sees (DuckDB's and other engines', such as Spark's). */
  void catalogs(Request request, Response response) throws IOException {
    List<Map<String, Object>> catalogs = new ArrayList<>();
    try (RequestSessions.Scoped scoped = sessions.open(request)) {
      for (List<Object> row : catalog.catalogs(scoped.session())) {
        String name = (String) row.get(0);
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("name", name);
        json.put("schemas", catalog.schemas(scoped.session(), name, null).stream().map(schema -> schema.get(1))
            .toList());
        catalogs.add(json);
      }
    }
    JsonResponses.write(response, 200, Map.of("catalogs", catalogs));
  }

  void list(Request request, Response response) throws IOException {
    Fields query = Request.extractQueryParameters(request);
    List<TableDescription> tables;
    try (RequestSessions.Scoped scoped = sessions.open(request)) {
      tables = catalog.describe(scoped.session(), query.getValue("catalog"), query.getValue("schema"), null);
    }
    JsonResponses.write(response, 200, Map.of("tables", tables.stream().map(TableRoutes::json).toList()));
  }

  void describe(String name, Request request, Response response) throws IOException {
    Fields query = Request.extractQueryParameters(request);
    String catalogName = query.getValue("catalog");
    String schema = query.getValue("schema");
    List<TableDescription> tables;
    try (RequestSessions.Scoped scoped = sessions.open(request)) {
      tables = catalog.describe(scoped.session(), catalogName, schema, name);
    }
    if (tables.isEmpty()) {
      throw EngineException.notFound("no table or view named '" + name + "'"
          + (schema == null ? "" : " in schema '" + schema + "'")
          + (catalogName == null ? "" : " of catalog '" + catalogName + "'"));
    }
    if (tables.size() > 1) {
      throw EngineException.invalidArgument("'" + name + "' names " + tables.size()
          + " tables or views in different schemas or catalogs; choose one with ?schema= (and ?catalog=)");
    }
    JsonResponses.write(response, 200, json(tables.get(0)));
  }

  /** A table as the REST API shows it (docs/openapi.yaml): its kind is TABLE or VIEW, a temporary table a TABLE. */
  private static Map<String, Object> json(TableDescription table) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("database", table.name().catalog());
    json.put("schema", table.name().schema());
    json.put("name", table.name().name());
    json.put("kind", table.isView() ? "VIEW" : "TABLE");
    json.put("columns", table.columns().stream().map(TableRoutes::json).toList());
    return json;
  }

  private static Map<String, Object> json(ColumnInfo column) {
    Map<String, Object> json = new LinkedHashMap<>();
    json.put("name", column.name());
    json.put("type", column.duckDbType());
    json.put("nullable", column.nullable());
    return json;
  }
}
