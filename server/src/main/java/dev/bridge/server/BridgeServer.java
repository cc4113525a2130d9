package dev.bridge.server;

import dev.bridge.auth.Authenticator;
import dev.bridge.auth.StatementRoles;
import dev.bridge.cluster.ClusterTickets;
import dev.bridge.cluster.WorkerPool;
import dev.bridge.config.BridgeConfig;
import dev.bridge.config.ClusterRole;
import dev.bridge.config.ConfigWatcher;
import dev.bridge.datasets.DatasetRegistry;
import dev.bridge.engine.AccessPolicy;
import dev.bridge.engine.DaemonThreads;
import dev.bridge.engine.DuckDbEngine;
import dev.bridge.engine.RemoteEngines;
import dev.bridge.engine.FileTables;
import dev.bridge.engine.spark.SparkEngine;
import dev.bridge.engine.QueryTimeouts;
import dev.bridge.engine.ResultCache;
import dev.bridge.engine.StatementQueue;
import io.grpc.Context;
import dev.bridge.engine.SessionManager;
import dev.bridge.engine.StatementExecutor;
import dev.bridge.engine.TransactionManager;
import dev.bridge.engine.catalog.CatalogReader;
import dev.bridge.engine.partitions.PartitionPlanner;
import dev.bridge.flight.BridgeFlightSqlProducer;
import dev.bridge.flight.ClusterFlights;
import dev.bridge.flight.FlightTransport;
import dev.bridge.flight.PathFlights;
import dev.bridge.flight.SessionOptions;
import dev.bridge.flight.StatementCommands;
import dev.bridge.flight.TicketStore;
import dev.bridge.flight.metadata.CatalogMetadata;
import dev.bridge.flight.metadata.SqlInfos;
import dev.bridge.ingest.ArrowIngest;
import dev.bridge.metrics.BridgeMetrics;
import dev.bridge.metrics.Telemetry;
import dev.bridge.rest.ConsoleRoute;
import dev.bridge.rest.Cors;
import dev.bridge.rest.HealthRoute;
import dev.bridge.rest.HttpTransport;
import dev.bridge.rest.IngestRoute;
import dev.bridge.rest.MetricsRoute;
import dev.bridge.rest.OperationsRoutes;
import dev.bridge.rest.QueryRequests;
import dev.bridge.rest.QueryRoute;
import dev.bridge.rest.RequestSessions;
import dev.bridge.rest.RestHandler;
import dev.bridge.rest.TableRoutes;
import dev.bridge.rest.TokenRoute;
import dev.bridge.tls.ServerTls;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running Bridge: the DuckDB engine, the sessions, and the doors in front of them. Built from one validated
 * configuration; {@link #close()} ends streams, checkpoints and closes DuckDB, and checks the Arrow allocator.
 */
public final class BridgeServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(BridgeServer.class);
  private static final long SHUTDOWN_GRACE_MILLIS = 10_000;

  private final BridgeConfig config;
  private final BufferAllocator allocator;
  private final DuckDbEngine engine;
  private final DatasetRegistry datasets;
  private final SessionManager sessions;
  private final TransactionManager transactions;
  private final QueryTimeouts timeouts;
  private final StatementQueue queue;
  private final ExecutorService executor;
  private final BridgeFlightSqlProducer producer;
  private final FlightTransport flight;
  private final HttpTransport http;
  private final RestHandler rest;
  private final Telemetry telemetry;
  private final LogbackSettings logback = new LogbackSettings();
  private final Authenticator authenticator;
  private final ResultCache cache;
  private final RemoteEngines remotes;
  private boolean closed;

  private BridgeServer(BridgeConfig config, BufferAllocator allocator, DuckDbEngine engine, DatasetRegistry datasets,
      SessionManager sessions, TransactionManager transactions, QueryTimeouts timeouts, StatementQueue queue,
      ExecutorService executor,
      BridgeFlightSqlProducer producer, FlightTransport flight, HttpTransport http, RestHandler rest,
      Telemetry telemetry, Authenticator authenticator, ResultCache cache, RemoteEngines remotes) {
    this.config = config;
    this.remotes = remotes;
    this.cache = cache;
    this.allocator = allocator;
    this.engine = engine;
    this.datasets = datasets;
    this.sessions = sessions;
    this.transactions = transactions;
    this.timeouts = timeouts;
    this.queue = queue;
    this.executor = executor;
    this.producer = producer;
    this.flight = flight;
    this.http = http;
    this.rest = rest;
    this.telemetry = telemetry;
    logback.apply(config.logging().levels());
    this.authenticator = authenticator;
  }

  public static BridgeServer start(BridgeConfig config) throws IOException {
    config.validate();
    Optional<ServerTls> tls = config.tls().enabled() ? Optional.of(ServerTls.load(config.tls())) : Optional.empty();
    BufferAllocator allocator = new RootAllocator();
    DuckDbEngine engine = DuckDbEngine.open(config.database());
    DatasetRegistry datasets;
    try {
      datasets = DatasetRegistry.open(engine, config.files().schema(), config.files().datasets(),
          config.database().dataDirectoryPaths());
    } catch (RuntimeException e) {
      engine.close();
      allocator.close();
      throw e;
    }
    engine.useCatalogRefresher(datasets);
    SessionManager sessions = new SessionManager(engine, config.sessions());
    ExecutorService executor = Executors.newCachedThreadPool(DaemonThreads.named("bridge-flight"));
    QueryTimeouts timeouts = new QueryTimeouts(config.limits());
    // A Flight call's client went away when its gRPC context is cancelled; an HTTP request (no gRPC context) never
    // reports it here, and waits its queue_timeout at most.
    StatementQueue queue = new StatementQueue(config.limits(), () -> Context.current().isCancelled());
    AccessPolicy access = new StatementRoles();
    ResultCache cache = new ResultCache(allocator, engine.dataVersions(), config.cache());
    RemoteEngines remotes = remoteEngines(config, allocator, datasets);
    StatementExecutor statements = new StatementExecutor(allocator, timeouts, queue, access, cache, remotes);
    TransactionManager transactions = new TransactionManager(config.sessions().transactionIdleTimeout());
    // The catalog reader serves both doors and ingest (table paths): built once here, like every part they share.
    CatalogReader catalog = new CatalogReader(remotes);
    ArrowIngest ingest = new ArrowIngest(allocator, access, catalog);
    Telemetry telemetry = new Telemetry(new BridgeMetrics(sessions::size, transactions::size, allocator, engine),
        config.queryLog());
    telemetry.metrics().watch(queue);
    telemetry.metrics().watch(cache);
    Authenticator authenticator = new Authenticator(config.auth(), telemetry.metrics()::authRejected);
    Optional<WorkerPool> workers = config.cluster().role() == ClusterRole.COORDINATOR
        ? Optional.of(WorkerPool.start(config.cluster())) : Optional.empty();
    PartitionPlanner partitioner = new PartitionPlanner(engine, statements, datasets);
    BridgeFlightSqlProducer producer = producer(config, allocator, sessions, statements, partitioner, transactions,
        ingest, catalog, telemetry, workers, executor);
    FlightTransport flight = null;
    try {
      flight = FlightTransport.start(config.flight(), tls, allocator, producer, sessions, executor, authenticator,
          telemetry.metrics());
      RestHandler rest = restHandler(config, allocator, engine, sessions, statements, ingest, catalog, telemetry,
          authenticator);
      HttpTransport http = config.http().enabled()
          ? HttpTransport.start(config.http(), config.flight().host(), tls, rest)
          : null;
      return new BridgeServer(config, allocator, engine, datasets, sessions, transactions, timeouts, queue, executor,
          producer, flight, http, rest, telemetry, authenticator, cache, remotes);
    } catch (IOException | RuntimeException e) {
      stop(null, flight, producer, transactions, timeouts, sessions, remotes, cache, datasets, engine, executor);
      allocator.close();
      throw e;
    }
  }

  /**
   * The Flight SQL door and its parts, each built once. {@code workers} is the coordinator's view of its workers
   * (empty on any other node); {@code relays} runs the threads that relay a worker's stream for
   * {@code x-bridge-proxy} clients.
   */
  private static BridgeFlightSqlProducer producer(BridgeConfig config, BufferAllocator allocator,
      SessionManager sessions, StatementExecutor statements, PartitionPlanner partitioner,
      TransactionManager transactions, ArrowIngest ingest, CatalogReader catalog, Telemetry telemetry,
      Optional<WorkerPool> workers, ExecutorService relays) {
    StatementCommands commands = new StatementCommands(statements, partitioner,
        new TicketStore(config.sessions().ticketTtl()), allocator, config.flight().batchRows(),
        StatementCommands.Partitioning.of(config.flight()), telemetry);
    ClusterRole role = config.cluster().role();
    Optional<ClusterTickets> tickets = role == ClusterRole.SINGLE
        ? Optional.empty() : Optional.of(ClusterTickets.of(config.cluster()));
    return new BridgeFlightSqlProducer(sessions, statements, transactions, ingest, allocator, telemetry, commands,
        new CatalogMetadata(catalog, statements, allocator),
        new SqlInfos(catalog, allocator, config.sessions().idleTimeout(),
            config.sessions().transactionIdleTimeout()),
        new SessionOptions(catalog, statements.timeouts()),
        new PathFlights(catalog, statements, commands),
        new ClusterFlights(role, tickets, workers, statements, sessions, allocator, relays));
  }

  /** The HTTP door and its routes, each built once; the routes of one request share its session handling. */
  private static RestHandler restHandler(BridgeConfig config, BufferAllocator allocator, DuckDbEngine engine,
      SessionManager sessions, StatementExecutor statements, ArrowIngest ingest, CatalogReader catalog,
      Telemetry telemetry, Authenticator authenticator) {
    RequestSessions requestSessions = new RequestSessions(sessions);
    QueryRequests queryRequests = new QueryRequests(config.http());
    return new RestHandler(authenticator, new Cors(config.http().cors()), queryRequests,
        new HealthRoute(engine, sessions, allocator, statements),
        new QueryRoute(queryRequests, requestSessions, statements, telemetry, catalog),
        new TableRoutes(requestSessions, catalog),
        new IngestRoute(requestSessions, ingest, allocator, telemetry),
        new MetricsRoute(telemetry.metrics()),
        new OperationsRoutes(telemetry.running(), sessions),
        new TokenRoute(authenticator),
        new ConsoleRoute());
  }

  public int flightPort() {
    return flight.port();
  }

  /** The HTTP door's port, or -1 when it is disabled. */
  public int httpPort() {
    return http == null ? -1 : http.port();
  }

  /** The statement queue: what runs and waits now ({@link StatementQueue#state}). */
  public StatementQueue statementQueue() {
    return queue;
  }

  /** The dataset views; {@link DatasetRegistry#apply} brings them in line with a reloaded dataset list. */
  public DatasetRegistry datasets() {
    return datasets;
  }

  /** Users, roles and token settings; {@link Authenticator#update} replaces them on a configuration reload. */
  public Authenticator authenticator() {
    return authenticator;
  }

  public BridgeConfig config() {
    return config;
  }

  /**
   * Bytes of Arrow memory held right now by work in progress (batches in flight, parameter buffers): what must fall
   * back to zero once every call ended. The result cache's own holding is {@link ResultCache#allocatedBytes}.
   */
  public long allocatedBytes() {
    return allocator.getAllocatedMemory() - cache.allocatedBytes();
  }

  /** The result cache (its {@link ResultCache#stats} are also on /metrics). */
  public ResultCache resultCache() {
    return cache;
  }

  public int sessionCount() {
    return sessions.size();
  }

  /** The metrics and query log both doors report into (the authentication layer reports rejections here). */
  public Telemetry telemetry() {
    return telemetry;
  }

  /**
   * Registers with {@code watcher} every setting the running server can take without a restart; an edit of any
   * other key is logged as needing one. A feature with reloadable settings adds one line here.
   */
  public void applyEditsFrom(ConfigWatcher watcher) {
    watcher
        .onChange("sessions.idle_timeout", (previous, next) -> sessions.configure(next.sessions()))
        .onChange("sessions.ticket_ttl", (previous, next) -> producer.configure(next.sessions()))
        .onChange("flight.partitions", (previous, next) -> producer.configure(next.flight()))
        .onChange("flight.partition_min_rows", (previous, next) -> producer.configure(next.flight()))
        .onChange("http.chunk_rows", (previous, next) -> rest.configure(next.http()))
        .onChange("http.max_body_bytes", (previous, next) -> rest.configure(next.http()))
        .onChange("http.cors", (previous, next) -> rest.configure(next.http()))
        // Not auth.enabled: turning authentication on or off needs a restart.
        .onChange("auth.users", (previous, next) -> authenticator.update(next.auth()))
        .onChange("auth.token", (previous, next) -> authenticator.update(next.auth()))
        .onChange("auth.external_jwt", (previous, next) -> authenticator.update(next.auth()))
        .onChange("limits", (previous, next) -> {
          timeouts.update(next.limits());
          queue.update(next.limits());
        })
        .onChange("files.datasets", (previous, next) -> datasets.apply(next.files().datasets()))
        .onChange("logging.levels", (previous, next) -> logback.apply(next.logging().levels()))
        .onChange("query_log", (previous, next) -> telemetry.queryLog().configure(next.queryLog()))
        .onChange("cache", (previous, next) -> cache.configure(next.cache()))
        // A new Spark address or token reaches the sessions that enter Spark from now on; see docs/spark.md.
        .onChange("engines.spark", (previous, next) -> remotes.reconfigure(previous.engines(), next.engines()));
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    stop(http, flight, producer, transactions, timeouts, sessions, remotes, cache, datasets, engine, executor);
    long leaked = allocator.getAllocatedMemory();
    long peak = allocator.getPeakMemoryAllocation();
    try {
      allocator.close();
      // The peak is what scripts/bench_memory.py reports as the server's Arrow memory high-water mark.
      log.info("stopped; Arrow allocator released every buffer (Arrow allocator peak {} bytes)", peak);
    } catch (IllegalStateException e) {
      log.error("stopped; Arrow allocator still holds {} bytes: {}", leaked, e.getMessage());
    }
  }

  /**
   * The engines besides DuckDB that are configured (engines.spark). Spark's classes are named only in the branch
   * that runs when it is configured, so a server without it never loads them.
   */
  private static RemoteEngines remoteEngines(BridgeConfig config, BufferAllocator allocator, FileTables datasets) {
    if (!config.engines().spark().enabled()) {
      return RemoteEngines.NONE;
    }
    return new RemoteEngines(List.of(SparkEngine.connect(config.engines().spark(), allocator, datasets)));
  }

  /**
   * Stops the parts in the one safe order, doors first so no new call arrives, the engine last: the one shutdown
   * both a failed start and {@link #close()} run. A part not started yet is null.
   */
  private static void stop(HttpTransport http, FlightTransport flight, BridgeFlightSqlProducer producer,
      TransactionManager transactions, QueryTimeouts timeouts, SessionManager sessions, RemoteEngines remotes,
      ResultCache cache, DatasetRegistry datasets, DuckDbEngine engine, ExecutorService executor) {
    if (http != null) {
      http.stop();
    }
    try {
      if (flight != null) {
        flight.shutdown(SHUTDOWN_GRACE_MILLIS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    producer.close();
    transactions.close();
    timeouts.close();
    sessions.close();
    // After the sessions, which release their sessions in the other engines as they close.
    remotes.close();
    cache.close();
    datasets.close();
    engine.close();
    executor.shutdown();
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
