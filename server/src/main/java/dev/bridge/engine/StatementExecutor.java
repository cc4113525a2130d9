package dev.bridge.engine;

import java.io.IOException;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.Schema;
import org.duckdb.DuckDBConnection;
import org.duckdb.DuckDBPreparedStatement;
import org.duckdb.DuckDBResultSet;

/** Plans and runs statements on sessions: the one execution path both doors (Flight, HTTP) call. */
public final class StatementExecutor {
  /**
   * The threads DuckDB's results are exported on, ahead of their readers ({@link BatchPrefetch}): one busy per
   * streaming result at most, and none while a result's read-ahead is full, so a cached pool (threads are made when
   * more results stream at once and end after a minute idle).
   */
  private static final ExecutorService EXPORTS = Executors.newCachedThreadPool(DaemonThreads.named("bridge-export"));

  private final StatementPlanner planner;
  private final BufferAllocator allocator;
  private final QueryTimeouts timeouts;
  private final StatementQueue queue;
  private final AccessPolicy access;
  /** The result cache, or null for an executor without one. */
  private final ResultCache cache;
  /**
   * Plans made recently where the cache applies, with where they would be cached: the first result recorded with
   * one keeps it beside the result ({@link #plan(Session, String, boolean)}). Plans compare by value, so an equal
   * plan made later only brings its mark forward.
   */
  private final Map<StatementPlan, ResultCache.PlannedStatement> planned = PlanCache.leastRecentlyUsed(PLANS_REMEMBERED);
  private static final int PLANS_REMEMBERED = 1024;
  /** The engines a session's statements go to instead of DuckDB while its current catalog is theirs. */
  private final RemoteEngines remotes;
  /** DuckDB's consistent built-in functions, read once when the cache first needs them. */
  private volatile Set<String> consistentFunctions;

  /** An executor without a result cache. */
  public StatementExecutor(BufferAllocator allocator, QueryTimeouts timeouts, StatementQueue queue,
      AccessPolicy access) {
    this(allocator, timeouts, queue, access, null);
  }

  public StatementExecutor(BufferAllocator allocator, QueryTimeouts timeouts, StatementQueue queue,
      AccessPolicy access, ResultCache cache) {
    this(allocator, timeouts, queue, access, cache, RemoteEngines.NONE);
  }

  public StatementExecutor(BufferAllocator allocator, QueryTimeouts timeouts, StatementQueue queue,
      AccessPolicy access, ResultCache cache, RemoteEngines remotes) {
    this.remotes = remotes;
    this.planner = new StatementPlanner(allocator, timeouts);
    this.allocator = allocator;
    this.timeouts = timeouts;
    this.queue = queue;
    this.access = access;
    this.cache = cache;
  }

  /** The Arrow bytes the result cache holds now (0 without one). */
  public long resultCacheBytes() {
    return cache == null ? 0 : cache.allocatedBytes();
  }

  public QueryTimeouts timeouts() {
    return timeouts;
  }

  /**
   * Plans {@code sql} once the session's role is allowed to run it (checked before DuckDB prepares anything). While
   * the session's current catalog is another engine's ({@link RemoteEngine}), that engine plans it instead.
   */
  public StatementPlan plan(Session session, String sql) {
    return plan(session, sql, true);
  }

  /**
   * Like {@link #plan(Session, String)}; with {@code useCache} (the call did not send {@code x-bridge-cache: off}),
   * a query whose result the cache holds is answered with the plan kept beside it, without DuckDB: clients that
   * plan every statement they run (the JDBC driver prepares each one) then pay nothing on a hit.
   */
  public StatementPlan plan(Session session, String sql, boolean useCache) {
    Optional<RemoteEngine> remote = remotes.ofSession(session);
    Optional<UseStatement> use = remotes.all().isEmpty() ? Optional.empty() : UseStatement.of(sql);
    if (use.isPresent()) {
      // USE decides the engine itself: USE spark[.db] from any session goes to Spark, USE of a DuckDB catalog from a
      // Spark session goes back to DuckDB (both run when executed, as any USE does).
      Optional<RemoteEngine> named = remotes.owning(use.get().first());
      if (named.isPresent()) {
        return planRemote(session, named.get(), sql);
      }
      if (remote.isPresent() && duckDbCatalogs(session).stream().noneMatch(use.get().first()::equalsIgnoreCase)) {
        return planRemote(session, remote.get(), sql);
      }
    } else if (remote.isPresent()) {
      return planRemote(session, remote.get(), sql);
    }
    try {
      return planOnDuckDb(session, sql, useCache);
    } catch (EngineException e) {
      throw remotes.all().isEmpty() ? e : mixedIfRemoteCatalog(e);
    }
  }

