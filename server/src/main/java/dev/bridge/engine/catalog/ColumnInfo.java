package dev.bridge.engine.catalog;

/** A table column as DuckDB's catalog describes it; precision and scale are null where they do not apply. */
public record ColumnInfo(String name, String duckDbType, boolean nullable, Integer precision, Integer scale,
    boolean autoIncrement) {}
