package dev.bridge.engine;

/**
 * Brings catalog objects that mirror something outside DuckDB (the views of file datasets) up to date. It runs
 * before every statement and metadata read, so it must be cheap when nothing changed, and it must not throw.
 */
@FunctionalInterface
public interface CatalogRefresher {
  CatalogRefresher NONE = () -> { };

  void refresh();
}
