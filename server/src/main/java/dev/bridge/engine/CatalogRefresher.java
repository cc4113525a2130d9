package dev.bridge.engine;

/**
 * Brings catalog objects that mirror something outside DuckDB (the views of file datasets) up to date. It runs
 * before every statement and metadata read, so it must be cheap when nothing changed, and it must not throw.
 */
@FunctionalInterface
public interface CatalogRefresher {
  CatalogRefresher NONE = () -> { };

  void refresh();

  /** Whether {@code view} mirrors files (a file dataset's view), whose data version moves when they change. */
  default boolean mirrorsFiles(TableName view) {
    return false;
  }

  /**
   * Checks the files behind these views in full now (listing them again and reading every file's size and
   * modification time, where {@link #refresh} may trust a recent listing for a second) and brings the views that
   * changed up to date, moving their data versions: what the result cache asks before it serves or keeps a result
   * read from files.
   */
  default void refreshFully(java.util.Collection<TableName> views) {}
}
