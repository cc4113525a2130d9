package dev.bridge.engine;

/** Quoting of SQL identifiers and string literals for the statements the server writes itself. */
public final class SqlIdentifiers {
  private SqlIdentifiers() {}

  /** {@code my "table"} becomes {@code "my ""table"""}: safe for any name. */
  public static String quote(String identifier) {
    return '"' + identifier.replace("\"", "\"\"") + '"';
  }

  /** {@code it's} becomes {@code 'it''s'}: a string literal for any text. */
  public static String quoteLiteral(String text) {
    return '\'' + text.replace("'", "''") + '\'';
  }
}
