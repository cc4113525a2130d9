package dev.bridge.ingest;

import dev.bridge.engine.SqlIdentifiers;

/** A fully resolved target table: catalog, schema and name as the client spelled them. */
record TableName(String catalog, String schema, String name, boolean temporary) {

  /** The quoted name for SQL; a temporary table is named alone, DuckDB places it in {@code temp.main}. */
  String sql() {
    return temporary ? SqlIdentifiers.quote(name)
        : SqlIdentifiers.quote(catalog) + "." + SqlIdentifiers.quote(schema) + "." + SqlIdentifiers.quote(name);
  }

  /** The name for messages. */
  @Override
  public String toString() {
    return catalog + "." + schema + "." + name;
  }
}
