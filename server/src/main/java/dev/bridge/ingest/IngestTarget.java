package dev.bridge.ingest;

import dev.bridge.engine.EngineException;
import dev.bridge.engine.TableName;

/**
 * The table an ingest request names, as the client gave it (the doors' ingest options: catalog, schema, table,
 * temporary), checked; {@link ArrowIngest} resolves it to a {@link TableName} by the one rule of table paths
 * ({@code CatalogReader#resolve}). A catalog or schema not given means the session's current one. A temporary table
 * lives in DuckDB's {@code temp.main} and is dropped when the session ends, so it takes no other catalog or schema.
 */
public record IngestTarget(TableName.Partial table, boolean temporary) {
  static final String TEMP_CATALOG = TableName.TEMP_CATALOG;
  static final String TEMP_SCHEMA = TableName.TEMP_SCHEMA;

  public IngestTarget {
    if (table.name() == null || table.name().isBlank()) {
      throw EngineException.invalidArgument("the ingest names no target table");
    }
    if (temporary && !(table.catalog() == null || table.catalog().equalsIgnoreCase(TEMP_CATALOG))) {
      throw EngineException.invalidArgument("a temporary table lives in catalog '" + TEMP_CATALOG + "'; catalog '"
          + table.catalog() + "' cannot hold one");
    }
    if (temporary && !(table.schema() == null || table.schema().equalsIgnoreCase(TEMP_SCHEMA))) {
      throw EngineException.invalidArgument("a temporary table lives in schema '" + TEMP_SCHEMA + "'; schema '"
          + table.schema() + "' cannot hold one");
    }
  }

  /**
   * The target a door read from its request's fields. Both doors' ingest options leave an unset catalog or schema
   * empty (Flight SQL's proto strings) or absent (a query parameter): either is "not given".
   */
  public static IngestTarget of(String catalog, String schema, String name, boolean temporary) {
    return new IngestTarget(new TableName.Partial(given(catalog), given(schema), name), temporary);
  }

  public static IngestTarget table(String name) {
    return new IngestTarget(TableName.Partial.named(name), false);
  }

  public String name() {
    return table.name();
  }

  private static String given(String part) {
    return part == null || part.isEmpty() ? null : part;
  }
}