  /**
   * DuckDB's refusal of a statement that names another engine's catalog ({@code spark.default.t}) says only that
   * DuckDB has no such catalog: it is reported as the mixing of engines it is, saying how to reach that catalog.
   */
  private EngineException mixedIfRemoteCatalog(EngineException e) {
    String message = e.getMessage() == null ? "" : e.getMessage().toLowerCase(java.util.Locale.ROOT);
    for (RemoteEngine engine : remotes.all()) {
      // DuckDB names what it did not find quoted: catalog "spark", schema "spark" (spark.t), "spark.default..." .
      String name = engine.catalog().toLowerCase(java.util.Locale.ROOT);
      if (message.contains("does not exist") && (message.contains("catalog \"" + name + "\"")
          || message.contains("schema \"" + name + "\"") || message.contains("\"" + name + "."))) {
        return new EngineException(ErrorKind.INVALID_ARGUMENT, "the statement names '" + engine.catalog()
            + "', the catalog " + engine.name() + " serves, in a session whose catalog is DuckDB's; a statement runs"
            + " on one engine and cannot mix DuckDB and " + engine.name() + " objects (run USE " + engine.catalog()
            + ", or set the session's catalog to '" + engine.catalog() + "', to send statements to "
            + engine.name() + ")", e);
      }
    }
    return e;
  }

  private StatementPlan planOnDuckDb(Session session, String sql, boolean useCache) {
    PlanContext context = planContext(session, sql, useCache);
    if (context != null) {
      session.engine().refreshFully(cache.fileDatasetsOf(context.key()));
      Optional<StatementPlan> known = cache.plan(context.key(), context.commandsRun());
      if (known.isPresent()) {
        return known.get();
      }
    }
    StatementEffects effects;
    try (UnitOfWork work = session.work(UnitOfWork.Mode.AUTO_COMMIT)) {
      StatementText text = new StatementText(work.connection(), sql);
      access.checkStatement(session.principal(), text);
      effects = effectsOf(session, text);
      if (!effects.severalStatements() || work.onOwnConnection()) {
        return planDescribed(session, sql, effects, work, context);
      }
    }
    // Planning a text of several statements runs all but the last, and keeps the last one prepared for the
    // execution to run (ReusableStatements): on the session's own connection, where the execution looks for it.
    try (UnitOfWork work = session.workOnOwnConnection(UnitOfWork.Mode.AUTO_COMMIT)) {
      return planDescribed(session, sql, effects, work, context);
    }
  }

  /** Plans {@code sql}, whose role check passed and whose effects are described, in {@code work}. */
  private StatementPlan planDescribed(Session session, String sql, StatementEffects effects, UnitOfWork work,
      PlanContext context) {
    if (effects.severalStatements()) {
      // Preparing the text runs all its statements but the last, each committing as it runs under auto-commit:
      // their tables (every table, for writes DuckDB cannot name) are marked in flight before anything runs, so
      // that no reader checking its data versions meanwhile takes the new rows for old ones; the writes are
      // published when this work ends, also when preparing fails half-way. A SET or USE among them may change
      // the session's scope.
      work.running(effects);
      work.wrote(effects.writes());
      session.cacheScopeMayHaveChanged();
    }
    StatementPlan plan = planner.plan(session, work, sql, effects, session.planCache(work),
        session.reusableStatements(work));
    if (effects.severalStatements()) {
      // Read again once they ran: a reader of the scope may have come in between.
      session.cacheScopeMayHaveChanged();
    } else if (context != null && planner.commandsRun() == context.commandsRun() && plan.kind().returnsRows()
        && plan.effects().writes().none()) {
      synchronized (planned) {
        planned.put(plan, context.at(plan));
      }
    }
    return plan;
  }

