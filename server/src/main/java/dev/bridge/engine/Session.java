package dev.bridge.engine;

import dev.bridge.config.ResultCompression;
import dev.bridge.identity.Principal;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
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
 *
 * <p>All work on the connection goes through a {@link UnitOfWork} ({@link #work}), which holds the lease, chooses
 * the connection and the transaction, and is the only code that changes whether a transaction is open.
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
  private final Supplier<Duration> busyWait;
  /** Whether a transaction is open on the own connection; written only by {@link UnitOfWork}. */
  private volatile boolean transactionOpen;
  /** What the open transaction wrote so far: published to the data versions when it commits. */
  private Writes transactionWrites = Writes.NONE;
  private volatile CurrentSchema currentSchema;
  /**
   * The current catalog and schema while they belong to another engine ({@link RemoteEngine}, Spark): the session's
   * statements then go to that engine. Null while they are DuckDB's; the DuckDB connection keeps its own meanwhile.
   */
  private volatile CurrentSchema remoteSchema;
  /** What other engines hold for this session (a Spark session), released when it closes. */
  private final List<Runnable> onClose = new CopyOnWriteArrayList<>();
  /** The schema the session started in: names resolve the same way on another node only while it is current. */
  private final CurrentSchema openingSchema;
  private volatile long lastUsedNanos = System.nanoTime();
  private final long openedAtMillis = System.currentTimeMillis();
  private volatile Duration queryTimeout;
  private volatile Duration queueWait = Duration.ZERO;
  /** The result compression this session chose (Flight session option), or null for the call's or server's. */
  private volatile ResultCompression resultCompression;
  private volatile boolean closed;
  /** Whether this session asked for its queries to bypass the result cache (the option x-bridge-cache: off). */
  private volatile boolean cacheOff;
  /** The scope part of this session's result-cache keys, and the count of commands run when it was read. */
  private volatile CacheScope cacheScope;

  /** What of the session's state can change a query's answer: read from its connection, valid until a command ran. */
  record CacheScope(String key, long commandsRun) {}

  private static final String SCOPE_SQL = "SELECT current_database(), current_schema(), current_setting('search_path'),"
      + " (SELECT coalesce(string_agg(name || '=' || CAST(value AS VARCHAR), chr(10) ORDER BY name), '')"
      + " FROM duckdb_variables())";

  Session(String id, Principal principal, DuckDbEngine engine, Supplier<Duration> busyWait) {
    this.id = id;
    this.principal = principal;
    this.engine = engine;
    this.busyWait = busyWait;
    this.connection = engine.connect();
    this.currentSchema = readCurrentSchema(connection);
    this.openingSchema = currentSchema;
  }

  public String id() {
    return id;
  }

  /** The user the session belongs to; its role decides which statements the session may run. */
  public Principal principal() {
    return principal;
  }

  /**
   * Starts a piece of work on a connection of this session: the own one, or a spare one when the own is busy and no
   * transaction is open. A busy own connection is waited for at most {@code sessions.busy_wait}.
   */
  public UnitOfWork work(UnitOfWork.Mode mode) {
    return work(mode, false, busyWait.get());
  }

  /**
   * Starts a piece of work on the session's own connection, never a spare, waiting for it at most
   * {@code sessions.busy_wait}: for work whose effect must stay with the session, such as creating a temporary table
   * or controlling its transaction.
   */
  public UnitOfWork workOnOwnConnection(UnitOfWork.Mode mode) {
    return work(mode, true, busyWait.get());
  }

  /** Work on the own connection only if it is free now; for housekeeping that must never wait for a client. */
  UnitOfWork workIfIdle() {
    return work(UnitOfWork.Mode.AUTO_COMMIT, true, Duration.ZERO);
  }

  private UnitOfWork work(UnitOfWork.Mode mode, boolean ownConnection, Duration wait) {
    ensureOpen();
    touch();
    engine.refreshCatalog();
    if (connectionFree.tryAcquire()) {
      return new UnitOfWork(this, connection, true, this::releasePrimary, mode);
    }
    if (!ownConnection && !transactionOpen) {
      DuckDBConnection spare = spareConnection();
      return new UnitOfWork(this, spare, false, () -> closeQuietly(spare), mode);
    }
    try {
      if (connectionFree.tryAcquire(wait.toMillis(), TimeUnit.MILLISECONDS)) {
        if (closed) {
          connectionFree.release();
          ensureOpen();
        }
        return new UnitOfWork(this, connection, true, this::releasePrimary, mode);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    throw new EngineException(ErrorKind.FAILED_PRECONDITION, "session " + id + " is busy: another statement of its"
        + (transactionOpen ? " open transaction" : "") + " is still streaming on its connection; read or close that"
        + " result first");
  }

  /** A new connection to the session's database, set to its current schema; the caller closes it. */
  DuckDBConnection spareConnection() {
    DuckDBConnection spare = engine.connect();
    useSchema(spare, currentSchema.sql());
    return spare;
  }

  /**
   * The session's current catalog and schema: the one source of them (catalog reads, table paths, GetSessionOptions,
   * spare connections). Read again from the own connection after every statement that may change it ({@code USE},
   * {@code SET schema}: commands) and after a SetSessionOptions catalog or schema.
   */
  public CurrentSchema currentSchema() {
    CurrentSchema remote = remoteSchema;
    return remote != null ? remote : currentSchema;
  }

  /** The current catalog and schema when another engine owns them ({@link #currentSchema()}); empty for DuckDB's. */
  public Optional<CurrentSchema> remoteSchema() {
    return Optional.ofNullable(remoteSchema);
  }

  /** Makes another engine's catalog and schema current ({@code schema}), or DuckDB's again ({@code null}). */
  public void useRemote(CurrentSchema schema) {
    this.remoteSchema = schema;
  }

  /** Runs {@code release} once, when the session closes (another engine's state kept for it). */
  public void onClose(Runnable release) {
    onClose.add(release);
  }

  /** Whether the current schema is still the one the session opened in (no {@code USE} moved it). */
  public boolean inOpeningSchema() {
    return currentSchema.equals(openingSchema);
  }

  /** Whether a transaction is open on this session's connection (BeginTransaction, or SQL BEGIN). */
  public boolean inTransaction() {
    return transactionOpen;
  }

  boolean transactionOpen() {
    return transactionOpen;
  }

  DuckDbEngine engine() {
    return engine;
  }

  synchronized void transactionBegun() {
    transactionOpen = true;
    transactionWrites = Writes.NONE;
  }

  /** What the open transaction wrote so far (none without one). */
  synchronized Writes transactionWrites() {
    return transactionWrites;
  }

  synchronized void transactionWrote(Writes writes) {
    transactionWrites = transactionWrites.plus(writes);
  }

  /** The transaction ended; a committed one's writes move the data versions. */
  void transactionEnded(boolean committed) {
    Writes written;
    synchronized (this) {
      transactionOpen = false;
      written = transactionWrites;
      transactionWrites = Writes.NONE;
    }
    if (committed) {
      engine.dataVersions().changed(written);
    }
  }

  /**
   * Remembers the current catalog and schema after a statement run by {@code work} changed them. Prepared
   * statements bound under the old ones are not reused.
   */
  public void currentSchemaChanged(UnitOfWork work) {
    if (work.onOwnConnection()) {
      currentSchema = readCurrentSchema(connection);
      reusableStatements.clear();
      cacheScope = null;
    }
  }

  /**
   * The session's scope for result-cache keys (current catalog and schema, search path, variables), if it was read
   * after the last command that ran on any session; null when it must be read again ({@link #readCacheScope}).
   */
  String cacheScope(long commandsRun) {
    CacheScope scope = cacheScope;
    return scope != null && scope.commandsRun() == commandsRun ? scope.key() : null;
  }

  /** Reads the scope from the session's own connection, which {@code work} holds. */
  String readCacheScope(UnitOfWork work, long commandsRun) {
    if (!work.onOwnConnection()) {
      throw new IllegalStateException("the cache scope is read from the session's own connection");
    }
    try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(SCOPE_SQL)) {
      rs.next();
      String key = rs.getString(1) + '\0' + rs.getString(2) + '\0' + rs.getString(3) + '\0' + rs.getString(4);
      cacheScope = new CacheScope(key, commandsRun);
      return key;
    } catch (SQLException e) {
      throw DuckDbErrors.translate(e);
    }
  }

  /** A statement may have changed the scope without being a command (a text of several statements). */
  void cacheScopeMayHaveChanged() {
    cacheScope = null;
  }

  /** Whether the session asked to bypass the result cache. */
  public boolean cacheOff() {
    return cacheOff;
  }

  public void setCacheOff(boolean off) {
    this.cacheOff = off;
  }

  /** The plan cache of the work's connection: the session's own, or one that keeps nothing for a spare. */
  PlanCache planCache(UnitOfWork work) {
    return work.onOwnConnection() ? planCache : PlanCache.NONE;
  }

  /** The reusable statements of the work's connection: the session's own, or none for a spare. */
  ReusableStatements reusableStatements(UnitOfWork work) {
    return work.onOwnConnection() ? reusableStatements : ReusableStatements.NONE;
  }

  /** Remembers the connection's current catalog and schema after a statement that may have changed them. */
  void refreshCurrentSchema(UnitOfWork work) {
    if (work.onOwnConnection()) {
      currentSchema = readCurrentSchema(connection);
      cacheScope = null;
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

  /** The compression this session asked for its results, if it chose one. */
  public Optional<ResultCompression> resultCompression() {
    return Optional.ofNullable(resultCompression);
  }

  public void setResultCompression(ResultCompression compression) {
    this.resultCompression = compression;
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
    for (Runnable release : onClose) {
      try {
        release.run();
      } catch (RuntimeException e) {
        log.warn("releasing what another engine kept for session {} failed: {}", id, e.toString());
      }
    }
    log.debug("session {} closed", id);
  }

  private static CurrentSchema readCurrentSchema(DuckDBConnection connection) {
    try (Statement statement = connection.createStatement();
         ResultSet rs = statement.executeQuery("SELECT current_database(), current_schema()")) {
      rs.next();
      return new CurrentSchema(rs.getString(1), rs.getString(2));
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
