package dev.bridge.engine;

/** Quoting of SQL identifiers for the statements the server writes itself. */
public final class SqlIdentifiers {
  private SqlIdentifiers() {}

  /** {@code my "table"} becomes {@code "my ""table"""}: safe for any name. */
  public static String quote(String identifier) {
    return '"' + identifier.replace("\"", "\"\"") + '"';
  }
}