  /**
   * What running {@code text} does besides returning rows, known before DuckDB prepares it. A reader's statements
   * are DuckDB queries (its access check admits nothing else) and run read-only, so they write nothing; a writer's
   * text is described by DuckDB ({@code INSERT ... RETURNING} and DML inside a CTE return rows too).
   */
  private static StatementEffects effectsOf(Session session, StatementText text) {
    return session.principal().role().mayWrite() ? StatementEffects.of(text) : StatementEffects.NONE;
  }

  /**
   * Where a plan made now would be cached (empty when the cache does not apply or the session's scope is not known
   * yet), with the data-version mark taken before DuckDB plans it: the plan reflects every change before the mark.
   */
  private PlanContext planContext(Session session, String sql, boolean useCache) {
    if (cache == null || !useCache || session.cacheOff() || !cache.enabled() || session.inTransaction()) {
      return null;
    }
    long commandsRun = planner.commandsRun();
    // File datasets whose files changed move their versions now, before the cache is asked.
    session.engine().refreshCatalog();
    String scope = session.cacheScope(commandsRun);
    return scope == null ? null : new PlanContext(new ResultCache.PlanKey(sql, scope, session.principal().role()),
        session.engine().dataVersions().mark(), commandsRun);
  }

  private record PlanContext(ResultCache.PlanKey key, DataVersions.Mark mark, long commandsRun) {
    ResultCache.PlannedStatement at(StatementPlan plan) {
      return new ResultCache.PlannedStatement(key, plan, mark, commandsRun);
    }
  }

  /**
   * Another engine's plan of {@code sql}. That engine classifies the statement without running it; a statement that
   * is not a query needs a role that may write (readers run queries only), checked before anything runs.
   */
  private StatementPlan planRemote(Session session, RemoteEngine engine, String sql) {
    StatementPlan plan = engine.plan(session, sql, duckDbCatalogs(session));
    // Changing the current catalog or schema changes nothing: readers may USE.
    if (!plan.kind().returnsRows() && UseStatement.of(sql).isEmpty()) {
      access.checkWrite(session.principal(), "run a " + engine.name() + " statement that is not a query");
    }
    return plan;
  }

  /** The names of DuckDB's catalogs as the session sees them (attached databases included). */
  private static List<String> duckDbCatalogs(Session session) {
    try (UnitOfWork work = session.work(UnitOfWork.Mode.AUTO_COMMIT);
         java.sql.Statement statement = work.connection().createStatement();
         java.sql.ResultSet rows = statement.executeQuery("SELECT database_name FROM duckdb_databases()")) {
      List<String> catalogs = new java.util.ArrayList<>();
      while (rows.next()) {
        catalogs.add(rows.getString(1));
      }
      return catalogs;
    } catch (SQLException e) {
      throw DuckDbErrors.translate(e);
    }
  }

  /** The engines besides DuckDB statements may go to. */
  public RemoteEngines remotes() {
    return remotes;
  }

  /**
   * Whether {@code plan} is a query that reads nothing but files ({@link FileReads}): another node that sees the
   * same files answers it with the same rows. A statement that writes, or reads a table, is this node's alone.
   */
  public boolean readsOnlyFiles(Session session, StatementPlan plan) {
    if (!plan.onDuckDb() || !plan.kind().returnsRows() || !plan.effects().writes().none() || plan.effects().severalStatements()) {
      return false;
    }
    try (UnitOfWork work = session.work(UnitOfWork.Mode.AUTO_COMMIT)) {
      return FileReads.only(work.connection(), plan.sql());
    } catch (EngineException e) {
      return false;
    }
  }

