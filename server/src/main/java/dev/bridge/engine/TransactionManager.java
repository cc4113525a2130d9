package dev.bridge.engine;

import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Explicit transactions (Flight SQL BeginTransaction / EndTransaction). A transaction lives on the connection of the
 * session that opened it, so every statement and ingest of that session runs inside it; its id is only valid in
 * that session. A transaction whose session runs nothing for {@code sessions.transaction_idle_timeout} is rolled
 * back.
 */
public final class TransactionManager implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TransactionManager.class);

  private final Map<String, OpenTransaction> open = new ConcurrentHashMap<>();
  private final Duration busyWait;
  private final Duration idleTimeout;
  private final ScheduledExecutorService reaper = Executors.newSingleThreadScheduledExecutor(runnable -> {
    Thread thread = new Thread(runnable, "bridge-transaction-reaper");
    thread.setDaemon(true);
    return thread;
  });

  public TransactionManager(Duration busyWait, Duration idleTimeout) {
    this.busyWait = busyWait;
    this.idleTimeout = idleTimeout;
    long periodMillis = Math.max(50, Math.min(1_000, idleTimeout.toMillis() / 4));
    reaper.scheduleWithFixedDelay(this::rollBackIdle, periodMillis, periodMillis, TimeUnit.MILLISECONDS);
  }

  /** How many transactions are open now. */
  public int size() {
    return open.size();
  }

  /** Opens a transaction on the session's connection and returns its id. */
  public String begin(Session session) {
    if (session.inTransaction()) {
      throw new EngineException(ErrorKind.FAILED_PRECONDITION, "session " + session.id() + " already has an open"
          + " transaction; commit or roll it back first (DuckDB has no nested transactions)");
    }
    // The session's own connection, waiting for it if a result still streams on it: a spare connection would be
    // closed with the transaction in it, and the statements that follow would run outside any transaction.
    try (ConnectionLease lease = session.leaseOwnConnection(busyWait)) {
      // A reader's transaction is read-only in DuckDB too, like its single queries (StatementExecutor).
      execute(lease, session.principal().role().mayWrite() ? "BEGIN TRANSACTION" : "BEGIN TRANSACTION READ ONLY");
      session.setInTransaction(true);
    }
    String id = UUID.randomUUID().toString();
    open.put(id, new OpenTransaction(id, session));
    return id;
  }

  /**
   * Checks that {@code id} names an open transaction of {@code session}; an empty id (the statement carries none)
   * is accepted as is. Statements run on the session's connection, so they are inside its transaction anyway.
   */
  public void join(Session session, String id) {
    if (!id.isEmpty()) {
      find(session, id);
    }
  }

  /** Commits or rolls back; the id is finished either way. A failed commit (a write conflict) rolls back. */
  public void end(Session session, String id, boolean commit) {
    OpenTransaction transaction = find(session, id);
    try (ConnectionLease lease = session.lease(busyWait)) {
      if (!open.remove(id, transaction)) {
        throw unknown(id);
      }
      try {
        execute(lease, commit ? "COMMIT" : "ROLLBACK");
      } catch (EngineException e) {
        rollBackQuietly(lease);
        throw e;
      } finally {
        session.setInTransaction(false);
      }
    }
  }

  private OpenTransaction find(Session session, String id) {
    OpenTransaction transaction = open.get(id);
    if (transaction == null || transaction.session() != session) {
      throw unknown(id);
    }
    if (session.isClosed()) {
      open.remove(id, transaction);
      throw unknown(id);
    }
    return transaction;
  }

  private static EngineException unknown(String id) {
    return EngineException.notFound("unknown transaction id '" + id + "' in this session: it was never opened here,"
        + " or was already committed, rolled back or rolled back after being idle");
  }

  private void rollBackIdle() {
    open.values().forEach(transaction -> {
      Session session = transaction.session();
      if (session.isClosed()) {
        open.remove(transaction.id(), transaction);
      } else if (session.idleLongerThan(idleTimeout) && open.remove(transaction.id(), transaction)) {
        rollBackAbandoned(transaction);
      }
    });
  }

  private void rollBackAbandoned(OpenTransaction transaction) {
    Session session = transaction.session();
    try (ConnectionLease lease = session.lease(Duration.ZERO)) {
      rollBackQuietly(lease);
      session.setInTransaction(false);
      log.info("rolled back transaction {} of session {} after {} idle", transaction.id(), session.id(), idleTimeout);
    } catch (EngineException busy) {
      // A statement of the transaction is still running: it is not abandoned; look again next round.
      open.putIfAbsent(transaction.id(), transaction);
    }
  }

  private static void rollBackQuietly(ConnectionLease lease) {
    try (Statement statement = lease.connection().createStatement()) {
      statement.execute("ROLLBACK");
    } catch (SQLException ignored) {
      // Nothing left to roll back: DuckDB ended the transaction already.
    }
  }

  private static void execute(ConnectionLease lease, String sql) {
    try (Statement statement = lease.connection().createStatement()) {
      statement.execute(sql);
    } catch (SQLException e) {
      throw DuckDbErrors.translate(e);
    }
  }

  @Override
  public void close() {
    reaper.shutdownNow();
    open.clear();
  }

  private record OpenTransaction(String id, Session session) {}
}
