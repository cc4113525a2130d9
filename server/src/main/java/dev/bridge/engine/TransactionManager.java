package dev.bridge.engine;

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
  private final Duration idleTimeout;
  private final ScheduledExecutorService reaper =
      Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("bridge-transaction-reaper"));

  public TransactionManager(Duration idleTimeout) {
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
    // The session's own connection, waiting for it if a result still streams on it: a spare connection would be
    // closed with the transaction in it, and the statements that follow would run outside any transaction.
    try (UnitOfWork work = session.workOnOwnConnection(UnitOfWork.Mode.AUTO_COMMIT)) {
      work.beginSessionTransaction();
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
    try (UnitOfWork work = session.workOnOwnConnection(UnitOfWork.Mode.AUTO_COMMIT)) {
      if (!open.remove(id, transaction)) {
        throw unknown(id);
      }
      work.endSessionTransaction(commit);
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
    try (UnitOfWork work = session.workIfIdle()) {
      work.abandonSessionTransaction();
      log.info("rolled back transaction {} of session {} after {} idle", transaction.id(), session.id(), idleTimeout);
    } catch (EngineException busy) {
      // A statement of the transaction is still running: it is not abandoned; look again next round.
      open.putIfAbsent(transaction.id(), transaction);
    }
  }

  @Override
  public void close() {
    reaper.shutdownNow();
    open.clear();
  }

  private record OpenTransaction(String id, Session session) {}
}