  /** The exact schema the query's stream will have with these parameter values; checks they are all bound. */
  public Schema describe(Session session, StatementPlan plan, List<Object> parameters) {
    requireParameters(plan, parameters);
    if (!plan.schemaDependsOnParameters()) {
      return plan.resultSchema();
    }
    Optional<RemoteEngine> remote = remotes.of(plan);
    if (remote.isPresent()) {
      return remote.get().describe(session, plan, parameters);
    }
    try (UnitOfWork work = session.work(UnitOfWork.Mode.AUTO_COMMIT)) {
      return planner.describe(session, work, plan, parameters);
    }
  }

  /**
   * Starts a query and returns its stream; the caller must close it. Batches hold up to {@code batchRows} rows. A
   * reader's query runs in a DuckDB read-only transaction (ended with the stream), so DuckDB itself refuses the
   * writes a query can hide, such as {@code nextval()}. The result cache is used unless the session turned it off.
   */
  public ResultStream openQuery(Session session, StatementPlan plan, List<Object> parameters, int batchRows) {
    return openQuery(session, plan, parameters, batchRows, new Cancellation(), true);
  }

  /**
   * Like {@link #openQuery(Session, StatementPlan, List, int)}, stopped by {@code cancellation} whenever it is
   * cancelled: while DuckDB computes before the first batch, or later while the stream is read. With
   * {@code useCache} false (the call's {@code x-bridge-cache: off}), DuckDB computes the result and it is not kept.
   */
  public ResultStream openQuery(Session session, StatementPlan plan, List<Object> parameters, int batchRows,
      Cancellation cancellation, boolean useCache) {
    return open(session, plan, parameters, batchRows, cancellation, UnitOfWork.Mode.READ_ONLY_FOR_READERS,
        connection -> { }, useCache);
  }

  /** A check on the connection a query runs on, inside its transaction, before the query starts. */
  @FunctionalInterface
  public interface Precondition {
    /** Throws (an {@link EngineException} naming what failed) when the query must not run. */
    void check(DuckDBConnection connection) throws SQLException;
  }

  /**
   * Like {@link #openQuery(Session, StatementPlan, List, int, Cancellation, boolean)} for a query without parameters
   * that only reads, run in a read-only transaction whatever the role, after {@code precondition} passed in that
   * same transaction: what the check reads and what the query streams come from one DuckDB snapshot. Never from the
   * result cache: the precondition must see the data the stream is computed from.
   */
  public ResultStream openChecked(Session session, StatementPlan plan, int batchRows, Cancellation cancellation,
      Precondition precondition) {
    if (!plan.effects().writes().none()) {
      throw new IllegalArgumentException("a checked query only reads");
    }
    return open(session, plan, List.of(), batchRows, cancellation, UnitOfWork.Mode.READ_ONLY, precondition, false);
  }

  private ResultStream open(Session session, StatementPlan plan, List<Object> parameters, int batchRows,
      Cancellation cancellation, UnitOfWork.Mode mode, Precondition precondition, boolean useCache) {
    requireParameters(plan, parameters);
    Optional<RemoteEngine> remote = remotes.of(plan);
    if (remote.isPresent()) {
      return openRemote(session, remote.get(), plan, parameters, cancellation);
    }
    Optional<CacheLookup> lookup = cacheLookup(session, plan, parameters, batchRows, useCache);
    ResultCache.Lead lead = null;
    if (lookup.isPresent() && lookup.get().key() != null) {
      // A cached answer needs neither the session's connection nor a place in the statement queue; nor does
      // waiting for the same query another caller is computing now.
      ResultCache.Key key = lookup.get().key();
      session.engine().refreshFully(cache.fileDatasetsOf(key));
      ResultCache.Miss miss = cache.replayOrLead(key, allocator, cancellation, plannedFor(plan, key.scope()),
          followerWait(session));
      if (miss.replay().isPresent()) {
        return miss.replay().get();
      }
      lead = miss.lead();
    }
    try {
      return compute(session, plan, parameters, batchRows, cancellation, mode, precondition, lookup, lead);
    } catch (RuntimeException e) {
      if (lead != null) {
        lead.end();
      }
      throw e;
    }
  }

