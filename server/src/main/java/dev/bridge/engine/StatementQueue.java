package dev.bridge.engine;

import dev.bridge.config.LimitsConfig;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;

/**
 * Admission control: at most {@code limits.max_running_statements} statements execute at once, and the others wait
 * here, so a burst of work that would all succeed one after another is not started together and run out of memory.
 *
 * <p>Waiting statements are served FIFO within a user and round-robin across users, so one user's burst cannot
 * starve the others (without authentication every session counts as its own user). A statement that waits longer
 * than {@code limits.queue_timeout} fails with RESOURCE_EXHAUSTED naming the limit; one whose client goes away
 * leaves the queue at once.
 *
 * <p>Never queued: statements of a session inside its own transaction, and statements of a session that already
 * holds a place (a client reading two results at once): both could otherwise wait for a place their own session
 * holds. A statement whose stream already runs keeps its place until the stream ends. When every place is taken, a
 * statement that reads no table (SELECT 1, SET, a catalog lookup) may take one of {@code limits.small_statement_slots}
 * places of its own instead of waiting behind big scans.
 *
 * <p>{@link #admit} is the one call where a statement begins executing (StatementExecutor); the returned permit is
 * released when the statement's work ends (its stream is closed, its update returned).
 */
public final class StatementQueue {
  /** How admissions and rejections are reported (the metrics implement it; the engine imports nothing above it). */
  public interface Observer {
    /** A statement got a place after waiting {@code waitNanos} (0 when it did not wait), in {@code lane}. */
    void admitted(Lane lane, long waitNanos);

    /** A waiting statement left the queue without a place. */
    void rejected(Rejection reason, long waitNanos);

    Observer NONE = new Observer() {
      @Override
      public void admitted(Lane lane, long waitNanos) {}

      @Override
      public void rejected(Rejection reason, long waitNanos) {}
    };
  }

  /** Where a statement ran: a place of the main lane, a small statement's place, or outside the queue. */
  public enum Lane { MAIN, SMALL, UNQUEUED }

  /** Why a waiting statement got no place. */
  public enum Rejection { TIMEOUT, CANCELLED }

  /** What the queue holds now, for metrics and an operator's view. */
  public record State(int running, int runningSmall, int queued, int maxRunning, int smallSlots) {}

  /** How long waiters sleep between looks at their client (a cancel is noticed within this). */
  private static final long POLL_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

  private final ReentrantLock lock = new ReentrantLock();
  /** Waiting statements by fairness key, in round-robin order: the user served next is first. */
  private final LinkedHashMap<String, ArrayDeque<Waiter>> waiting = new LinkedHashMap<>();
  /** Places held per session, to let a session's further statements through (see the class comment). */
  private final Map<String, AtomicInteger> heldBySession = new ConcurrentHashMap<>();
  private final BooleanSupplier clientGone;
  private volatile Observer observer = Observer.NONE;
  private volatile LimitsConfig limits;
  private int running;
  private int runningSmall;
  private int queued;

  /**
   * @param clientGone whether the client of the calling thread's call has gone away (cancelled or disconnected);
   *     the door that knows it supplies it, false where it cannot tell
   */
  public StatementQueue(LimitsConfig limits, BooleanSupplier clientGone) {
    this.limits = limits;
    this.clientGone = clientGone;
  }

  public void observe(Observer newObserver) {
    this.observer = newObserver;
  }

  /** Applies reloaded limits: a higher limit lets waiting statements in at once; a lower one lets running ones end. */
  public void update(LimitsConfig newLimits) {
    lock.lock();
    try {
      this.limits = newLimits;
      dispatch();
    } finally {
      lock.unlock();
    }
  }

  public State state() {
    lock.lock();
    try {
      return new State(running, runningSmall, queued, limits.effectiveMaxRunningStatements(),
          limits.smallStatementSlots());
    } finally {
      lock.unlock();
    }
  }

  /**
   * Waits for a place for a statement of {@code session} and returns it; close the permit when the statement's work
   * has ended.
   *
   * @param small asked only when every place is taken: whether the statement reads no table
   * @throws EngineException RESOURCE_EXHAUSTED after {@code queue_timeout}, CANCELLED when the client went away
   */
  public Permit admit(Session session, BooleanSupplier small) {
    String sessionId = session.id();
    if (session.inTransaction() || holds(sessionId)) {
      observer.admitted(Lane.UNQUEUED, 0);
      return new Permit(this, sessionId, Lane.UNQUEUED, 0);
    }
    LimitsConfig current = limits;
    Waiter waiter;
    lock.lock();
    try {
      if (queued == 0 && running < current.effectiveMaxRunningStatements()) {
        return grantNow(session, Lane.MAIN);
      }
    } finally {
      lock.unlock();
    }
    // Every place is taken (or others wait first): a small statement may use a small place. DuckDB is asked only
    // now, so statements that find a free place pay nothing for the classification.
    boolean isSmall = current.smallStatementSlots() > 0 && small.getAsBoolean();
    long start = System.nanoTime();
    lock.lock();
    try {
      if (queued == 0 && running < limits.effectiveMaxRunningStatements()) {
        return grantNow(session, Lane.MAIN);
      }
      if (isSmall && runningSmall < limits.smallStatementSlots()) {
        return grantNow(session, Lane.SMALL);
      }
      waiter = new Waiter(lock.newCondition(), session);
      String user = session.principal().anonymous() ? "session:" + sessionId : "user:" + session.principal().user();
      waiting.computeIfAbsent(user, key -> new ArrayDeque<>()).addLast(waiter);
      queued++;
      return await(waiter, user, start);
    } finally {
      lock.unlock();
    }
  }

