package dev.bridge.engine.catalog;

/** One side of a foreign key lookup by exact names; a null part matches any. */
public record KeySide(String catalog, String schema, String table) {
  public static final KeySide ANY = new KeySide(null, null, null);
}