  /**
   * Starts another engine's query as DuckDB's start: after its place in the statement queue, timed by the session's
   * query timeout (expiry interrupts the engine's operation, before its first batch too); both last until the stream
   * is closed.
   */
  private ResultStream openRemote(Session session, RemoteEngine engine, StatementPlan plan, List<Object> parameters,
      Cancellation cancellation) {
    StatementQueue.Permit permit = queue.admit(session, () -> false);
    QueryTimeouts.Watch watch = timeouts.start(session, cancellation::cancel);
    try {
      return new RemoteResultStream(engine.open(session, plan, parameters, cancellation), watch, permit);
    } catch (RuntimeException e) {
      watch.close();
      permit.close();
      throw e instanceof EngineException failure && watch.expired() ? watch.exceeded(failure) : e;
    }
  }

  /**
   * Runs another engine's statement that returns no rows, once per parameter row (not atomically: the engine has no
   * transaction spanning them), in its place in the statement queue and under the session's query timeout.
   */
  private void executeRemote(Session session, RemoteEngine engine, StatementPlan plan,
      List<List<Object>> parameterRows, Cancellation cancellation) {
    try (StatementQueue.Permit permit = queue.admit(session, () -> false);
         QueryTimeouts.Watch watch = timeouts.start(session, cancellation::cancel)) {
      try {
        for (List<Object> row : parameterRows) {
          engine.execute(session, plan, row, cancellation);
        }
      } catch (EngineException e) {
        throw watch.expired() ? watch.exceeded(e) : e;
      }
    }
  }

  /**
   * How long a miss waits for the same query another caller computes: the session's query timeout (the wait is
   * part of the query's time), at most {@link #FOLLOWER_WAIT_MAX}; it then computes for itself.
   */
  private Duration followerWait(Session session) {
    Duration timeout = timeouts.timeoutOf(session);
    return timeout.isZero() || timeout.compareTo(FOLLOWER_WAIT_MAX) > 0 ? FOLLOWER_WAIT_MAX : timeout;
  }

  private static final Duration FOLLOWER_WAIT_MAX = Duration.ofSeconds(60);

