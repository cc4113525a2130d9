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
    Duration timeout = timeoutOf(session);
    Watch watch = new Watch(timeout, statement);
    if (!timeout.isZero()) {
      watch.schedule(timer);
    }
    return watch;
  }

  @Override
  public void close() {
    timer.shutdownNow();
  }

  /** The timing of one statement. Expiry and {@link #close()} exclude each other: no statement is interrupted late. */
  static final class Watch implements AutoCloseable {
    private final Duration timeout;
    private Statement statement;
    private ScheduledFuture<?> expiry;
    private boolean expired;
    private boolean closed;

    private Watch(Duration timeout, Statement statement) {
      this.timeout = timeout;
      this.statement = statement;
    }

    private synchronized void schedule(ScheduledExecutorService timer) {
      expiry = timer.schedule(this::expire, timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    private synchronized void expire() {
      if (closed) {
        return;
      }
      expired = true;
      try {
        statement.cancel();
      } catch (SQLException e) {
        log.debug("interrupting a timed-out DuckDB statement failed: {}", e.getMessage());
      }
    }

    synchronized boolean expired() {
      return expired;
    }

    /**
     * From now on interrupts {@code running} at expiry: the statement that runs now, when the work runs another
     * one than it started with (a row that runs through {@link SqlPreparedStatement}'s EXECUTE).
     */
    synchronized void watch(Statement running) {
      this.statement = running;
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
