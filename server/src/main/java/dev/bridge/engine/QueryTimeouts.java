package dev.bridge.engine;

import dev.bridge.config.LimitsConfig;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Enforces query timeouts: each statement gets a {@link Watch} that interrupts it inside DuckDB once its session's
 * timeout (the session's own, or the server default, capped by the server maximum) has passed. The limits are read
 * at the start of each statement, so {@link #update} takes effect for the next one (configuration reload).
 */
public final class QueryTimeouts implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(QueryTimeouts.class);

  private final ScheduledExecutorService timer =
      Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("bridge-query-timeouts"));
  private volatile LimitsConfig limits;

  public QueryTimeouts(LimitsConfig limits) {
    this.limits = limits;
  }

  /** Replaces the limits; statements already running keep the timeout they started with. */
  public void update(LimitsConfig newLimits) {
    this.limits = newLimits;
  }

  public LimitsConfig limits() {
    return limits;
  }

  /** The timeout a statement of {@code session} gets now; zero means none. */
  public Duration timeoutOf(Session session) {
    return limits.effectiveTimeout(session.queryTimeout());
  }

  /** Starts timing {@code statement}, which is about to run; close the watch when the statement has ended. */
  Watch start(Session session, Statement statement) {
    return start(session, interrupter(statement));
  }

  /**
   * Starts timing a statement another engine runs, stopped at expiry by {@code interrupt} (Spark's interrupt of its
   * operation); close the watch when the statement has ended.
   */
  Watch start(Session session, Runnable interrupt) {
    Duration timeout = timeoutOf(session);
    Watch watch = new Watch(timeout, interrupt);
    if (!timeout.isZero()) {
      watch.schedule(timer);
    }
    return watch;
  }

  private static Runnable interrupter(Statement statement) {
    return () -> {
      try {
        statement.cancel();
      } catch (SQLException e) {
        log.debug("interrupting a timed-out DuckDB statement failed: {}", e.getMessage());
      }
    };
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }

  /** The timing of one statement. Expiry and {@link #close()} exclude each other: no statement is interrupted late. */
  static final class Watch implements AutoCloseable {
    private final Duration timeout;
    private Runnable interrupt;
    private ScheduledFuture<?> expiry;
    private boolean expired;
    private boolean closed;

    private Watch(Duration timeout, Runnable interrupt) {
      this.timeout = timeout;
      this.interrupt = interrupt;
    }

    private synchronized void schedule(ScheduledExecutorService timer) {
      expiry = timer.schedule(this::expire, timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private synchronized void expire() {
      if (closed) {
        return;
      }
      expired = true;
      interrupt.run();
    }

    synchronized boolean expired() {
      return expired;
    }

    /**
     * From now on interrupts {@code running} at expiry: the statement that runs now, when the work runs another
     * one than it started with (a row that runs through {@link SqlPreparedStatement}'s EXECUTE).
     */
    synchronized void watch(Statement running) {
      this.interrupt = interrupter(running);
    }

    /** The failure to report for a statement this watch interrupted. */
    EngineException exceeded(Throwable cause) {
      return new EngineException(ErrorKind.DEADLINE_EXCEEDED,
          "the statement ran longer than its query timeout of " + timeout + " and was interrupted", cause);
    }

    @Override
    public synchronized void close() {
      closed = true;
      if (expiry != null) {
        expiry.cancel(false);
      }
    }
  }
}
