package dev.bridge.engine;

/** What a statement gives back, as DuckDB's prepared statement reports it before execution. */
public enum StatementKind {
  /** Returns rows (SELECT, SHOW, PRAGMA, INSERT ... RETURNING): executed when its stream is read. */
  QUERY,
  /** Changes rows and returns their count (INSERT, UPDATE, DELETE, CREATE TABLE AS, COPY). */
  UPDATE,
  /** Returns nothing (CREATE, DROP, SET, USE, BEGIN, ...). */
  COMMAND;

  public boolean returnsRows() {
    return this == QUERY;
  }
}