  /**
   * Computes a query with DuckDB (the cache missed or does not apply), recording its result when the cache may keep
   * it; {@code lead}, when set, ends when the recording does (or at once when nothing is recorded).
   */
  private ResultStream compute(Session session, StatementPlan plan, List<Object> parameters, int batchRows,
      Cancellation cancellation, UnitOfWork.Mode mode, Precondition precondition, Optional<CacheLookup> lookup,
      ResultCache.Lead lead) {
    // Taken before the query's DuckDB transaction begins: what it reads is at least as new as this mark.
    DataVersions.Mark mark = session.engine().dataVersions().mark();
    // A text of several statements runs its last as its planning left it prepared on the session's own connection.
    UnitOfWork work = plan.effects().severalStatements() ? session.workOnOwnConnection(mode) : session.work(mode);
    TypedNulls.Rewrite rewrite;
    String sql;
    ResultCache.Key recordAs = null;
    QueryDependencies dependencies = null;
    try {
      rewrite = planner.withTypedNulls(work.connection(), plan.executableSql(), parameters);
      sql = rewrite.sql();
      if (lookup.isPresent() && work.onOwnConnection() && !work.inSessionTransaction()) {
        ResultCache.Key key = lookup.get().key() != null ? lookup.get().key()
            : lookup.get().withScope(session.readCacheScope(work, planner.commandsRun()));
        if (lookup.get().key() == null) {
          session.engine().refreshFully(cache.fileDatasetsOf(key));
          Optional<ResultStream> hit = cache.replay(key, allocator, cancellation, plannedFor(plan, key.scope()));
          if (hit.isPresent()) {
            work.close();
            return hit.get();
          }
        }
        long commandsRun = planner.commandsRun();
        if (!cache.knownUncacheable(sql, commandsRun)) {
          dependencies = QueryDependencies.of(work.connection(), sql, consistentFunctions(work),
              session.engine()::mirrorsFiles);
          recordAs = dependencies.cacheable() ? key : null;
          if (recordAs == null) {
            cache.rememberUncacheable(sql, commandsRun);
          }
        }
      }
      if (recordAs == null && lead != null) {
        // Nothing will be kept: the misses waiting for this one compute for themselves now, not after it.
        lead.end();
      }
      admit(work, session, sql);
      precondition.check(work.connection());
    } catch (SQLException e) {
      work.close();
      throw DuckDbErrors.translate(e);
    } catch (RuntimeException e) {
      work.close();
      throw e;
    }
    ReusableStatements reusable = session.reusableStatements(work);
    long commandsRun = planner.commandsRun();
    DuckDBPreparedStatement statement = null;
    SqlPreparedStatement typed = null;
    QueryTimeouts.Watch watch = null;
    try {
      // INSERT ... RETURNING writes while it streams, and preparing a text of several statements runs all but the
      // last: marked in flight before either; under auto-commit the writes count when the stream ends.
      work.running(plan.effects());
      work.wrote(plan.effects().writes());
      if (rewrite.throughExecute()) {
        // An EXECUTE names the statement DuckDB prepared for this run only: it is not kept for another.
        typed = SqlPreparedStatement.prepare(work.connection(), sql);
        statement = typed.execution(parameters, rewrite.executeCasts());
      } else {
        Optional<DuckDBPreparedStatement> kept = reusable.take(sql, commandsRun);
        statement = kept.isPresent() ? kept.get() : work.connection().prepare(sql);
        ParameterBinder.bind(statement, parameters);
      }
      watch = timeouts.start(session, statement);
      cancellation.attach(statement);
      DuckDBResultSet results = (DuckDBResultSet) statement.executeQuery();
      ArrowReader reader = (ArrowReader) results.arrowExportStream(allocator, batchRows);
      ResultStream computed = typed == null
          ? new DuckDbResultStream(work, statement, results, reader, allocator, EXPORTS, watch, cancellation,
              finished -> reusable.keep(sql, finished, commandsRun), () -> { })
          : new DuckDbResultStream(work, statement, results, reader, allocator, EXPORTS, watch, cancellation,
              ReusableStatements::closeQuietly, typed::close);
      if (recordAs == null) {
        if (lead != null) {
          lead.end();
        }
        return computed;
      }
      return cache.recording(computed, recordAs, dependencies, mark, plannedFor(plan, recordAs.scope()), lead,
          session.engine()::refreshFully);
    } catch (IOException e) {
      // DuckDB's Arrow stream could not give its schema.
      cancellation.detach();
      abandon(watch, statement, typed, work);
      throw new EngineException(ErrorKind.INTERNAL, "cannot read the result schema: " + e.getMessage(), e);
    } catch (SQLException e) {
      cancellation.detach();
      if (watch != null && watch.expired()) {
        abandon(watch, statement, typed, work);
        throw watch.exceeded(e);
      }
      if (cancellation.requested()) {
        abandon(watch, statement, typed, work);
        throw Cancellation.cancelled(e);
      }
      SQLException reported = LostErrors.isLost(e) ? LostErrors.recover(e, session, work, sql, parameters, timeouts)
          : e;
      abandon(watch, statement, typed, work);
      throw DuckDbErrors.translate(reported);
    } catch (RuntimeException e) {
      cancellation.detach();
      abandon(watch, statement, typed, work);
      throw e;
    }
  }

  /** Where {@code plan} would be cached beside its result, if it was made recently under the same scope. */
  private ResultCache.PlannedStatement plannedFor(StatementPlan plan, String scope) {
    ResultCache.PlannedStatement made;
    synchronized (planned) {
      made = planned.get(plan);
    }
    return made != null && made.key().scope().equals(scope) ? made : null;
  }