  private Permit await(Waiter waiter, String user, long start) {
    while (true) {
      if (waiter.granted) {
        long waited = System.nanoTime() - start;
        waiter.session.noteQueueWait(Duration.ofNanos(waited));
        observer.admitted(Lane.MAIN, waited);
        return new Permit(this, waiter.sessionId, Lane.MAIN, waited);
      }
      long waited = System.nanoTime() - start;
      Duration timeout = limits.queueTimeout();
      if (waited >= timeout.toNanos()) {
        leave(waiter, user);
        waiter.session.noteQueueWait(Duration.ofNanos(waited));
        observer.rejected(Rejection.TIMEOUT, waited);
        throw new EngineException(ErrorKind.RESOURCE_EXHAUSTED, "the server is busy: "
            + limits.effectiveMaxRunningStatements() + " statements (limits.max_running_statements) were running and"
            + " this one waited limits.queue_timeout (" + timeout.toMillis() + " ms) for its turn; try again later",
            retryAfter(timeout));
      }
      if (clientGone.getAsBoolean()) {
        leave(waiter, user);
        waiter.session.noteQueueWait(Duration.ofNanos(waited));
        observer.rejected(Rejection.CANCELLED, waited);
        throw new EngineException(ErrorKind.CANCELLED, "the client cancelled the statement while it waited in the"
            + " statement queue");
      }
      try {
        waiter.signal.awaitNanos(Math.min(POLL_NANOS, timeout.toNanos() - waited));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        leave(waiter, user);
        observer.rejected(Rejection.CANCELLED, waited);
        throw new EngineException(ErrorKind.CANCELLED, "interrupted while waiting in the statement queue");
      }
    }
  }

  /** A hint for a client turned away: about a tenth of the wait it already had, at least a second. */
  private static Duration retryAfter(Duration queueTimeout) {
    return Duration.ofSeconds(Math.max(1, queueTimeout.toSeconds() / 10));
  }

  private Permit grantNow(Session session, Lane lane) {
    String sessionId = session.id();
    session.noteQueueWait(Duration.ZERO);
    take(sessionId, lane);
    observer.admitted(lane, 0);
    return new Permit(this, sessionId, lane, 0);
  }

  private void take(String sessionId, Lane lane) {
    if (lane == Lane.SMALL) {
      runningSmall++;
    } else {
      running++;
    }
    heldBySession.computeIfAbsent(sessionId, key -> new AtomicInteger()).incrementAndGet();
  }

  private boolean holds(String sessionId) {
    AtomicInteger held = heldBySession.get(sessionId);
    return held != null && held.get() > 0;
  }

  private void leave(Waiter waiter, String user) {
    ArrayDeque<Waiter> queue = waiting.get(user);
    if (queue != null && queue.remove(waiter)) {
      queued--;
      if (queue.isEmpty()) {
        waiting.remove(user);
      }
    } else if (waiter.granted) {
      // Granted just as it gave up: hand the place on.
      release(waiter.sessionId, Lane.MAIN);
    }
  }

  /** Gives waiting statements the free places, one user at a time in turn. Called with the lock held. */
  private void dispatch() {
    while (queued > 0 && running < limits.effectiveMaxRunningStatements()) {
      Iterator<Map.Entry<String, ArrayDeque<Waiter>>> users = waiting.entrySet().iterator();
      Map.Entry<String, ArrayDeque<Waiter>> next = users.next();
      users.remove();
      Waiter waiter = next.getValue().pollFirst();
      if (!next.getValue().isEmpty()) {
        // The user goes to the back of the round.
        waiting.put(next.getKey(), next.getValue());
      }
      queued--;
      take(waiter.sessionId, Lane.MAIN);
      waiter.granted = true;
      waiter.signal.signal();
    }
  }

  private void release(String sessionId, Lane lane) {
    if (lane == Lane.UNQUEUED) {
      return;
    }
    heldBySession.computeIfPresent(sessionId, (key, held) -> held.decrementAndGet() <= 0 ? null : held);
    lock.lock();
    try {
      if (lane == Lane.SMALL) {
        runningSmall--;
      } else {
        running--;
      }
      dispatch();
    } finally {
      lock.unlock();
    }
  }

  /** The sessions of the statements waiting now, oldest first within a user, users in the order they are served. */
  public List<String> waitingSessionIds() {
    lock.lock();
    try {
      return waiting.values().stream().flatMap(ArrayDeque::stream).map(waiter -> waiter.sessionId).toList();
    } finally {
      lock.unlock();
    }
  }

  private static final class Waiter {
    final Condition signal;
    final Session session;
    final String sessionId;
    boolean granted;

    Waiter(Condition signal, Session session) {
      this.signal = signal;
      this.session = session;
      this.sessionId = session.id();
    }
  }

  /** A statement's place; closing it (once is enough, more is harmless) gives the place to the next statement. */
  public static final class Permit implements AutoCloseable {
    private final StatementQueue queue;
    private final String sessionId;
    private final Lane lane;
    private final long waitNanos;
    private final AtomicBoolean released = new AtomicBoolean();

    private Permit(StatementQueue queue, String sessionId, Lane lane, long waitNanos) {
      this.queue = queue;
      this.sessionId = sessionId;
      this.lane = lane;
      this.waitNanos = waitNanos;
    }

    public Lane lane() {
      return lane;
    }

    /** How long the statement waited for its place. */
    public Duration waited() {
      return Duration.ofNanos(waitNanos);
    }

    @Override
    public void close() {
      if (released.compareAndSet(false, true)) {
        queue.release(sessionId, lane);
      }
    }
  }
}
