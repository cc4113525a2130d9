package dev.bridge.engine;

import java.sql.SQLException;
import java.sql.Statement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one way to stop a running statement: a client that goes away, CancelFlightInfo and an admin's cancel all call
 * {@link #cancel()}. A door makes it before the statement starts, so a cancel also reaches a query that is still
 * computing inside DuckDB before its first batch; the executor attaches the DuckDB statement while it runs and
 * detaches it before the statement is closed or reused, so a late cancel never touches another run.
 */
public final class Cancellation {
  private static final Logger log = LoggerFactory.getLogger(Cancellation.class);

  /** Stops what runs now: a DuckDB statement, or another engine's operation; null between runs. */
  private Runnable interrupter;
  private boolean requested;

  /** Interrupts the statement inside DuckDB, now or as soon as it is attached; safe from any thread. */
  public synchronized void cancel() {
    if (requested) {
      return;
    }
    requested = true;
    interrupt();
  }

  public synchronized boolean requested() {
    return requested;
  }

  synchronized void attach(Statement running) {
    attach(() -> {
      try {
        running.cancel();
      } catch (SQLException e) {
        log.debug("cancelling a DuckDB statement failed: {}", e.getMessage());
      }
    });
  }

  /**
   * Attaches what stops a running operation of another engine (Spark's interrupt of an operation); it runs now when
   * a cancel came first.
   */
  public synchronized void attach(Runnable running) {
    this.interrupter = running;
    if (requested) {
      interrupt();
    }
  }

  public synchronized void detach() {
    this.interrupter = null;
  }

  /** The failure to report for a statement this cancel interrupted. */
  public static EngineException cancelled(Throwable cause) {
    return new EngineException(ErrorKind.CANCELLED, "the query was cancelled", cause);
  }

  private void interrupt() {
    if (interrupter != null) {
      interrupter.run();
    }
  }
}