  /**
   * The number of rows of the cached answer to this query, if the cache holds a current one (GetFlightInfo
   * announces it as the total); counts neither a hit nor a miss.
   */
  public Optional<Long> cachedRows(Session session, StatementPlan plan, List<Object> parameters, int batchRows,
      boolean useCache) {
    Optional<CacheLookup> lookup = cacheLookup(session, plan, parameters, batchRows, useCache);
    if (lookup.isEmpty() || lookup.get().key() == null) {
      return Optional.empty();
    }
    session.engine().refreshFully(cache.fileDatasetsOf(lookup.get().key()));
    return cache.rows(lookup.get().key());
  }

  /**
   * What the cache is asked for this query: empty when the cache does not apply (off, inside a transaction,
   * parameters without value equality); a key without scope when the session's scope must be read first.
   */
  private Optional<CacheLookup> cacheLookup(Session session, StatementPlan plan, List<Object> parameters,
      int batchRows, boolean useCache) {
    // Another engine's data moves without DuckDB's data versions knowing: its answers are never kept.
    if (cache == null || !plan.onDuckDb() || !useCache || session.cacheOff() || !cache.enabled() || session.inTransaction()
        || plan.effects().severalStatements() || !plan.effects().writes().none()) {
      return Optional.empty();
    }
    Optional<List<Object>> parameterKey = ResultCache.parameterKey(parameters);
    if (parameterKey.isEmpty()) {
      return Optional.empty();
    }
    // File datasets whose files changed move their versions now, before the cache is asked.
    session.engine().refreshCatalog();
    String scope = session.cacheScope(planner.commandsRun());
    CacheLookup lookup = new CacheLookup(plan.executableSql(), parameterKey.get(), batchRows, null);
    return Optional.of(scope == null ? lookup : new CacheLookup(lookup.sql(), lookup.parameters(), batchRows,
        lookup.withScope(scope)));
  }

  /** A cache key in the making: the scope is added once the session's scope is known. */
  private record CacheLookup(String sql, List<Object> parameters, int batchRows, ResultCache.Key key) {
    ResultCache.Key withScope(String scope) {
      return new ResultCache.Key(sql, parameters, scope, batchRows);
    }
  }

  private Set<String> consistentFunctions(UnitOfWork work) {
    Set<String> known = consistentFunctions;
    if (known == null) {
      known = QueryDependencies.consistentFunctions(work.connection());
      consistentFunctions = known;
    }
    return known;
  }

  /**
   * Runs a statement that returns no rows once per parameter row (once when there are none) and returns the
   * number of rows it changed. Several executions form one atomic unit: they all apply or none does.
   */
  public long executeUpdate(Session session, StatementPlan plan, List<List<Object>> parameterRows) {
    return executeUpdate(session, plan, parameterRows, new Cancellation());
  }

