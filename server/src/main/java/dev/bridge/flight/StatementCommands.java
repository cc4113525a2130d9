package dev.bridge.flight;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.bridge.config.FlightConfig;
import dev.bridge.config.PartitionSetting;
import dev.bridge.engine.ArrowParameters;
import dev.bridge.engine.Cancellation;
import dev.bridge.engine.EngineException;
import dev.bridge.engine.PreparedQuery;
import dev.bridge.engine.ResultStream;
import dev.bridge.engine.Session;
import dev.bridge.engine.StatementExecutor;
import dev.bridge.engine.StatementPlan;
import dev.bridge.engine.partitions.Partition;
import dev.bridge.engine.partitions.PartitionPlan;
import dev.bridge.engine.partitions.PartitionPlanner;
import dev.bridge.flight.metadata.ColumnMetadata;
import dev.bridge.flight.metadata.SchemaBytes;
import dev.bridge.metrics.Protocol;
import dev.bridge.metrics.QueryTrace;
import dev.bridge.metrics.Telemetry;
import io.grpc.Context;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightEndpoint;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightProducer.ServerStreamListener;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.Ticket;
import org.apache.arrow.flight.sql.impl.FlightSql.ActionCreatePreparedStatementResult;
import org.apache.arrow.flight.sql.impl.FlightSql.TicketStatementQuery;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.ipc.message.IpcOption;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The Flight SQL statement and prepared-statement commands of a session: a planned statement becomes a FlightInfo
 * and a ticket, a redeemed ticket becomes a stream, an update runs for its count, and prepared statements keep
 * their bound parameters. A query runs when its ticket is redeemed; a statement that returns no rows runs when it is
 * planned, exactly once, and its ticket streams the count.
 */
