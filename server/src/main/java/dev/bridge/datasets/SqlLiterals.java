package dev.bridge.datasets;

/** SQL string literals for the view definitions the registry writes. */
final class SqlLiterals {
  private SqlLiterals() {}

  /** {@code it's} becomes {@code 'it''s'}. */
  static String string(String value) {
    return "'" + value.replace("'", "''") + "'";
  }
}
