package dev.bridge.engine;

import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.sql.SQLException;
import java.sql.Statement;
import org.duckdb.DuckDBConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one way code gets a DuckDB connection to work on: a piece of work of one session, from its first statement
 * until its last batch is read. Obtained from {@link Session#work}; closing it gives the connection back.
 *
 * <p>It decides, and is the only code that decides:
 * <ul>
 *   <li>which connection: the session's own, or a spare one when the own is busy streaming, the work may run
 *       elsewhere and no transaction is open (a spare would not see the transaction's writes). Waiting for a busy
 *       connection follows the one policy, {@code sessions.busy_wait};</li>
 *   <li>which transaction: the session's open one, which the work joins, or its own as {@link Mode} asks: none
 *       (DuckDB's auto-commit), read-only for readers (so DuckDB itself refuses the writes a query can hide, such as
 *       {@code nextval()}), or an atomic one, committed by {@link #commit()} and rolled back by {@link #close()}
 *       otherwise;</li>
 *   <li>whether the session has a transaction open: begun and ended by BeginTransaction/EndTransaction or by SQL
 *       text, whose effect DuckDB's own plan of the statement shows ({@link StatementEffects});</li>
 *   <li>when committed data changed: the tables the work wrote move their {@link DataVersions} once the transaction
 *       that wrote them commits (at once for auto-commit; at the session's COMMIT for a joined transaction). Before
 *       DuckDB commits, the commit is marked in flight ({@link DataVersions#committing}), and the mark is settled
 *       only after the versions moved, so no reader sees new data under old versions.</li>
 * </ul>
 * A work is used by one thread at a time.
 */
public final class UnitOfWork implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(UnitOfWork.class);

  /** The transaction a work runs in when the session has none open. */
  public enum Mode {
    /** DuckDB's auto-commit: each statement commits on its own. */
    AUTO_COMMIT,
    /** A read-only transaction for a reader (a writer's queries auto-commit), ended with the work. */
    READ_ONLY_FOR_READERS,
    /** One transaction for everything the work does: committed by {@link #commit()}, else rolled back. */
    ATOMIC,
    /**
     * A read-only transaction for every role, ended with the work: for work that reads, and checks what it reads,
     * in one DuckDB snapshot (a partition of a query checks its table is unchanged, then streams it).
     */
    READ_ONLY
  }

  /** Work on a connection that may throw DuckDB's SQLException. */
  @FunctionalInterface
  public interface ConnectionWork<T> {
    T apply(DuckDBConnection connection) throws SQLException;
  }

  private final Session session;
  private final DuckDBConnection connection;
  private final boolean own;
  private final Runnable release;
  /** The work runs inside the session's open transaction (joined, or begun through this work). */
  private boolean inSessionTransaction;
  /** The work began a transaction of its own, which {@link #close()} ends unless {@link #commit()} did. */
  private boolean ownTransaction;
  private boolean readOnlyTransaction;
  private Writes writes = Writes.NONE;
  /** Commits this work marked in flight; settled once their versions moved ({@link #publish}). */
  private final List<DataVersions.Commit> commitsInFlight = new ArrayList<>();
  /** Something the work holds besides the connection (its place in the statement queue), released with it. */
  private AutoCloseable held;
  private boolean closed;

  UnitOfWork(Session session, DuckDBConnection connection, boolean own, Runnable release, Mode mode) {
    this.session = session;
    this.connection = connection;
    this.own = own;
    this.release = release;
    this.inSessionTransaction = own && session.transactionOpen();
    if (!inSessionTransaction) {
      try {
        if (mode == Mode.ATOMIC) {
          execute("BEGIN TRANSACTION");
          ownTransaction = true;
        } else if (mode == Mode.READ_ONLY
            || mode == Mode.READ_ONLY_FOR_READERS && !session.principal().role().mayWrite()) {
          execute("BEGIN TRANSACTION READ ONLY");
          ownTransaction = true;
          readOnlyTransaction = true;
        }
      } catch (SQLException e) {
        release.run();
        throw DuckDbErrors.translate(e);
      }
    }
  }

  public DuckDBConnection connection() {
    return connection;
  }

  /** Keeps {@code resource} (such as the statement queue's place) until the work ends, then closes it. */
  public void holdUntilClosed(AutoCloseable resource) {
    held = resource;
  }

  /** Whether the work runs on the session's own connection (not a spare). */
  public boolean onOwnConnection() {
    return own;
  }

  /** Whether the work runs inside the session's open transaction. */
  public boolean inSessionTransaction() {
    return inSessionTransaction;
  }

  /**
   * Records what a statement of this work wrote. Inside the session's transaction the writes wait for its commit;
   * otherwise they are published when this work commits (or, under auto-commit, ends: DuckDB committed each
   * statement already, and a statement that failed moves a version without need, which is safe).
   */
  public void wrote(Writes written) {
    if (inSessionTransaction) {
      session.transactionWrote(written);
    } else {
      writes = writes.plus(written);
    }
  }

  /**
   * Call just before running a statement that may commit: under DuckDB's auto-commit its writes commit as it runs,
   * and inside the session's transaction a COMMIT (or a text DuckDB cannot describe, which may be one) commits the
   * transaction's writes. Those commits are marked in flight until their versions move.
   */
  public void running(StatementEffects effects) {
    if (inSessionTransaction) {
      Writes transaction = session.transactionWrites().plus(effects.writes());
      switch (effects.transaction()) {
        case COMMITS -> markCommitting(transaction);
        case UNKNOWN -> markCommitting(transaction.plus(Writes.UNKNOWN));
        default -> { }
      }
    } else if (!ownTransaction) {
      markCommitting(effects.writes());
    }
  }

  private void markCommitting(Writes writes) {
    if (!writes.none()) {
      commitsInFlight.add(session.engine().dataVersions().committing(writes));
    }
  }

  /**
   * Takes note of a statement that ran on this work's connection: its writes, and the transaction it began or ended
   * (SQL BEGIN, COMMIT, ROLLBACK). When DuckDB could not describe the text, DuckDB is asked whether a transaction
   * is open now.
   */
  public void ran(StatementEffects effects) {
    ran(effects, true);
  }

  /**
   * Takes note of a statement that failed: it wrote nothing, but DuckDB still ends a transaction whose COMMIT or
   * ROLLBACK failed, and a failed BEGIN means one is open already.
   */
  public void failed(StatementEffects effects) {
    ran(effects, false);
  }

  private void ran(StatementEffects effects, boolean succeeded) {
    Writes written = succeeded ? effects.writes() : Writes.NONE;
    if (!own) {
      wrote(written);
      return;
    }
    // A text's writes belong to the transaction it opens, or to the one it ends: note them inside it.
    switch (effects.transaction()) {
      case NONE -> wrote(written);
      case BEGINS -> {
        if (!inSessionTransaction) {
          transactionBegun();
        }
        wrote(written);
      }
      case COMMITS -> {
        wrote(written);
        transactionEnded(succeeded);
      }
      case ROLLS_BACK -> {
        wrote(written);
        transactionEnded(false);
      }
      case UNKNOWN -> {
        boolean open = transactionOpenInDuckDb();
        if (open && !inSessionTransaction) {
          transactionBegun();
          wrote(written);
        } else if (!open && inSessionTransaction) {
          // Ended by something DuckDB could not describe: its writes may have committed.
          wrote(written.plus(Writes.UNKNOWN));
          transactionEnded(true);
        } else {
          wrote(written);
        }
      }
    }
  }

  /** Opens the session's transaction (BeginTransaction): read-only for a reader, as its single queries are. */
  public void beginSessionTransaction() {
    requireOwnConnection();
    if (inSessionTransaction) {
      throw new EngineException(ErrorKind.FAILED_PRECONDITION, "session " + session.id() + " already has an open"
          + " transaction; commit or roll it back first (DuckDB has no nested transactions)");
    }
    run(session.principal().role().mayWrite() ? "BEGIN TRANSACTION" : "BEGIN TRANSACTION READ ONLY");
    transactionBegun();
  }

  /** Commits or rolls back the session's transaction (EndTransaction). A failed commit rolls back. */
  public void endSessionTransaction(boolean commit) {
    requireOwnConnection();
    try {
      if (commit) {
        markCommitting(session.transactionWrites());
      }
      run(commit ? "COMMIT" : "ROLLBACK");
      transactionEnded(commit);
    } catch (EngineException e) {
      rollBackQuietly();
      transactionEnded(false);
      throw e;
    }
  }

  /** Rolls back the session's transaction, whatever state DuckDB has it in (an abandoned transaction). */
  public void abandonSessionTransaction() {
    requireOwnConnection();
    rollBackQuietly();
    transactionEnded(false);
  }

  /** Commits the work's own transaction, if it has one, and publishes what the work wrote outside a session's. */
  public void commit() {
    if (ownTransaction) {
      markCommitting(writes);
      run("COMMIT");
      ownTransaction = false;
    }
    publish();
  }

  /**
   * Runs {@code probe} in a transaction that is rolled back, so that nothing it does stays: on this connection when
   * no transaction is open on it, else on a fresh connection (the session's transaction must not be touched).
   */
  public <T> T rolledBack(ConnectionWork<T> probe) throws SQLException {
    if (!inSessionTransaction && !ownTransaction) {
      return inRolledBackTransaction(connection, probe);
    }
    try (DuckDBConnection spare = session.engine().connect()) {
      return inRolledBackTransaction(spare, probe);
    }
  }

  /**
   * Whether a statement DuckDB refuses on this work's connection would abort a transaction: DuckDB runs nothing but
   * ROLLBACK in a transaction after any failed statement (even a failed prepare), and keeps none of its writes.
   */
  public boolean refusalAbortsTransaction() {
    return inSessionTransaction || ownTransaction;
  }

  /**
   * Runs planning trials: statements DuckDB may refuse (a candidate type for a parameter it leaves open, a wrapper
   * a statement may not fit) that bind without running and answer a question. A refusal must end nothing: when it
   * would abort a transaction here ({@link #refusalAbortsTransaction()}), which would lose the session's writes,
   * the trials run on a spare connection (the session's current schema) under auto-commit, each statement a
   * transaction of its own; otherwise here, under auto-commit too. A spare sees only committed objects: a statement
   * naming a temporary table or one the open transaction created or changed does not prepare there, and
   * {@code trials} must answer that it cannot tell rather than try anything on this connection.
   */
  public <T> T trials(ConnectionWork<T> trials) throws SQLException {
    if (!refusalAbortsTransaction()) {
      return trials.apply(connection);
    }
    try (DuckDBConnection spare = session.spareConnection()) {
      return trials.apply(spare);
    }
  }

  /**
   * Runs {@code probe} again after a statement of this work failed, in a transaction rolled back afterwards that
   * sees what the failed statement saw: inside the session's transaction (which the failure aborted, and which must
   * stay for the client to end) on a spare connection that does not see its writes; inside the work's own
   * transaction (aborted too) on this connection once that is rolled back, read-only again for a reader; otherwise
   * on this connection.
   */
  public <T> T rerunRolledBack(ConnectionWork<T> probe) throws SQLException {
    if (inSessionTransaction) {
      try (DuckDBConnection spare = session.spareConnection()) {
        return inRolledBackTransaction(spare, false, probe);
      }
    }
    if (ownTransaction) {
      // The failure aborted the work's transaction: DuckDB runs nothing in it but ROLLBACK. close() then finds none.
      rollBackQuietly();
    }
    return inRolledBackTransaction(connection, readOnlyTransaction, probe);
  }

  private static <T> T inRolledBackTransaction(DuckDBConnection on, ConnectionWork<T> probe) throws SQLException {
    return inRolledBackTransaction(on, false, probe);
  }

  private static <T> T inRolledBackTransaction(DuckDBConnection on, boolean readOnly, ConnectionWork<T> probe)
      throws SQLException {
    execute(on, readOnly ? "BEGIN TRANSACTION READ ONLY" : "BEGIN TRANSACTION");
    try {
      return probe.apply(on);
    } finally {
      try {
        execute(on, "ROLLBACK");
      } catch (SQLException noTransaction) {
        // The probe's failure ended the transaction already: nothing to roll back.
      }
    }
  }

  /** Ends the work: rolls back its own transaction unless committed, publishes auto-committed writes, releases. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    try {
      if (ownTransaction) {
        rollBackQuietly();
        if (!readOnlyTransaction) {
          writes = Writes.NONE;
        }
      }
      publish();
    } finally {
      try {
        release.run();
      } finally {
        closeHeld();
      }
    }
  }

  private void closeHeld() {
    if (held != null) {
      try {
        held.close();
      } catch (Exception e) {
        log.warn("releasing what a unit of work held failed: {}", e.toString());
      }
    }
  }

  /** Moves the versions of what committed, then settles the commits in flight (in that order: no gap between). */
  private void publish() {
    Writes done = writes;
    writes = Writes.NONE;
    if (!inSessionTransaction) {
      session.engine().dataVersions().changed(done);
    }
    commitsInFlight.forEach(DataVersions.Commit::close);
    commitsInFlight.clear();
  }

  private void transactionBegun() {
    inSessionTransaction = true;
    session.transactionBegun();
  }

  private void transactionEnded(boolean committed) {
    inSessionTransaction = false;
    session.transactionEnded(committed);
  }

  /**
   * Whether DuckDB has a transaction open on this connection: inside one, every statement sees the same transaction
   * id; under auto-commit each statement gets a new one.
   */
  private boolean transactionOpenInDuckDb() {
    try {
      return transactionId() == transactionId();
    } catch (SQLException abortedTransaction) {
      // DuckDB refuses every statement but ROLLBACK in a transaction a failed statement aborted: it is still open.
      return true;
    }
  }

  private long transactionId() throws SQLException {
    try (Statement statement = connection.createStatement();
         ResultSet result = statement.executeQuery("SELECT txid_current()")) {
      result.next();
      return result.getLong(1);
    }
  }

  private void requireOwnConnection() {
    if (!own) {
      throw new IllegalStateException("transaction control needs the session's own connection");
    }
  }

  private void run(String sql) {
    try {
      execute(sql);
    } catch (SQLException e) {
      throw DuckDbErrors.translate(e);
    }
  }

  /** Runs one statement that returns no rows on the work's connection, inside the work's transaction. */
  public void execute(String sql) throws SQLException {
    execute(connection, sql);
  }

  private void rollBackQuietly() {
    try {
      execute("ROLLBACK");
    } catch (SQLException alreadyEnded) {
      // DuckDB ended the transaction already (a failed statement aborted it, or the connection is closing).
      log.trace("rollback found no transaction: {}", alreadyEnded.getMessage());
    }
  }

  private static void execute(DuckDBConnection on, String sql) throws SQLException {
    try (Statement statement = on.createStatement()) {
      statement.execute(sql);
    }
  }
}