public final class StatementCommands implements AutoCloseable {
  private final StatementExecutor executor;
  private final PartitionPlanner partitioner;
  private final TicketStore tickets;
  private final BufferAllocator allocator;
  private final int batchRows;
  private final Telemetry telemetry;
  private volatile Partitioning partitioning;
  /**
   * Schemas with their Flight SQL column metadata, as recently made: each of a cached statement's three calls
   * needs it, and building it (and so the metadata maps) on each was a visible part of the time a hit takes.
   */
  private final Map<Annotated, Schema> annotated = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<Annotated, Schema> eldest) {
      return size() > ANNOTATED_KEPT;
    }
  };
  private static final int ANNOTATED_KEPT = 256;

  /** How queries are split unless a call asks otherwise: {@code flight.partitions}, {@code partition_min_rows}. */
  public record Partitioning(PartitionSetting setting, long minRowsPerPartition) {
    public static Partitioning of(FlightConfig flight) {
      return new Partitioning(flight.partitions(), flight.partitionMinRows());
    }
  }

  public StatementCommands(StatementExecutor executor, PartitionPlanner partitioner, TicketStore tickets,
      BufferAllocator allocator, int batchRows, Partitioning partitioning, Telemetry telemetry) {
    this.executor = executor;
    this.partitioner = partitioner;
    this.tickets = tickets;
    this.allocator = allocator;
    this.batchRows = batchRows;
    this.partitioning = partitioning;
    this.telemetry = telemetry;
  }

  /**
   * The FlightInfo of a planned statement: one endpoint (no location) and an unknown record count, or, for a query
   * the engine splits ({@link PartitionPlanner}), one endpoint per partition, unordered, with the record count
   * where it is known. {@code partitions} is the call's count ({@link #partitionsFor}), {@code OFF} for callers that
   * read only the first endpoint. A statement that returns no rows runs now and ends its trace; a query's trace ends
   * here, its stream is traced by DoGet.
   */
  FlightInfo flightInfo(Session session, StatementPlan plan, List<List<Object>> parameterRows,
      FlightDescriptor descriptor, QueryTrace trace, PartitionSetting partitions, boolean useCache) {
    Schema schema;
    if (plan.kind().returnsRows()) {
      List<Object> parameters = singleRow(parameterRows);
      schema = withColumnMetadata(plan, executor.describe(session, plan, parameters));
      Optional<PartitionPlan> split = parameters.isEmpty()
          ? partitions(session, plan, partitions.wanted(Runtime.getRuntime().availableProcessors()))
          : Optional.empty();
      if (split.isPresent()) {
        return partitionedInfo(session, plan, split.get(), schema, descriptor);
      }
      // A cached answer's size is known now; DoGet streams it unless the data changed in between.
      long totalRecords = executor.cachedRows(session, plan, parameters, batchRows, useCache).orElse(-1L);
      return singleInfo(tickets.add(session.principal().user(), new TicketStore.QueryTicket(plan, parameters)),
          schema, descriptor, totalRecords);
    }
    schema = UpdateCounts.SCHEMA;
    Cancellation cancellation = new Cancellation();
    trace.running(cancellation::cancel);
    long count = executor.executeUpdate(session, plan, parameterRows, cancellation);
    trace.succeeded(count);
    return singleInfo(tickets.add(session.principal().user(), new TicketStore.UpdateCountTicket(count)), schema,
        descriptor, -1);
  }

  /** The partition setting a call gets: what it asked for (its {@code x-bridge-partitions}), else the server's. */
  PartitionSetting partitionsFor(Optional<PartitionSetting> requested) {
    return requested.orElse(partitioning.setting());
  }

  /**
   * The partitions of a query without parameters, at most {@code wanted}, each reading at least the configured
   * {@code partition_min_rows}; empty when it gets one endpoint ({@link PartitionPlanner#plan}).
   */
  Optional<PartitionPlan> partitions(Session session, StatementPlan plan, int wanted) {
    return wanted > 1 ? partitioner.plan(session, plan, wanted, partitioning.minRowsPerPartition())
        : Optional.empty();
  }

  private FlightInfo partitionedInfo(Session session, StatementPlan plan, PartitionPlan partitions, Schema schema,
      FlightDescriptor descriptor) {
    QueryTrace trace = telemetry.partitioned(Protocol.FLIGHT, session, plan.sql(), partitions.partitions().size());
    trace.kind(plan);
    List<FlightEndpoint> endpoints = new ArrayList<>();
    for (Partition partition : partitions.partitions()) {
      endpoints.add(endpoint(tickets.add(session.principal().user(),
          new TicketStore.PartitionTicket(plan, partition, trace))));
    }
    // Partitions are read in parallel and end in any order: the result is unordered.
    return FlightInfo.builder(schema, descriptor, endpoints).setRecords(partitions.totalRecords()).setBytes(-1)
        .setOrdered(false).build();
  }

  private static FlightInfo singleInfo(String id, Schema schema, FlightDescriptor descriptor, long totalRecords) {
    return new FlightInfo(schema, descriptor, List.of(endpoint(id)), -1, totalRecords);
  }

  private static FlightEndpoint endpoint(String id) {
    TicketStatementQuery ticket = TicketStatementQuery.newBuilder()
        .setStatementHandle(ByteString.copyFromUtf8(id)).build();
    return new FlightEndpoint(new Ticket(Any.pack(ticket).toByteArray()));
  }

  /**
   * The FlightInfo of a query a coordinator placed on its workers: the schema this node describes (the workers see
   * the same files), and the placement's endpoints; unordered when there are several (slices), with the record
   * count where the placement knows it.
   */
  FlightInfo placedFlightInfo(Session session, StatementPlan plan, FlightDescriptor descriptor,
      ClusterFlights.Placement placement) {
    Schema schema = withColumnMetadata(plan, executor.describe(session, plan, List.of()));
    List<FlightEndpoint> endpoints = placement.endpoints();
    return new FlightInfo(schema, descriptor, endpoints, -1, placement.totalRecords(), endpoints.size() == 1,
        IpcOption.DEFAULT);
  }

  /** Tickets handed out from now on live for {@code ticketTtl}. */
  void configure(Duration ticketTtl) {
    tickets.configure(ticketTtl);
  }

  /** Queries planned from now on are split as {@code newPartitioning} says. */
  void configure(Partitioning newPartitioning) {
    this.partitioning = newPartitioning;
  }

  /** Streams what ticket {@code id} stands for; returns at once. */
  void stream(Session session, String id, ServerStreamListener listener, boolean useCache) {
    TicketStore.Payload payload = tickets.redeem(session.principal().user(), id);
    if (payload instanceof TicketStore.UpdateCountTicket update) {
      UpdateCounts.stream(update.count(), allocator, listener);
    } else if (payload instanceof TicketStore.QueryTicket query) {
      startStream(query.plan(), statementTrace(session, query.plan()),
          cancellation -> executor.openQuery(session, query.plan(), query.parameters(), batchRows, cancellation,
              useCache),
          listener, id, () -> { });
    } else if (payload instanceof TicketStore.PartitionTicket part) {
      startStream(part.plan(), part.trace(),
          cancellation -> partitioner.open(session, part.plan(), part.partition(), batchRows, cancellation),
          listener, id, () -> { });
    }
  }

  /** Streams a prepared query with its bound parameters (older clients redeem the command itself). */
  void streamPrepared(Session session, PreparedQuery prepared, ServerStreamListener listener, boolean useCache) {
    List<Object> parameters = singleRow(prepared.boundRows());
    startStream(prepared.plan(), statementTrace(session, prepared.plan()),
        cancellation -> executor.openQuery(session, prepared.plan(), parameters, batchRows, cancellation, useCache),
        listener, null, () -> { });
  }

  /** Runs a planned query without parameters and streams its result; returns at once. */
  void streamQuery(Session session, StatementPlan plan, ServerStreamListener listener, boolean useCache) {
    startStream(plan, statementTrace(session, plan),
        cancellation -> executor.openQuery(session, plan, List.of(), batchRows, cancellation, useCache), listener,
        null, () -> { });
  }

  /**
   * On a worker, streams what a coordinator's ticket of query {@code clusterQuery} placed here: the whole planned
   * query, or one partition of it; returns at once. Never from the result cache: the data a worker reads is
   * written by the node that owns the database, whose commits this worker's data versions never see. The query log
   * line carries {@code clusterQuery}, as the coordinator's line of the same query does. {@code onFinished} runs
   * once the stream ended, however it ended.
   */
  void streamPlaced(Session session, StatementPlan plan, Optional<Partition> partition, String clusterQuery,
      ServerStreamListener listener, Runnable onFinished) {
    QueryTrace trace = statementTrace(session, plan);
    trace.clusterQuery(clusterQuery);
    startStream(plan, trace, cancellation -> partition.isPresent()
        ? partitioner.open(session, plan, partitioner.placedHere(partition.get()), batchRows, cancellation)
        : executor.openQuery(session, plan, List.of(), batchRows, cancellation, false), listener, null, onFinished);
  }

  private QueryTrace statementTrace(Session session, StatementPlan plan) {
    QueryTrace trace = telemetry.statement(Protocol.FLIGHT, session, plan.sql());
    trace.kind(plan);
    return trace;
  }

  /**
   * Opens a query and starts streaming it; returns at once. {@code ticketId} (null for none) is the ticket it was
   * redeemed from: CancelFlightInfo of that ticket stops it from now on, while the engine computes the first batch
   * too (a DuckDB aggregate, a Spark job). {@code onFinished} runs once a started stream ended, however it ended.
   */
  private void startStream(StatementPlan plan, QueryTrace trace, Function<Cancellation, ResultStream> open,
      ServerStreamListener listener, String ticketId, Runnable onFinished) {
    Cancellation cancellation = new Cancellation();
    AtomicReference<ResultStreamer> started = new AtomicReference<>();
    Runnable stop = () -> {
      cancellation.cancel();
      ResultStreamer streamer = started.get();
      if (streamer != null) {
        streamer.cancel();
      }
    };
    // Listed as running (and cancellable) from before DuckDB starts: an aggregate computes before its first batch.
    Runnable notRunning = trace.running(stop);
    Runnable forget = ticketId == null ? () -> { } : tickets.running(ticketId, stop);
    // Until the stream is started (and listens to the client itself), a client that goes away while the engine
    // computes the first batch (an aggregate in DuckDB, a Spark job) cancels the query through the call's context.
    Context call = Context.current();
    Context.CancellationListener clientGone = context -> cancellation.cancel();
    call.addListener(clientGone, Runnable::run);
    ResultStream stream;
    try {
      stream = trace.around(() -> open.apply(cancellation));
    } catch (RuntimeException e) {
      forget.run();
      throw e;
    } finally {
      call.removeListener(clientGone);
    }
    if (stream.fromCache()) {
      trace.cacheHit();
    }
    ResultStreamer streamer = new ResultStreamer(stream, withColumnMetadata(plan, stream.schema()), listener, trace,
        notRunning);
    started.set(streamer);
    streamer.start(() -> {
      forget.run();
      onFinished.run();
    });
  }

  /** Runs a statement for its count: rows changed, or for a query, rows returned (read and dropped). */
  long execute(Session session, StatementPlan plan, List<List<Object>> parameterRows, QueryTrace trace) {
    long count;
    Cancellation cancellation = new Cancellation();
    trace.running(cancellation::cancel);
    if (!plan.kind().returnsRows()) {
      count = executor.executeUpdate(session, plan, parameterRows, cancellation);
    } else {
      // Read only for its count: DuckDB computes it, and it is not kept.
      try (ResultStream stream = executor.openQuery(session, plan, singleRow(parameterRows), batchRows,
          cancellation, false)) {
        while (stream.next()) {
          // Reading the stream is what runs the query.
        }
        count = stream.rows();
      }
    }
    trace.succeeded(count);
    return count;
  }

  /** Makes a planned statement a prepared statement of the session. */
  ActionCreatePreparedStatementResult prepare(Session session, StatementPlan plan) {
    PreparedQuery prepared = new PreparedQuery(UUID.randomUUID().toString(), plan);
    session.addPreparedQuery(prepared);
    ActionCreatePreparedStatementResult.Builder result = ActionCreatePreparedStatementResult.newBuilder()
        .setPreparedStatementHandle(ByteString.copyFromUtf8(prepared.handle()))
        .setParameterSchema(ByteString.copyFrom(SchemaBytes.of(ParameterSchemas.of(plan.parameterTypes()))));
    // An empty dataset schema is how Flight SQL 18 clients (the JDBC driver, ADBC) tell a statement that returns
    // no rows: they then execute it as an update, exactly once.
    if (plan.kind().returnsRows()) {
      result.setDatasetSchema(ByteString.copyFrom(SchemaBytes.of(resultSchema(plan))));
    }
    return result.build();
  }

  /** The schema a statement's stream has before any parameters are bound. */
  Schema resultSchema(StatementPlan plan) {
    return plan.kind().returnsRows() ? withColumnMetadata(plan, plan.resultSchema()) : UpdateCounts.SCHEMA;
  }

  /** The schema a prepared statement's stream has with the parameters bound to it now. */
  Schema preparedSchema(Session session, PreparedQuery prepared) {
    StatementPlan plan = prepared.plan();
    if (!plan.kind().returnsRows() || prepared.boundRows().isEmpty()) {
      return resultSchema(plan);
    }
    return withColumnMetadata(plan, executor.describe(session, plan, singleRow(prepared.boundRows())));
  }

  /** Cancels the running streams of every ticket of {@code info} that {@code owner} holds; false when none. */
  boolean cancel(String owner, FlightInfo info) {
    boolean cancelledAny = false;
    for (FlightEndpoint endpoint : info.getEndpoints()) {
      cancelledAny |= ticketId(endpoint.getTicket()).map(id -> tickets.cancel(owner, id)).orElse(false);
    }
    return cancelledAny;
  }

  static PreparedQuery prepared(Session session, ByteString handle) {
    return session.preparedQuery(handle.toStringUtf8()).orElseThrow(() -> unknownHandle(handle.toStringUtf8()));
  }

  static EngineException unknownHandle(String handle) {
    return EngineException.notFound("unknown prepared statement handle '" + handle + "' in this session");
  }

  /** Every row of every batch of a DoPut parameter stream. */
  static List<List<Object>> readParameterRows(FlightStream stream) {
    List<List<Object>> rows = new ArrayList<>();
    while (stream.next()) {
      rows.addAll(ArrowParameters.rows(stream.getRoot()));
    }
    return rows;
  }

  @Override
  public void close() {
    tickets.close();
  }

  private Schema withColumnMetadata(StatementPlan plan, Schema schema) {
    Annotated key = new Annotated(schema, plan.columnTypes());
    synchronized (annotated) {
      Schema known = annotated.get(key);
      if (known != null) {
        return known;
      }
    }
    Schema made = ColumnMetadata.forQuery(schema, plan.columnTypes());
    synchronized (annotated) {
      annotated.put(key, made);
    }
    return made;
  }

  /**
   * A schema and the DuckDB types of its columns, the schema compared by identity: a cached statement's calls
   * (CreatePreparedStatement, GetFlightInfo, DoGet) see the same instances every time (the kept plan's schema, the
   * cached entry's), and comparing schemas field by field would cost what the memo saves.
   */
  private record Annotated(Schema schema, List<String> columnTypes) {
    @Override
    public boolean equals(Object other) {
      return other instanceof Annotated that && that.schema == schema && that.columnTypes.equals(columnTypes);
    }

    @Override
    public int hashCode() {
      return System.identityHashCode(schema) * 31 + columnTypes.hashCode();
    }
  }

  private static List<Object> singleRow(List<List<Object>> parameterRows) {
    if (parameterRows.size() > 1) {
      throw EngineException.invalidArgument("a query takes one row of parameters, but " + parameterRows.size()
          + " rows were bound");
    }
    return parameterRows.isEmpty() ? List.of() : parameterRows.get(0);
  }

  private static Optional<String> ticketId(Ticket ticket) {
    try {
      Any any = Any.parseFrom(ticket.getBytes());
      return any.is(TicketStatementQuery.class)
          ? Optional.of(any.unpack(TicketStatementQuery.class).getStatementHandle().toStringUtf8())
          : Optional.empty();
    } catch (InvalidProtocolBufferException e) {
      return Optional.empty();
    }
  }
}
