package dev.bridge.engine;

import org.duckdb.DuckDBConnection;

/**
 * The use of a DuckDB connection for one statement, from its execution until its last batch is read. Closing the
 * lease gives the connection back to its session (or closes it when it was a spare one).
 */
public final class ConnectionLease implements AutoCloseable {
  private final DuckDBConnection connection;
  private final Runnable release;
  private boolean released;

  ConnectionLease(DuckDBConnection connection, Runnable release) {
    this.connection = connection;
    this.release = release;
  }

  public DuckDBConnection connection() {
    return connection;
  }

  @Override
  public synchronized void close() {
    if (!released) {
      released = true;
      release.run();
    }
  }
}
