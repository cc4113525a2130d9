package dev.bridge.engine.spark;

import dev.bridge.config.ConfigException;
import dev.bridge.config.EnginesConfig;
import dev.bridge.config.SparkConfig;
import dev.bridge.engine.Cancellation;
import dev.bridge.engine.CurrentSchema;
import dev.bridge.engine.EngineException;
import dev.bridge.engine.FileTables;
import dev.bridge.engine.RemoteEngine;
import dev.bridge.engine.ResultStream;
import dev.bridge.engine.Session;
import dev.bridge.engine.StatementKind;
import dev.bridge.engine.StatementPlan;
import dev.bridge.engine.UseStatement;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.spark.connect.proto.AnalyzePlanRequest;
import org.apache.spark.connect.proto.Catalog;
import org.apache.spark.connect.proto.Command;
import org.apache.spark.connect.proto.ConfigRequest;
import org.apache.spark.connect.proto.CurrentDatabase;
import org.apache.spark.connect.proto.DataType;
import org.apache.spark.connect.proto.ExecutePlanRequest;
import org.apache.spark.connect.proto.ExecutePlanResponse;
import org.apache.spark.connect.proto.InterruptRequest;
import org.apache.spark.connect.proto.ListDatabases;
import org.apache.spark.connect.proto.ListTables;
import org.apache.spark.connect.proto.Plan;
import org.apache.spark.connect.proto.Read;
import org.apache.spark.connect.proto.Relation;
import org.apache.spark.connect.proto.ReleaseSessionRequest;
import org.apache.spark.connect.proto.SQL;
import org.apache.spark.connect.proto.SparkConnectServiceGrpc;
import org.apache.spark.connect.proto.SparkConnectServiceGrpc.SparkConnectServiceBlockingStub;
import org.apache.spark.connect.proto.SqlCommand;
import org.apache.spark.connect.proto.UserContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparkproject.io.grpc.Context;
import org.sparkproject.io.grpc.ManagedChannel;
import org.sparkproject.io.grpc.Metadata;
import org.sparkproject.io.grpc.StatusRuntimeException;
import org.sparkproject.io.grpc.netty.NettyChannelBuilder;
import org.sparkproject.io.grpc.stub.MetadataUtils;

/**
 * Spark, through Spark Connect, as the engine of the catalog {@code engines.spark.catalog}. Every Bridge session
 * gets a Spark session of its own (its current database, temporary views and settings stay apart), released when
 * the Bridge session closes. Statements are classified by Spark's grammar ({@link SparkStatements}); a query is
 * described by AnalyzePlan without running and run by ExecutePlan when its ticket is redeemed, its Arrow batches
 * streamed ({@link SparkResultStream}); every other statement runs by ExecutePlan of a SQL command.
 */
public final class SparkEngine implements RemoteEngine {
  public static final String NAME = "spark";
  private static final Logger log = LoggerFactory.getLogger(SparkEngine.class);
  /** Spark's own client accepts messages this large; one Arrow batch of a wide result can be tens of MiB. */
  private static final int MAX_MESSAGE_BYTES = 128 << 20;
  private static final String TIME_ZONE = "spark.sql.session.timeZone";
  /** The Spark user of Bridge's own work (dataset registration) and of sessions without a user. */
  private static final UserContext BRIDGE_USER = UserContext.newBuilder().setUserId("bridge").build();
  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("Authorization", Metadata.ASCII_STRING_MARSHALLER);

  private final String catalog;
  private final BufferAllocator allocator;
  private final SparkDatasets datasets;
  /** The Spark session Bridge registers the datasets in (their tables are Spark's catalog's, seen by every session). */
  private final String ownSession = UUID.randomUUID().toString();
  /** Bridge session id → the Spark session id (a UUID, as Spark Connect requires) it runs in. */
  private final Map<String, String> sparkSessions = new ConcurrentHashMap<>();
  /** Where new Spark sessions are made: replaced by {@link #reconfigure}, while older sessions keep theirs. */
  private volatile Connection current;
  /** Spark session id → the connection it was made through (Bridge's own session uses the current one). */
  private final Map<String, Connection> connections = new ConcurrentHashMap<>();
  /** Bridge session id → Spark's time zone for it, the zone Spark writes timestamps in; read again after commands. */
  private final Map<String, String> timeZones = new ConcurrentHashMap<>();

