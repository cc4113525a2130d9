package dev.bridge.ingest;

import dev.bridge.engine.EngineException;
import dev.bridge.engine.TableName;

/**
 * The table an ingest writes. Empty catalog and schema mean the session's current ones. A temporary table lives in
 * DuckDB's {@code temp.main} and is dropped when the session ends, so it takes no other catalog or schema.
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
}
