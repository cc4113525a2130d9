package dev.bridge.ingest;

import dev.bridge.engine.EngineException;
import dev.bridge.engine.TableName;
import java.util.List;

/**
 * The table an ingest request names, as the client gave it (the doors' ingest options: catalog, schema, table,
 * temporary), checked; {@link ArrowIngest} resolves it to a {@link TableName} by the one rule of table paths
 * ({@code CatalogReader#resolve}). Empty catalog and schema mean the session's current ones. A temporary table lives
 * in DuckDB's {@code temp.main} and is dropped when the session ends, so it takes no other catalog or schema.
 */
public record IngestTarget(String catalog, String schema, String name, boolean temporary) {
  static final String TEMP_CATALOG = TableName.TEMP_CATALOG;
  static final String TEMP_SCHEMA = TableName.TEMP_SCHEMA;

  public IngestTarget {
    catalog = catalog == null ? "" : catalog;
    schema = schema == null ? "" : schema;
    if (name == null || name.isBlank()) {
      throw EngineException.invalidArgument("the ingest names no target table");
    }
    if (temporary && !(catalog.isEmpty() || catalog.equalsIgnoreCase(TEMP_CATALOG))) {
      throw EngineException.invalidArgument("a temporary table lives in catalog '" + TEMP_CATALOG + "'; catalog '"
          + catalog + "' cannot hold one");
    }
    if (temporary && !(schema.isEmpty() || schema.equalsIgnoreCase(TEMP_SCHEMA))) {
      throw EngineException.invalidArgument("a temporary table lives in schema '" + TEMP_SCHEMA + "'; schema '"
          + schema + "' cannot hold one");
    }
  }

  public static IngestTarget table(String name) {
    return new IngestTarget("", "", name, false);
  }

  /** The path the request names: a catalog without a schema means that catalog's {@code main}, as in DuckDB. */
  List<String> path() {
    if (catalog.isEmpty()) {
      return schema.isEmpty() ? List.of(name) : List.of(schema, name);
    }
    return List.of(catalog, schema.isEmpty() ? "main" : schema, name);
  }
}
