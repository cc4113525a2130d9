package dev.bridge.engine;

import java.util.List;
import java.util.Locale;

/**
 * A fully resolved table: catalog, schema and name as the client or DuckDB spelled them; the one type for a table's
 * name (a client's path of one to three parts becomes one through {@code CatalogReader#resolve}). DuckDB matches
 * identifiers without regard to case, so two names that differ only in case are the same table ({@link #equals}
 * agrees). A temporary table lives in DuckDB's {@code temp} catalog. A name not resolved yet, with parts missing,
 * is a {@link Partial}.
 */
public record TableName(String catalog, String schema, String name) {
  public static final String TEMP_CATALOG = "temp";
  public static final String TEMP_SCHEMA = "main";

  public TableName {
    if (catalog == null || schema == null || name == null) {
      throw new IllegalArgumentException("a table name has a catalog, a schema and a name");
    }
  }

  public static TableName temporary(String name) {
    return new TableName(TEMP_CATALOG, TEMP_SCHEMA, name);
  }

  public boolean temporary() {
    return catalog.equalsIgnoreCase(TEMP_CATALOG);
  }

  /** {@code "catalog"."schema"."name"}, quoted for SQL (DuckDB takes {@code "temp"."main"."t"} for a temporary one). */
  public String sql() {
    return SqlIdentifiers.quote(catalog) + "." + SqlIdentifiers.quote(schema) + "." + SqlIdentifiers.quote(name);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof TableName that && catalog.equalsIgnoreCase(that.catalog)
        && schema.equalsIgnoreCase(that.schema) && name.equalsIgnoreCase(that.name);
  }

  @Override
  public int hashCode() {
    return (catalog.toLowerCase(Locale.ROOT) + '\0' + schema.toLowerCase(Locale.ROOT) + '\0'
        + name.toLowerCase(Locale.ROOT)).hashCode();
  }

  /** The name for messages. */
  @Override
  public String toString() {
    return catalog + "." + schema + "." + name;
  }

  /**
   * A table's name as a client gave it, before it names one table: a null part was not given. What a missing part
   * means is the reader's rule, never guessed here: a key lookup matches any catalog or schema
   * ({@code CatalogReader#primaryKeys}); an ingest target takes the session's current ones
   * ({@code CatalogReader#resolve}, through {@link #path}). An empty part is a given one (the empty name).
   */
  public record Partial(String catalog, String schema, String name) {
    /** Every table: no part given. */
    public static final Partial ANY = new Partial(null, null, null);

    /** Only the name given. */
    public static Partial named(String name) {
      return new Partial(null, null, name);
    }

    /**
     * The client's path of the given parts, as {@code CatalogReader#resolve} takes it; a catalog without a schema
     * means that catalog's {@code main}, as in DuckDB.
     */
    public List<String> path() {
      if (catalog == null) {
        return schema == null ? List.of(name) : List.of(schema, name);
      }
      return List.of(catalog, schema == null ? "main" : schema, name);
    }
  }
}
