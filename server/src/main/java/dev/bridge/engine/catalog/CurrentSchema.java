package dev.bridge.engine.catalog;

/** A session's current catalog (DuckDB database) and schema. */
public record CurrentSchema(String catalog, String schema) {}
