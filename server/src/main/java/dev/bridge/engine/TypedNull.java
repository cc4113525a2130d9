package dev.bridge.engine;

/**
 * A NULL parameter the client bound in a typed Arrow column (a null in a timestamp column, say). DuckDB's JDBC
 * binding has no typed NULL, so it binds as an untyped one; where DuckDB leaves the parameter's type open and
 * cannot choose a function for an untyped NULL ({@code ? + INTERVAL 1 DAY}), {@link TypedNulls} casts the
 * parameter to this type in the statement DuckDB runs.
 *
 * @param duckDbType the DuckDB type of the Arrow column the NULL was bound in
 * @param arrowType the Arrow type itself, for error messages
 */
public record TypedNull(String duckDbType, String arrowType) {}
