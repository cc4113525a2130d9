package dev.bridge.engine;

/**
 * A session's current catalog (DuckDB database) and schema, where one-part table names resolve. The session keeps it
 * ({@link Session#currentSchema()}), read from its connection whenever a statement may have changed it.
 */
public record CurrentSchema(String catalog, String schema) {
  /** {@code "catalog"."schema"}, quoted for SQL ({@code USE}). */
  public String sql() {
    return SqlIdentifiers.quote(catalog) + "." + SqlIdentifiers.quote(schema);
  }
}