  /**
   * One channel to a Spark Connect server with its token; shut down once it is no longer current and the last Spark
   * session made through it is released.
   */
  private static final class Connection {
    final ManagedChannel channel;
    final SparkConnectServiceBlockingStub stub;
    final String address;
    /** Spark sessions made through it and not released yet. */
    int sessions;
    boolean retired;

    Connection(ManagedChannel channel, String address) {
      this.channel = channel;
      this.stub = SparkConnectServiceGrpc.newBlockingStub(channel);
      this.address = address;
    }
  }

  private SparkEngine(String catalog, Connection connection, BufferAllocator allocator, FileTables fileTables) {
    this.catalog = catalog;
    this.current = connection;
    this.allocator = allocator;
    this.datasets = new SparkDatasets(fileTables);
  }

  /**
   * Connects lazily: the channel reaches Spark at the first call, so Bridge starts while Spark is down. The file
   * datasets of {@code fileTables} are registered in Spark as tables over the same files before the first statement
   * or catalog read, and again whenever they change ({@link SparkDatasets}).
   */
  public static SparkEngine connect(SparkConfig config, BufferAllocator allocator, FileTables fileTables) {
    Connection connection = connection(config);
    log.info("Spark Connect engine for catalog '{}' at {}", config.catalog(), connection.address);
    return new SparkEngine(config.catalog(), connection, allocator, fileTables);
  }

  /**
   * Takes an edited {@code engines.spark} (configuration reload): Bridge sessions that make their Spark session from
   * now on reach Spark at the new {@code remote} with the new token; sessions already in Spark keep theirs until they
   * close. The catalog's name is what sessions and clients hold: changing it needs a restart, and is refused.
   */
  @Override
  public synchronized void reconfigure(EnginesConfig engines) {
    SparkConfig config = engines.spark();
    if (!config.enabled()) {
      throw new ConfigException("engines.spark.remote: turning Spark off needs a restart");
    }
    if (!config.catalog().equals(catalog)) {
      throw new ConfigException("engines.spark.catalog: renaming Spark's catalog (" + catalog
          + " to " + config.catalog() + ") needs a restart");
    }
    Connection previous = current;
    Connection next = connection(config);
    current = next;
    synchronized (previous) {
      previous.retired = true;
      if (previous.sessions == 0) {
        previous.channel.shutdown();
      }
    }
    log.info("Spark Connect engine for catalog '{}' now at {} for new sessions ({} still at {})", catalog,
        next.address, previous.sessions, previous.address);
  }

  private static Connection connection(SparkConfig config) {
    SparkConfig.Endpoint endpoint = config.endpoint();
    NettyChannelBuilder builder = NettyChannelBuilder.forAddress(endpoint.host(), endpoint.port())
        .maxInboundMessageSize(MAX_MESSAGE_BYTES)
        .userAgent("bridge");
    if (endpoint.tls()) {
      builder.useTransportSecurity();
    } else {
      builder.usePlaintext();
    }
    String token = config.resolvedToken();
    if (!token.isEmpty()) {
      Metadata headers = new Metadata();
      headers.put(AUTHORIZATION, "Bearer " + token);
      builder.intercept(MetadataUtils.newAttachHeadersInterceptor(headers));
    }
    return new Connection(builder.build(), endpoint.host() + ":" + endpoint.port() + " (tls " + endpoint.tls() + ")");
  }

