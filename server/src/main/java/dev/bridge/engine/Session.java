package dev.bridge.engine;

import dev.bridge.auth.Principal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.duckdb.DuckDBConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client's session: its own DuckDB connection (so its temporary tables, settings, current schema and
 * transaction are its own) and the prepared statements it created.
 *
 * <p>A DuckDB connection runs one statement at a time, and a streaming result is lost when the connection starts
 * another. A statement therefore leases the connection until its stream ends. A client that starts a second
 * statement while the first still streams (a JDBC program reading two result sets at once) gets a spare connection
 * set to the session's current schema, unless the session is inside a transaction: then the statement waits for
 * the connection, because a spare would not see the transaction's writes.
 */
public final class Session implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Session.class);
  private static final int PLAN_CACHE_CAPACITY = 256;
  private static final int REUSABLE_STATEMENTS = 32;

  private final String id;
  private final Principal principal;
  private final DuckDbEngine engine;
  private final DuckDBConnection connection;
  private final Semaphore connectionFree = new Semaphore(1, true);
  private final Map<String, PreparedQuery> preparedQueries = new ConcurrentHashMap<>();
  private final PlanCache planCache = new PlanCache(PLAN_CACHE_CAPACITY);
  private final ReusableStatements reusableStatements = new ReusableStatements(REUSABLE_STATEMENTS);
  private volatile boolean inTransaction;
  private volatile String currentSchema;
  private volatile long lastUsedNanos = System.nanoTime();
  private final long openedAtMillis = System.currentTimeMillis();
  private volatile Duration queryTimeout;
  private volatile Duration queueWait = Duration.ZERO;
  private volatile boolean closed;

  Session(String id, Principal principal, DuckDbEngine engine) {
    this.id = id;
    this.principal = principal;
    this.engine = engine;
    this.connection = engine.connect();
    this.currentSchema = readCurrentSchema(connection);
  }

  public String id() {
    return id;
  }

  /** The user the session belongs to; its role decides which statements the session may run. */
  public Principal principal() {
    return principal;
  }

  /** Leases a connection for one statement; waits at most {@code busyWait} when the session is in a transaction. */
  public ConnectionLease lease(Duration busyWait) {
    return lease(busyWait, inTransaction);
  }

  /**
   * Leases the session's own connection, never a spare, waiting at most {@code busyWait}: for work whose effect must
   * stay with the session, such as creating a temporary table.
   */
  public ConnectionLease leaseOwnConnection(Duration busyWait) {
    return lease(busyWait, true);
  }

  private ConnectionLease lease(Duration busyWait, boolean ownConnection) {
    ensureOpen();
    touch();
    engine.refreshCatalog();
    if (connectionFree.tryAcquire()) {
      return new ConnectionLease(connection, this::releasePrimary);
    }
    if (!ownConnection) {
      DuckDBConnection spare = spareConnection();
      return new ConnectionLease(spare, () -> closeQuietly(spare));
    }
    try {
      if (connectionFree.tryAcquire(busyWait.toMillis(), TimeUnit.MILLISECONDS)) {
        ensureOpen();
        return new ConnectionLease(connection, this::releasePrimary);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    throw new EngineException(ErrorKind.FAILED_PRECONDITION, "session " + id + " is busy: another statement of its"
        + (inTransaction ? " open transaction" : "") + " is still streaming on its connection; read or close that"
        + " result first");
  }

  /** A new connection to the session's database, set to its current schema; the caller closes it. */
  DuckDBConnection spareConnection() {
    DuckDBConnection spare = engine.connect();
    useSchema(spare, currentSchema);
    return spare;
  }

  /** Marks whether a transaction is open on this session's connection. */
  public void setInTransaction(boolean value) {
    this.inTransaction = value;
  }

  public boolean inTransaction() {
    return inTransaction;
  }

  /**
   * Remembers the current catalog and schema after a statement run on {@code lease} changed them. Prepared
   * statements bound under the old ones are not reused.
   */
  public void currentSchemaChanged(ConnectionLease lease) {
    refreshCurrentSchema(lease.connection());
    if (lease.connection() == connection) {
      reusableStatements.clear();
    }
  }

  /** Remembers that SQL text (BEGIN, COMMIT, ...) opened or ended a transaction on the session's connection. */
  void noteSqlTransaction(DuckDBConnection used, boolean open) {
    if (used == connection) {
      inTransaction = open;
    }
  }

  /** The plan cache of the leased connection: the session's own, or one that keeps nothing for a spare. */
  PlanCache planCache(ConnectionLease lease) {
    return lease.connection() == connection ? planCache : PlanCache.NONE;
  }

  /** The reusable statements of the leased connection: the session's own, or none for a spare. */
  ReusableStatements reusableStatements(ConnectionLease lease) {
    return lease.connection() == connection ? reusableStatements : ReusableStatements.NONE;
  }

  /** Remembers the connection's current catalog and schema after a statement that may have changed them. */
  void refreshCurrentSchema(DuckDBConnection used) {
    if (used == connection) {
      currentSchema = readCurrentSchema(connection);
    }
  }

  public void addPreparedQuery(PreparedQuery query) {
    ensureOpen();
    preparedQueries.put(query.handle(), query);
  }

  public Optional<PreparedQuery> preparedQuery(String handle) {
    return Optional.ofNullable(preparedQueries.get(handle));
  }

  public boolean removePreparedQuery(String handle) {
    return preparedQueries.remove(handle) != null;
  }

  /** Remembers how long the session's statement starting now waited in the statement queue (or gave up waiting). */
  void noteQueueWait(Duration waited) {
    queueWait = waited;
  }

  /**
   * How long the session's last statement waited in the statement queue, once: the door's trace of that statement
   * takes it for the query log (a session runs its statements one after another, but for a client reading two
   * results at once, whose second statement is never queued).
   */
  public Duration takeQueueWait() {
    Duration waited = queueWait;
    queueWait = Duration.ZERO;
    return waited;
  }

  /** The query timeout this session asked for, or null for the server's default (see {@link QueryTimeouts}). */
  public Duration queryTimeout() {
    return queryTimeout;
  }

  public void setQueryTimeout(Duration timeout) {
    this.queryTimeout = timeout;
  }

  public void touch() {
    lastUsedNanos = System.nanoTime();
  }

  /** When the session was opened, in epoch milliseconds. */
  public long openedAtMillis() {
    return openedAtMillis;
  }

  /** How long ago the session last started a statement. */
  public Duration idleFor() {
    return Duration.ofNanos(System.nanoTime() - lastUsedNanos);
  }

  public boolean idleLongerThan(Duration idle) {
    return System.nanoTime() - lastUsedNanos > idle.toNanos() && connectionFree.availablePermits() == 1;
  }

  public boolean isClosed() {
    return closed;
  }

  private void ensureOpen() {
    if (closed) {
      throw new EngineException(ErrorKind.NOT_FOUND, "session " + id + " is closed");
    }
  }

  private void releasePrimary() {
    connectionFree.release();
  }

  /** Rolls back an open transaction and closes the connection; statements still streaming are interrupted. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    preparedQueries.clear();
    reusableStatements.close();
    closeQuietly(connection);
    log.debug("session {} closed", id);
  }

  private static String readCurrentSchema(DuckDBConnection connection) {
    try (Statement statement = connection.createStatement();
         ResultSet rs = statement.executeQuery("SELECT current_database(), current_schema()")) {
      rs.next();
      return SqlIdentifiers.quote(rs.getString(1)) + "." + SqlIdentifiers.quote(rs.getString(2));
    } catch (SQLException e) {
      throw DuckDbErrors.translate(e);
    }
  }

  private static void useSchema(DuckDBConnection connection, String qualifiedSchema) {
    try (Statement statement = connection.createStatement()) {
      statement.execute("USE " + qualifiedSchema);
    } catch (SQLException e) {
      closeQuietly(connection);
      throw DuckDbErrors.translate(e);
    }
  }

  private static void closeQuietly(DuckDBConnection connection) {
    try {
      connection.close();
    } catch (SQLException e) {
      log.debug("closing a DuckDB connection failed: {}", e.getMessage());
    }
  }
}