  /** Like {@link #executeUpdate(Session, StatementPlan, List)}, interrupted by {@code cancellation}. */
  public long executeUpdate(Session session, StatementPlan plan, List<List<Object>> parameterRows,
      Cancellation cancellation) {
    List<List<Object>> rows = parameterRows.isEmpty() ? List.of(List.of()) : parameterRows;
    rows.forEach(row -> requireParameters(plan, row));
    Optional<RemoteEngine> remote = remotes.of(plan);
    if (remote.isPresent()) {
      executeRemote(session, remote.get(), plan, rows, cancellation);
      // Spark reports no count of changed rows. Not Flight SQL's -1 ("unknown"): the JDBC driver (Avatica) reads an
      // update count of -1 as "the statement returned a result set" and runs the statement again to fetch it.
      return 0;
    }
    StatementEffects effects = plan.effects();
    UnitOfWork.Mode mode = rows.size() > 1 ? UnitOfWork.Mode.ATOMIC : UnitOfWork.Mode.AUTO_COMMIT;
    // BEGIN, COMMIT and ROLLBACK (and texts DuckDB cannot plan, which may be one) act on the session's own
    // connection, even when they have to wait for it; so does a text of several statements, whose last statement
    // its planning left prepared there.
    try (UnitOfWork work = effects.transaction() != StatementEffects.TransactionEffect.NONE
        || effects.severalStatements() ? session.workOnOwnConnection(mode) : session.work(mode)) {
      if (!effects.controlsTransaction()) {
        // Transaction control takes no time, so it does not queue.
        admit(work, session, plan.executableSql());
      }
      boolean succeeded = false;
      try {
        long changed = 0;
        work.running(effects);
        String sql = plan.executableSql();
        SqlPreparedStatement typed = null;
        try (DuckDBPreparedStatement statement = preparedForUpdate(session, work, plan);
             QueryTimeouts.Watch watch = timeouts.start(session, statement)) {
          cancellation.attach(statement);
          try {
            for (List<Object> row : rows) {
              TypedNulls.Rewrite rewrite = planner.withTypedNulls(work.connection(), sql, row);
              if (!rewrite.throughExecute()) {
                ParameterBinder.bind(statement, row);
                changed += Math.max(0, statement.executeLargeUpdate());
                continue;
              }
              // Only the rows with a NULL DuckDB needs typed run through EXECUTE; DuckDB prepares it once.
              typed = typed != null ? typed : SqlPreparedStatement.prepare(work.connection(), sql);
              try (DuckDBPreparedStatement execution = typed.execution(row, rewrite.executeCasts())) {
                watch.watch(execution);
                cancellation.attach(execution);
                changed += Math.max(0, execution.executeLargeUpdate());
              } finally {
                watch.watch(statement);
                cancellation.attach(statement);
              }
            }
          } catch (SQLException e) {
            throw watch.expired() ? watch.exceeded(e)
                : cancellation.requested() ? Cancellation.cancelled(e) : DuckDbErrors.translate(e);
          } finally {
            cancellation.detach();
            if (typed != null) {
              typed.close();
            }
          }
        } catch (SQLException e) {
          throw DuckDbErrors.translate(e);
        }
        succeeded = true;
        work.ran(effects);
        work.commit();
        if (session.remoteSchema().isPresent() && UseStatement.of(plan.sql()).isPresent()) {
          // A USE of a DuckDB catalog planned in another engine's session: the session is DuckDB's again.
          session.useRemote(null);
        }
        return changed;
      } finally {
        if (!succeeded) {
          work.failed(effects);
        }
        if (plan.kind() == StatementKind.COMMAND) {
          planner.commandRan();
          session.refreshCurrentSchema(work);
        }
      }
    }
  }

  /**
   * The DuckDB statement an update runs: for a text of several statements, the last one as its planning left it
   * prepared (preparing the text again would run the others a second time); otherwise prepared now. Running the
   * planned text again (a prepared statement executed twice) prepares it again, and so runs all of it again.
   */
  private DuckDBPreparedStatement preparedForUpdate(Session session, UnitOfWork work, StatementPlan plan)
      throws SQLException {
    Optional<DuckDBPreparedStatement> kept = plan.effects().severalStatements()
        ? session.reusableStatements(work).take(plan.executableSql(), planner.commandsRun()) : Optional.empty();
    return kept.isPresent() ? kept.get() : work.connection().prepare(plan.executableSql());
  }

  /**
   * The statement queue's hook: waits for the statement's place (see {@link StatementQueue}) while holding the
   * work's connection; the place is given back when the work ends.
   */
  private void admit(UnitOfWork work, Session session, String sql) {
    work.holdUntilClosed(queue.admit(session, () -> SmallStatements.readsNoTable(work.connection(), sql)));
  }

  private static void requireParameters(StatementPlan plan, List<Object> parameters) {
    if (parameters.size() != plan.parameterCount()) {
      throw EngineException.invalidArgument("the statement takes " + plan.parameterCount() + " parameter(s) but "
          + parameters.size() + " were bound");
    }
  }

  private static void abandon(QueryTimeouts.Watch watch, DuckDBPreparedStatement statement,
      SqlPreparedStatement typed, UnitOfWork work) {
    if (watch != null) {
      watch.close();
    }
    try {
      if (statement != null) {
        statement.close();
      }
    } catch (SQLException ignored) {
      // The statement failed already; its error is the one reported.
    } finally {
      try {
        if (typed != null) {
          typed.close();
        }
      } finally {
        work.close();
      }
    }
  }
}