  /** The stub of the connection a Spark session was made through (the current one for Bridge's own). */
  private SparkConnectServiceBlockingStub stub(String sparkSession) {
    return connections.getOrDefault(sparkSession, current).stub;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String catalog() {
    return catalog;
  }

  @Override
  public StatementPlan plan(Session session, String sql, List<String> duckDbCatalogs) {
    Optional<UseStatement> use = UseStatement.of(sql);
    if (use.isPresent() && use.get().first().equalsIgnoreCase(catalog)) {
      // USE spark or USE spark.db: Spark knows its catalog by another name, so only the database goes to Spark.
      String sent = use.get().rest().isEmpty() ? "" : "USE " + quoted(use.get().rest().get(0));
      return StatementPlan.remote(NAME, sql, sent, StatementKind.COMMAND, List.of(), null, false);
    }
    SparkStatements.Parsed parsed = SparkStatements.parse(sql);
    syncDatasets(session);
    for (List<String> table : parsed.tables()) {
      if (table.size() >= 3 && duckDbCatalogs.stream().anyMatch(table.get(0)::equalsIgnoreCase)) {
        throw EngineException.invalidArgument("the statement mixes DuckDB and Spark objects: "
            + String.join(".", table) + " is in DuckDB's catalog '" + table.get(0) + "', and this session's catalog '"
            + catalog + "' runs its statements on Spark; a statement runs on one engine (USE " + table.get(0)
            + ", or set the session's catalog to a DuckDB one, to query DuckDB's tables)");
      }
    }
    List<SparkStatements.Marker> parameters = SparkParameters.distinct(parsed.markers());
    List<String> parameterTypes = SparkParameters.declaredTypes(parameters);
    if (!parsed.kind().returnsRows()) {
      // Spark runs a command as it analyses it, so nothing but the grammar looks at it before it is run.
      return StatementPlan.remote(NAME, sql, sql, parsed.kind(), parameterTypes, null, false);
    }
    // Before its values are bound, a query is described with every parameter NULL (Spark analyses nothing with
    // a parameter unbound); the exact schema for the values comes from describe.
    Described described = describe(session, sqlRelation(sql, parameters, SparkParameters.nulls(parameters.size())));
    return StatementPlan.remote(NAME, sql, sql, StatementKind.QUERY, parameterTypes, described,
        !parameters.isEmpty());
  }

  @Override
  public Schema describe(Session session, StatementPlan plan, List<Object> parameters) {
    return describe(session, sqlRelation(plan, parameters)).schema();
  }

  @Override
  public ResultStream open(Session session, StatementPlan plan, List<Object> parameters, Cancellation cancellation) {
    return execute(session, Plan.newBuilder().setRoot(sqlRelation(plan, parameters)).build(), cancellation,
        plan.resultSchema());
  }

  @Override
  public void execute(Session session, StatementPlan plan, List<Object> parameters, Cancellation cancellation) {
    if (!plan.executableSql().isEmpty()) {
      try {
        command(sparkSession(session), user(session), sqlRelation(plan, parameters), cancellation);
      } finally {
        // A command may have changed the session's current database (USE) or time zone (SET).
        timeZones.remove(session.id());
      }
    }
    // A USE of this catalog makes the session Spark's; any other command may have changed its current database
    // (a command prepared before the session left Spark leaves it where it is now).
    if (session.remoteSchema().isPresent() || UseStatement.of(plan.sql()).isPresent()) {
      session.useRemote(new CurrentSchema(catalog, currentSchema(session)));
    }
  }

  /**
   * Registers the datasets that changed (in Bridge's own Spark session), then refreshes in the session's Spark
   * session the dataset tables it may hold an old file listing of.
   */
  private void syncDatasets(Session session) {
    String sparkSession = sparkSession(session);
    List<String> stale = datasets.sync(sparkSession,
        sql -> command(ownSession, BRIDGE_USER, sqlRelation(sql, List.of(), List.of()), new Cancellation()));
    for (String table : stale) {
      command(sparkSession, user(session), sqlRelation("REFRESH TABLE " + table, List.of(), List.of()),
          new Cancellation());
    }
  }

  /** Runs a SQL command (its text and parameters) in a Spark session and waits for its end; cancelling interrupts it. */
  private void command(String sparkSession, UserContext user, Relation sql, Cancellation cancellation) {
    Plan command = Plan.newBuilder()
        .setCommand(Command.newBuilder().setSqlCommand(SqlCommand.newBuilder().setInput(sql))).build();
    try (ResultStream stream = execute(sparkSession, user, command, cancellation, new Schema(List.of()))) {
      while (stream.next()) {
        // A command's answer is its result relation, not a result; reading it waits for the command to end.
      }
    }
  }

  /** Runs a plan; cancelling interrupts the Spark operation and ends the call. */
  private SparkResultStream execute(Session session, Plan plan, Cancellation cancellation, Schema described) {
    return execute(sparkSession(session), user(session), plan, cancellation, described);
  }

  private SparkResultStream execute(String sparkSession, UserContext user, Plan plan, Cancellation cancellation,
      Schema described) {
    String operationId = UUID.randomUUID().toString();
    ExecutePlanRequest request = ExecutePlanRequest.newBuilder()
        .setSessionId(sparkSession)
        .setUserContext(user)
        .setOperationId(operationId)
        .setClientType("bridge")
        .setPlan(plan)
        .build();
    Context.CancellableContext call = Context.current().withCancellation();
    cancellation.attach(() -> {
      interrupt(user, sparkSession, operationId);
      call.cancel(null);
    });
    Iterator<ExecutePlanResponse> responses;
    try {
      responses = call.call(() -> stub(sparkSession).executePlan(request));
    } catch (Exception e) {
      cancellation.detach();
      call.cancel(null);
      throw e instanceof StatusRuntimeException status ? SparkErrors.translate(status)
          : new EngineException(dev.bridge.engine.ErrorKind.INTERNAL, "starting a Spark operation failed: " + e, e);
    }
    return new SparkResultStream(responses, call, cancellation, allocator, described);
  }

  /** Asks Spark to stop an operation (its jobs are cancelled); a failure is logged, the call is ended anyway. */
  private void interrupt(UserContext user, String sparkSession, String operationId) {
    try {
      Context.ROOT.call(() -> stub(sparkSession).withDeadlineAfter(10, TimeUnit.SECONDS).interrupt(
          InterruptRequest.newBuilder()
          .setSessionId(sparkSession)
          .setUserContext(user)
          .setInterruptType(InterruptRequest.InterruptType.INTERRUPT_TYPE_OPERATION_ID)
          .setOperationId(operationId)
          .build()));
    } catch (Exception e) {
      log.debug("interrupting Spark operation {} failed: {}", operationId, e.toString());
    }
  }

  @Override
  public String currentSchema(Session session) {
    List<List<Object>> rows = rows(session,
        Relation.newBuilder().setCatalog(Catalog.newBuilder().setCurrentDatabase(CurrentDatabase.newBuilder()))
            .build());
    return rows.isEmpty() ? "default" : String.valueOf(rows.get(0).get(0));
  }

  @Override
  public List<String> schemas(Session session) {
    syncDatasets(session);
    List<String> schemas = new ArrayList<>();
    for (List<Object> row : rows(session,
        Relation.newBuilder().setCatalog(Catalog.newBuilder().setListDatabases(ListDatabases.newBuilder())).build())) {
      schemas.add(String.valueOf(row.get(0)));
    }
    return schemas;
  }

  /** Tables and views of a database; temporary views belong to no database and are not listed. */
  @Override
  public List<Table> tables(Session session, String schema) {
    syncDatasets(session);
    List<Table> tables = new ArrayList<>();
    for (List<Object> row : rows(session, Relation.newBuilder()
        .setCatalog(Catalog.newBuilder().setListTables(ListTables.newBuilder().setDbName(quoted(schema)))).build())) {
      // Spark's Table: name, catalog, namespace, description, tableType, isTemporary.
      if (Boolean.TRUE.equals(row.get(5))) {
        continue;
      }
      String type = "VIEW".equalsIgnoreCase(String.valueOf(row.get(4))) ? "VIEW" : "TABLE";
      tables.add(new Table(schema, String.valueOf(row.get(0)), type));
    }
    return tables;
  }

  @Override
  public Described tableSchema(Session session, String schema, String table) {
    syncDatasets(session);
    return describe(session, Relation.newBuilder().setRead(Read.newBuilder()
        .setNamedTable(Read.NamedTable.newBuilder().setUnparsedIdentifier(quoted(schema) + "." + quoted(table))))
        .build());
  }

  /** A relation's result, from AnalyzePlan: Spark analyses it without running it. */
  private Described describe(Session session, Relation relation) {
    String sparkSession = sparkSession(session);
    AnalyzePlanRequest request = AnalyzePlanRequest.newBuilder()
        .setSessionId(sparkSession)
        .setUserContext(user(session))
        .setClientType("bridge")
        .setSchema(AnalyzePlanRequest.Schema.newBuilder().setPlan(Plan.newBuilder().setRoot(relation)))
        .build();
    DataType type;
    try {
      type = stub(sparkSession).analyzePlan(request).getSchema().getSchema();
    } catch (StatusRuntimeException e) {
      throw SparkErrors.translate(e);
    }
    return new Described(SparkTypes.schema(type, timeZone(session)), SparkTypes.columnTypes(type));
  }

  /** Every row of a small result (catalog listings), as Java values; strings as Strings. */
  private List<List<Object>> rows(Session session, Relation relation) {
    List<List<Object>> rows = new ArrayList<>();
    try (ResultStream stream = execute(session, Plan.newBuilder().setRoot(relation).build(), new Cancellation(),
        new Schema(List.of()))) {
      while (stream.next()) {
        for (int i = 0; i < stream.root().getRowCount(); i++) {
          List<Object> row = new ArrayList<>();
          for (FieldVector vector : stream.root().getFieldVectors()) {
            Object value = vector.getObject(i);
            row.add(value instanceof org.apache.arrow.vector.util.Text text ? text.toString() : value);
          }
          rows.add(row);
        }
      }
    }
    return rows;
  }

  private String timeZone(Session session) {
    String known = timeZones.get(session.id());
    if (known != null) {
      return known;
    }
    String sparkSession = sparkSession(session);
    ConfigRequest request = ConfigRequest.newBuilder()
        .setSessionId(sparkSession)
        .setUserContext(user(session))
        .setClientType("bridge")
        .setOperation(ConfigRequest.Operation.newBuilder().setGet(ConfigRequest.Get.newBuilder().addKeys(TIME_ZONE)))
        .build();
    String zone;
    try {
      zone = stub(sparkSession).config(request).getPairsList().stream().filter(pair -> pair.hasValue()).findFirst()
          .map(pair -> pair.getValue()).orElse("UTC");
    } catch (StatusRuntimeException e) {
      throw SparkErrors.translate(e);
    }
    timeZones.put(session.id(), zone);
    return zone;
  }

  /**
   * The Spark session of a Bridge session: made at its first statement through the current connection, released
   * when it closes.
   */
  private String sparkSession(Session session) {
    return sparkSessions.computeIfAbsent(session.id(), id -> {
      String sparkSession = UUID.randomUUID().toString();
      Connection connection;
      synchronized (this) {
        connection = current;
        synchronized (connection) {
          connection.sessions++;
        }
      }
      connections.put(sparkSession, connection);
      session.onClose(() -> release(session, sparkSession));
      return sparkSession;
    });
  }

  private void release(Session session, String sparkSession) {
    sparkSessions.remove(session.id());
    datasets.forget(sparkSession);
    timeZones.remove(session.id());
    try {
      stub(sparkSession).withDeadlineAfter(10, TimeUnit.SECONDS).releaseSession(ReleaseSessionRequest.newBuilder()
          .setSessionId(sparkSession).setUserContext(user(session)).setClientType("bridge").build());
    } catch (StatusRuntimeException e) {
      log.debug("releasing Spark session {} failed: {}", sparkSession, e.getStatus());
    }
    Connection connection = connections.remove(sparkSession);
    if (connection != null) {
      synchronized (connection) {
        connection.sessions--;
        if (connection.retired && connection.sessions == 0) {
          log.info("Spark Connect channel to {} closed: its last session ended after a reload", connection.address);
          connection.channel.shutdown();
        }
      }
    }
  }

  private static UserContext user(Session session) {
    String user = session.principal().user();
    return user == null || user.isEmpty() ? BRIDGE_USER : UserContext.newBuilder().setUserId(user).build();
  }

  /** A planned statement's SQL with its parameter values bound (their names read again from its parse). */
  private static Relation sqlRelation(StatementPlan plan, List<Object> parameters) {
    List<SparkStatements.Marker> markers = parameters.isEmpty() ? List.of()
        : SparkParameters.distinct(SparkStatements.parse(plan.executableSql()).markers());
    return sqlRelation(plan.executableSql(), markers, parameters);
  }

  private static Relation sqlRelation(String sql, List<SparkStatements.Marker> markers, List<Object> parameters) {
    return Relation.newBuilder()
        .setSql(SparkParameters.bind(SQL.newBuilder().setQuery(sql), markers, parameters)).build();
  }

  private static String quoted(String name) {
    return SparkDatasets.quoted(name);
  }

  @Override
  public void close() {
    java.util.Set<ManagedChannel> channels = new java.util.LinkedHashSet<>();
    channels.add(current.channel);
    connections.values().forEach(connection -> channels.add(connection.channel));
    channels.forEach(ManagedChannel::shutdownNow);
    try {
      for (ManagedChannel channel : channels) {
        channel.awaitTermination(5, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
