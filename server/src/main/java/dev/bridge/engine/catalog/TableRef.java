package dev.bridge.engine.catalog;

import dev.bridge.engine.SqlIdentifiers;

/** A table or view by its full name. */
public record TableRef(String catalog, String schema, String table) {
  /** {@code "catalog"."schema"."table"}, quoted for SQL. */
  public String qualifiedName() {
    return SqlIdentifiers.quote(catalog) + "." + SqlIdentifiers.quote(schema) + "." + SqlIdentifiers.quote(table);
  }
}
