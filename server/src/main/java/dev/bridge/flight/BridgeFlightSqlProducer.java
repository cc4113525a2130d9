package dev.bridge.flight;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import dev.bridge.config.FlightConfig;
import dev.bridge.config.PartitionSetting;
import dev.bridge.config.ResultCompression;
import dev.bridge.config.SessionConfig;
import dev.bridge.engine.EngineException;
import dev.bridge.engine.ErrorKind;
import dev.bridge.engine.PreparedQuery;
import dev.bridge.engine.Session;
import dev.bridge.engine.SessionManager;
import dev.bridge.engine.StatementExecutor;
import dev.bridge.engine.StatementPlan;
import dev.bridge.engine.TransactionManager;
import dev.bridge.flight.compression.CompressionHeader;
import dev.bridge.flight.compression.StreamCompression;
import dev.bridge.flight.metadata.CatalogMetadata;
import dev.bridge.flight.metadata.SqlInfoAudience;
import dev.bridge.flight.metadata.SqlInfos;
import dev.bridge.identity.Principal;
import dev.bridge.ingest.ArrowIngest;
import dev.bridge.ingest.CountingReader;
import dev.bridge.ingest.IngestMode;
import dev.bridge.ingest.IngestOptions;
import dev.bridge.ingest.IngestTarget;
import dev.bridge.metrics.Protocol;
import dev.bridge.metrics.QueryTrace;
import dev.bridge.metrics.Telemetry;
import java.util.List;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.arrow.flight.Action;
import org.apache.arrow.flight.CancelFlightInfoRequest;
import org.apache.arrow.flight.CancelStatus;
import org.apache.arrow.flight.CloseSessionRequest;
import org.apache.arrow.flight.CloseSessionResult;
import org.apache.arrow.flight.Criteria;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.GetSessionOptionsRequest;
import org.apache.arrow.flight.GetSessionOptionsResult;
import org.apache.arrow.flight.PutResult;
import org.apache.arrow.flight.Result;
import org.apache.arrow.flight.SchemaResult;
import org.apache.arrow.flight.SetSessionOptionsRequest;
import org.apache.arrow.flight.SetSessionOptionsResult;
import org.apache.arrow.flight.Ticket;
import org.apache.arrow.flight.sql.FlightSqlProducer.Schemas;
import org.apache.arrow.flight.sql.FlightSqlProducer;
import org.apache.arrow.flight.sql.impl.FlightSql.ActionBeginSavepointRequest;
import org.apache.arrow.flight.sql.impl.FlightSql.ActionBeginSavepointResult;
import org.apache.arrow.flight.sql.impl.FlightSql.ActionBeginTransactionRequest;
import org.apache.arrow.flight.sql.impl.FlightSql.ActionBeginTransactionResult;
import org.apache.arrow.flight.sql.impl.FlightSql.ActionClosePreparedStatementRequest;
import org.apache.arrow.flight.sql.impl.FlightSql.ActionCreatePreparedStatementRequest;
import org.apache.arrow.flight.sql.impl.FlightSql.ActionCreatePreparedStatementResult;
import org.apache.arrow.flight.sql.impl.FlightSql.ActionCreatePreparedSubstraitPlanRequest;
import org.apache.arrow.flight.sql.impl.FlightSql.ActionEndSavepointRequest;
import org.apache.arrow.flight.sql.impl.FlightSql.ActionEndTransactionRequest;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandGetCatalogs;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandGetCrossReference;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandGetDbSchemas;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandGetExportedKeys;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandGetImportedKeys;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandGetPrimaryKeys;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandGetSqlInfo;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandGetTableTypes;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandGetTables;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandGetXdbcTypeInfo;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandPreparedStatementQuery;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandPreparedStatementUpdate;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandStatementIngest;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandStatementQuery;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandStatementSubstraitPlan;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandStatementUpdate;
import org.apache.arrow.flight.sql.impl.FlightSql.DoPutPreparedStatementResult;
import org.apache.arrow.flight.sql.impl.FlightSql.DoPutUpdateResult;
import org.apache.arrow.flight.sql.impl.FlightSql.TicketStatementQuery;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;

/**
 * The Flight SQL door: translates Flight SQL commands into calls on the engine. Statements run in the caller's
 * session; GetFlightInfo plans a query and hands out a ticket, DoGet runs it and streams DuckDB's batches.
 */
public final class BridgeFlightSqlProducer implements FlightSqlProducer {
  private final SessionManager sessions;
  private final StatementExecutor executor;
  private final TransactionManager transactions;
  private final ArrowIngest ingest;
  private final StatementCommands statements;
  private final BufferAllocator allocator;
  private final CatalogMetadata metadata;
  private final SqlInfos sqlInfos;
  private final SessionOptions sessionOptions;
  private final Telemetry telemetry;
  private final PathFlights pathFlights;
  private final ClusterFlights cluster;

  /**
   * Every part is built once, by {@code BridgeServer}; the producer routes each call to the part that serves it.
   */
  public BridgeFlightSqlProducer(SessionManager sessions, StatementExecutor executor,
      TransactionManager transactions, ArrowIngest ingest, BufferAllocator allocator, Telemetry telemetry,
      StatementCommands statements, CatalogMetadata metadata, SqlInfos sqlInfos, SessionOptions sessionOptions,
      PathFlights pathFlights, ClusterFlights cluster) {
    this.sessions = sessions;
    this.executor = executor;
    this.transactions = transactions;
    this.ingest = ingest;
    this.allocator = allocator;
    this.telemetry = telemetry;
    this.statements = statements;
    this.metadata = metadata;
    this.sqlInfos = sqlInfos;
    this.sessionOptions = sessionOptions;
    this.pathFlights = pathFlights;
    this.cluster = cluster;
  }

  // ---- Descriptors that carry plain SQL text --------------------------------------------------------------------

  @Override
  public FlightInfo getFlightInfo(CallContext context, FlightDescriptor descriptor) {
    if (!descriptor.isCommand()) {
      return call(() -> pathFlights.flightInfo(session(context), descriptor));
    }
    return DescriptorCommands.plainSql(descriptor)
        .map(query -> getFlightInfoStatement(query, context, descriptor))
        .orElseGet(() -> call(() -> {
          DescriptorCommands.requireAny(descriptor);
          return FlightSqlProducer.super.getFlightInfo(context, descriptor);
        }));
  }

  @Override
  public SchemaResult getSchema(CallContext context, FlightDescriptor descriptor) {
    if (!descriptor.isCommand()) {
      return call(() -> new SchemaResult(pathFlights.schema(session(context), descriptor)));
    }
    return DescriptorCommands.plainSql(descriptor)
        .map(query -> getSchemaStatement(query, context, descriptor))
        .orElseGet(() -> call(() -> {
          DescriptorCommands.requireAny(descriptor);
          return FlightSqlProducer.super.getSchema(context, descriptor);
        }));
  }

  /**
   * Every DoGet, in the compression the client chose ({@link StreamCompression}). A ticket that is SQL text rather
   * than a packed protobuf {@code Any} runs that query in one round trip: planned exactly as GetFlightInfo plans a
   * plain-SQL descriptor (roles, timeouts, query log, metrics), and its ticket redeemed at once.
   */
  @Override
  public void getStream(CallContext context, Ticket ticket, ServerStreamListener flightListener) {
    stream(flightListener, () -> {
      Optional<byte[]> signed = ClusterFlights.signedBytes(ticket.getBytes());
      if (signed.isPresent()) {
        // The compression a cluster ticket's session chose is known once the ticket is verified.
        cluster.serve(principal(context), bearer(context), signed.get(),
            chosen -> compressed(context, flightListener, chosen), statements);
        return;
      }
      ServerStreamListener listener = compressed(context, flightListener, session(context).resultCompression());
      if (!isAny(ticket.getBytes())) {
        streamSqlTicket(context, ticket, listener);
      } else if (PathFlights.isTicket(ticket)) {
        stream(listener, () -> pathFlights.stream(session(context), ticket, listener, HeaderOption.CACHE.in(context).orElse(true)));
      } else {
        FlightSqlProducer.super.getStream(context, ticket, listener);
      }
    });
  }

  /** {@code listener} in the compression the call asked for, else the session's choice, else the server's. */
  private static ServerStreamListener compressed(CallContext context, ServerStreamListener listener,
      Optional<ResultCompression> sessionChoice) {
    return CompressionHeader.of(context)
        .map(header -> header.compression().apply(listener,
            header.compression().choose(header.requested(), sessionChoice)))
        .orElse(listener);
  }

  private void streamSqlTicket(CallContext context, Ticket ticket, ServerStreamListener listener) {
    stream(listener, () -> {
      FlightDescriptor descriptor = FlightDescriptor.command(ticket.getBytes());
      CommandStatementQuery query = DescriptorCommands.plainSql(descriptor).orElseThrow(() ->
          EngineException.invalidArgument("the ticket is neither a Flight SQL ticket (a packed protobuf Any from"
              + " GetFlightInfo) nor SQL text (non-empty UTF-8)"));
      // One round trip means one endpoint, the one this server streams: the query is neither placed on workers nor
      // split into partitions.
      FlightInfo info = statementFlightInfo(query, context, descriptor, false, PartitionSetting.OFF);
      FlightSqlProducer.super.getStream(context, info.getEndpoints().get(0).getTicket(), listener);
    });
  }

  // ---- Statements ----------------------------------------------------------------------------------------------

  @Override
  public FlightInfo getFlightInfoStatement(CommandStatementQuery command, CallContext context,
      FlightDescriptor descriptor) {
    return call(() -> statementFlightInfo(command, context, descriptor, true,
        statements.partitionsFor(HeaderOption.PARTITIONS.in(context))));
  }

  /**
   * Plans a query and hands out its tickets: for GetFlightInfo, and for a DoGet whose ticket is SQL text. A
   * coordinator places it on its workers when {@code mayPlace} and it can ({@link ClusterFlights#place}); otherwise
   * it is split into partitions as {@code partitions} allows (one ticket per partition).
   */
  private FlightInfo statementFlightInfo(CommandStatementQuery command, CallContext context,
      FlightDescriptor descriptor, boolean mayPlace, PartitionSetting partitions) {
    Session session = session(context);
    QueryTrace trace = trace(session, command.getQuery());
    return trace.around(() -> {
      transactions.join(session, command.getTransactionId().toStringUtf8());
      StatementPlan plan = plan(trace, session, command.getQuery(), context);
      Optional<ClusterFlights.Placement> placed = mayPlace
          ? cluster.place(session, plan, proxy(context), partitions, statements) : Optional.empty();
      return placed.map(placement -> placedFlightInfo(session, plan, descriptor, placement, trace))
          .orElseGet(() -> statements.flightInfo(session, plan, List.of(), descriptor, trace, partitions,
              HeaderOption.CACHE.in(context).orElse(true)));
    });
  }

  @Override
  public SchemaResult getSchemaStatement(CommandStatementQuery command, CallContext context,
      FlightDescriptor descriptor) {
    return call(() -> new SchemaResult(statements.resultSchema(executor.plan(session(context), command.getQuery(),
        HeaderOption.CACHE.in(context).orElse(true)))));
  }

  @Override
  public void getStreamStatement(TicketStatementQuery ticket, CallContext context, ServerStreamListener listener) {
    stream(listener, () -> statements.stream(session(context), ticket.getStatementHandle().toStringUtf8(), listener,
        HeaderOption.CACHE.in(context).orElse(true)));
  }

  @Override
  public Runnable acceptPutStatement(CommandStatementUpdate command, CallContext context, FlightStream flightStream,
      StreamListener<PutResult> ackStream) {
    return () -> respond(ackStream, () -> {
      Session session = session(context);
      QueryTrace trace = trace(session, command.getQuery());
      return trace.around(() -> {
        transactions.join(session, command.getTransactionId().toStringUtf8());
        return updateResult(statements.execute(session, plan(trace, session, command.getQuery(), context), List.of(),
            trace));
      });
    });
  }

  // ---- Ingest --------------------------------------------------------------------------------------------------

  @Override
  public Runnable acceptPutStatementBulkIngest(CommandStatementIngest command, CallContext context,
      FlightStream flightStream, StreamListener<PutResult> ackStream) {
    return () -> respond(ackStream, () -> {
      Session session = session(context);
      transactions.join(session, command.getTransactionId().toStringUtf8());
      IngestOptions.requireKnown(command.getOptionsMap());
      IngestMode mode = IngestCommands.mode(command);
      return updateResult(ingest(context, session, IngestCommands.target(command), mode, flightStream));
    });
  }

  /** A plain Flight DoPut with a path descriptor creates the table it names if missing, and appends otherwise. */
  @Override
  public Runnable acceptPut(CallContext context, FlightStream flightStream, StreamListener<PutResult> ackStream) {
    FlightDescriptor descriptor = flightStream.getDescriptor();
    if (descriptor.isCommand()) {
      call(() -> {
        DescriptorCommands.requireAny(descriptor);
        return descriptor;
      });
      return FlightSqlProducer.super.acceptPut(context, flightStream, ackStream);
    }
    return () -> respond(ackStream, () -> updateResult(ingest(context, session(context),
        IngestCommands.target(descriptor.getPath()), IngestMode.CREATE_APPEND, flightStream)));
  }

  private long ingest(CallContext context, Session session, IngestTarget target, IngestMode mode,
      FlightStream flightStream) {
    QueryTrace trace = telemetry.ingest(Protocol.FLIGHT, session, target.name(), mode);
    CountingReader source = new CountingReader(new FlightStreamReader(flightStream, allocator));
    long rows = trace.around(() -> ingest.ingest(session, target, mode, source));
    trace.bytes(source.bytes());
    trace.succeeded(rows);
    return rows;
  }

  // ---- Actions ------------------------------------------------------------------------------------------------

  @Override
  public void doAction(CallContext context, Action action, StreamListener<Result> listener) {
    call(() -> {
      ActionBodies.requireParsable(action);
      return action;
    });
    FlightSqlProducer.super.doAction(context, action, listener);
  }

  // ---- Transactions --------------------------------------------------------------------------------------------

  @Override
  public void beginTransaction(ActionBeginTransactionRequest request, CallContext context,
      StreamListener<ActionBeginTransactionResult> listener) {
    reply(listener, () -> ActionBeginTransactionResult.newBuilder()
        .setTransactionId(ByteString.copyFromUtf8(transactions.begin(session(context)))).build());
  }

  @Override
  public void endTransaction(ActionEndTransactionRequest request, CallContext context,
      StreamListener<Result> listener) {
    reply(listener, () -> {
      boolean commit = switch (request.getAction()) {
        case END_TRANSACTION_COMMIT -> true;
        case END_TRANSACTION_ROLLBACK -> false;
        default -> throw EngineException.invalidArgument("EndTransaction needs action COMMIT or ROLLBACK, not "
            + request.getAction());
      };
      transactions.end(session(context), request.getTransactionId().toStringUtf8(), commit);
      return null;
    });
  }

  @Override
  public void beginSavepoint(ActionBeginSavepointRequest request, CallContext context,
      StreamListener<ActionBeginSavepointResult> listener) {
    listener.onError(savepointsUnsupported());
  }

  @Override
  public void endSavepoint(ActionEndSavepointRequest request, CallContext context, StreamListener<Result> listener) {
    listener.onError(savepointsUnsupported());
  }

  // ---- Prepared statements -------------------------------------------------------------------------------------

  @Override
  public void createPreparedStatement(ActionCreatePreparedStatementRequest request, CallContext context,
      StreamListener<Result> listener) {
    reply(listener, () -> {
      Session session = session(context);
      QueryTrace trace = trace(session, request.getQuery());
      return trace.around(() -> {
        transactions.join(session, request.getTransactionId().toStringUtf8());
        return new Result(Any.pack(statements.prepare(session, plan(trace, session, request.getQuery(), context)))
            .toByteArray());
      });
    });
  }

  @Override
  public void closePreparedStatement(ActionClosePreparedStatementRequest request, CallContext context,
      StreamListener<Result> listener) {
    reply(listener, () -> {
      String handle = request.getPreparedStatementHandle().toStringUtf8();
      if (!session(context).removePreparedQuery(handle)) {
        throw StatementCommands.unknownHandle(handle);
      }
      return null;
    });
  }

  @Override
  public FlightInfo getFlightInfoPreparedStatement(CommandPreparedStatementQuery command, CallContext context,
      FlightDescriptor descriptor) {
    return call(() -> {
      Session session = session(context);
      PreparedQuery prepared = StatementCommands.prepared(session, command.getPreparedStatementHandle());
      QueryTrace trace = trace(session, prepared.plan());
      PartitionSetting partitions = statements.partitionsFor(HeaderOption.PARTITIONS.in(context));
      return trace.around(() -> cluster.place(session, prepared.plan(), proxy(context), partitions, statements)
          .map(placement -> placedFlightInfo(session, prepared.plan(), descriptor, placement, trace))
          .orElseGet(() -> statements.flightInfo(session, prepared.plan(), prepared.boundRows(), descriptor, trace,
              partitions, HeaderOption.CACHE.in(context).orElse(true))));
    });
  }

  @Override
  public SchemaResult getSchemaPreparedStatement(CommandPreparedStatementQuery command, CallContext context,
      FlightDescriptor descriptor) {
    return call(() -> {
      Session session = session(context);
      PreparedQuery prepared = StatementCommands.prepared(session, command.getPreparedStatementHandle());
      return new SchemaResult(statements.preparedSchema(session, prepared));
    });
  }

  /** Older clients redeem the prepared statement command itself as the ticket. */
  @Override
  public void getStreamPreparedStatement(CommandPreparedStatementQuery command, CallContext context,
      ServerStreamListener listener) {
    stream(listener, () -> {
      Session session = session(context);
      statements.streamPrepared(session,
          StatementCommands.prepared(session, command.getPreparedStatementHandle()), listener,
          HeaderOption.CACHE.in(context).orElse(true));
    });
  }

  @Override
  public Runnable acceptPutPreparedStatementQuery(CommandPreparedStatementQuery command, CallContext context,
      FlightStream flightStream, StreamListener<PutResult> ackStream) {
    // The handle never changes (the statement lives in the session), so the answer that could change it is only
    // sent to clients that read it: Arrow Java before 17 never reads it, and its allocator then reports the unread
    // buffer as leaked when the JDBC connection closes ("Failed to clean up client resources").
    boolean readsAnswer = !context.getMiddleware(ClientAgentMiddleware.KEY).olderThanArrowJava18();
    return () -> respond(ackStream, () -> {
      PreparedQuery prepared = StatementCommands.prepared(session(context), command.getPreparedStatementHandle());
      prepared.bind(StatementCommands.readParameterRows(flightStream));
      return readsAnswer ? DoPutPreparedStatementResult.newBuilder()
          .setPreparedStatementHandle(command.getPreparedStatementHandle()).build() : null;
    });
  }

  @Override
  public Runnable acceptPutPreparedStatementUpdate(CommandPreparedStatementUpdate command, CallContext context,
      FlightStream flightStream, StreamListener<PutResult> ackStream) {
    return () -> respond(ackStream, () -> {
      Session session = session(context);
      PreparedQuery prepared = StatementCommands.prepared(session, command.getPreparedStatementHandle());
      List<List<Object>> rows = StatementCommands.readParameterRows(flightStream);
      QueryTrace trace = trace(session, prepared.plan());
      return trace.around(() -> updateResult(statements.execute(session, prepared.plan(),
          rows.isEmpty() ? prepared.boundRows() : rows, trace)));
    });
  }

  // ---- Substrait plans (not supported: Flight's defaults answer UNIMPLEMENTED without a message) ----------------

  @Override
  public FlightInfo getFlightInfoSubstraitPlan(CommandStatementSubstraitPlan command, CallContext context,
      FlightDescriptor descriptor) {
    throw substraitUnsupported();
  }

  @Override
  public SchemaResult getSchemaSubstraitPlan(CommandStatementSubstraitPlan command, CallContext context,
      FlightDescriptor descriptor) {
    throw substraitUnsupported();
  }

  @Override
  public Runnable acceptPutSubstraitPlan(CommandStatementSubstraitPlan command, CallContext context,
      FlightStream flightStream, StreamListener<PutResult> ackStream) {
    return () -> ackStream.onError(substraitUnsupported());
  }

  @Override
  public void createPreparedSubstraitPlan(ActionCreatePreparedSubstraitPlanRequest request, CallContext context,
      StreamListener<ActionCreatePreparedStatementResult> listener) {
    listener.onError(substraitUnsupported());
  }

  private static RuntimeException substraitUnsupported() {
    return unsupported("Substrait plans (CommandStatementSubstraitPlan)");
  }

  // ---- Cancellation --------------------------------------------------------------------------------------------

  @Override
  public void cancelFlightInfo(CancelFlightInfoRequest request, CallContext context,
      StreamListener<CancelStatus> listener) {
    reply(listener, () -> {
      if (!statements.cancel(principal(context).user(), request.getInfo())) {
        throw EngineException.notFound("none of the FlightInfo's tickets is known to this server; it may have"
            + " expired");
      }
      return CancelStatus.CANCELLED;
    });
  }

  // ---- Catalog metadata ----------------------------------------------------------------------------------------

  @Override
  public FlightInfo getFlightInfoSqlInfo(CommandGetSqlInfo request, CallContext context,
      FlightDescriptor descriptor) {
    return CatalogMetadata.flightInfo(Schemas.GET_SQL_INFO_SCHEMA, descriptor);
  }

  @Override
  public void getStreamSqlInfo(CommandGetSqlInfo command, CallContext context, ServerStreamListener listener) {
    SqlInfoAudience audience = context.getMiddleware(ClientAgentMiddleware.KEY).olderThanArrowJava18()
        ? SqlInfoAudience.BEFORE_ARROW_JAVA_18 : SqlInfoAudience.EVERY_ID;
    stream(listener, () -> sqlInfos.stream(session(context), command.getInfoList(), audience, listener));
  }

  @Override
  public FlightInfo getFlightInfoTypeInfo(CommandGetXdbcTypeInfo request, CallContext context,
      FlightDescriptor descriptor) {
    return CatalogMetadata.flightInfo(Schemas.GET_TYPE_INFO_SCHEMA, descriptor);
  }

  @Override
  public void getStreamTypeInfo(CommandGetXdbcTypeInfo request, CallContext context, ServerStreamListener listener) {
    stream(listener, () -> metadata.typeInfo(session(context), request, listener));
  }

  @Override
  public FlightInfo getFlightInfoCatalogs(CommandGetCatalogs request, CallContext context,
      FlightDescriptor descriptor) {
    return CatalogMetadata.flightInfo(Schemas.GET_CATALOGS_SCHEMA, descriptor);
  }

  @Override
  public void getStreamCatalogs(CallContext context, ServerStreamListener listener) {
    stream(listener, () -> metadata.catalogs(session(context), listener));
  }

  @Override
  public FlightInfo getFlightInfoSchemas(CommandGetDbSchemas request, CallContext context,
      FlightDescriptor descriptor) {
    return CatalogMetadata.flightInfo(Schemas.GET_SCHEMAS_SCHEMA, descriptor);
  }

  @Override
  public void getStreamSchemas(CommandGetDbSchemas command, CallContext context, ServerStreamListener listener) {
    stream(listener, () -> metadata.schemas(session(context), command, listener));
  }

  @Override
  public FlightInfo getFlightInfoTables(CommandGetTables request, CallContext context, FlightDescriptor descriptor) {
    return CatalogMetadata.flightInfo(CatalogMetadata.tablesSchema(request), descriptor);
  }

  @Override
  public void getStreamTables(CommandGetTables command, CallContext context, ServerStreamListener listener) {
    stream(listener, () -> metadata.tables(session(context), command, listener));
  }

  @Override
  public FlightInfo getFlightInfoTableTypes(CommandGetTableTypes request, CallContext context,
      FlightDescriptor descriptor) {
    return CatalogMetadata.flightInfo(Schemas.GET_TABLE_TYPES_SCHEMA, descriptor);
  }

  @Override
  public void getStreamTableTypes(CallContext context, ServerStreamListener listener) {
    stream(listener, () -> metadata.tableTypes(listener));
  }

  @Override
  public FlightInfo getFlightInfoPrimaryKeys(CommandGetPrimaryKeys request, CallContext context,
      FlightDescriptor descriptor) {
    return CatalogMetadata.flightInfo(Schemas.GET_PRIMARY_KEYS_SCHEMA, descriptor);
  }

  @Override
  public void getStreamPrimaryKeys(CommandGetPrimaryKeys command, CallContext context,
      ServerStreamListener listener) {
    stream(listener, () -> metadata.primaryKeys(session(context), command, listener));
  }

  @Override
  public FlightInfo getFlightInfoExportedKeys(CommandGetExportedKeys request, CallContext context,
      FlightDescriptor descriptor) {
    return CatalogMetadata.flightInfo(Schemas.GET_EXPORTED_KEYS_SCHEMA, descriptor);
  }

  @Override
  public FlightInfo getFlightInfoImportedKeys(CommandGetImportedKeys request, CallContext context,
      FlightDescriptor descriptor) {
    return CatalogMetadata.flightInfo(Schemas.GET_IMPORTED_KEYS_SCHEMA, descriptor);
  }

  @Override
  public FlightInfo getFlightInfoCrossReference(CommandGetCrossReference request, CallContext context,
      FlightDescriptor descriptor) {
    return CatalogMetadata.flightInfo(Schemas.GET_CROSS_REFERENCE_SCHEMA, descriptor);
  }

  @Override
  public void getStreamExportedKeys(CommandGetExportedKeys command, CallContext context,
      ServerStreamListener listener) {
    stream(listener, () -> metadata.exportedKeys(session(context), command, listener));
  }

  @Override
  public void getStreamImportedKeys(CommandGetImportedKeys command, CallContext context,
      ServerStreamListener listener) {
    stream(listener, () -> metadata.importedKeys(session(context), command, listener));
  }

  @Override
  public void getStreamCrossReference(CommandGetCrossReference command, CallContext context,
      ServerStreamListener listener) {
    stream(listener, () -> metadata.crossReference(session(context), command, listener));
  }

  // ---- Session options -----------------------------------------------------------------------------------------

  @Override
  public void setSessionOptions(SetSessionOptionsRequest request, CallContext context,
      StreamListener<SetSessionOptionsResult> listener) {
    reply(listener, () -> sessionOptions.set(session(context), request));
  }

  @Override
  public void getSessionOptions(GetSessionOptionsRequest request, CallContext context,
      StreamListener<GetSessionOptionsResult> listener) {
    reply(listener, () -> sessionOptions.get(session(context)));
  }

  /** Frees the session's DuckDB connection, prepared statements and open transaction; the next call starts anew. */
  @Override
  public void closeSession(CloseSessionRequest request, CallContext context,
      StreamListener<CloseSessionResult> listener) {
    sessions.close(sessionKey(context));
    listener.onNext(new CloseSessionResult(CloseSessionResult.Status.CLOSED));
    listener.onCompleted();
  }

  /** Every table, view and dataset, one FlightInfo each with a path descriptor; see {@link PathFlights}. */
  @Override
  public void listFlights(CallContext context, Criteria criteria, StreamListener<FlightInfo> listener) {
    reply(listener, () -> {
      pathFlights.list(session(context), criteria, listener);
      return null;
    });
  }

  /** Takes an edited ticket TTL for the tickets handed out from now on. */
  public void configure(SessionConfig config) {
    statements.configure(config.ticketTtl());
  }

  /** Takes edited partition settings for the queries planned from now on. */
  public void configure(FlightConfig flight) {
    statements.configure(StatementCommands.Partitioning.of(flight));
  }

  /**
   * The FlightInfo of a query the coordinator placed on workers; its trace ends here with the placement (the
   * workers stream the rows and log them, each line with the same cluster query id).
   */
  private FlightInfo placedFlightInfo(Session session, StatementPlan plan, FlightDescriptor descriptor,
      ClusterFlights.Placement placement, QueryTrace trace) {
    FlightInfo info = statements.placedFlightInfo(session, plan, descriptor, placement);
    trace.placed(placement.queryId(), placement.workers());
    return info;
  }

  @Override
  public void close() {
    statements.close();
    cluster.close();
  }

  // ---- Helpers -------------------------------------------------------------------------------------------------

  private Session session(CallContext context) {
    return sessions.session(sessionKey(context), principal(context));
  }

  /** The caller's session key: its bearer token when authentication is on, else what SessionKeyMiddleware saw. */
  private static String sessionKey(CallContext context) {
    AuthMiddleware auth = context.getMiddleware(AuthMiddleware.KEY);
    return auth != null ? auth.sessionKey() : context.getMiddleware(SessionKeyMiddleware.KEY).sessionKey();
  }

  /** The caller's bearer token, for a relay to send on to a worker; empty when authentication is off. */
  private static Optional<String> bearer(CallContext context) {
    AuthMiddleware auth = context.getMiddleware(AuthMiddleware.KEY);
    return auth != null ? Optional.of(auth.token()) : Optional.empty();
  }

  /** Whether the caller asked for every endpoint on this server ({@link HeaderOption#PROXY}). */
  private static boolean proxy(CallContext context) {
    return HeaderOption.PROXY.in(context).orElse(false);
  }

  private static Principal principal(CallContext context) {
    AuthMiddleware auth = context.getMiddleware(AuthMiddleware.KEY);
    return auth != null ? auth.principal() : Principal.ANONYMOUS;
  }

  private QueryTrace trace(Session session, String sql) {
    return telemetry.statement(Protocol.FLIGHT, session, sql);
  }

  /** The trace of a statement planned by an earlier call (a prepared statement). */
  private QueryTrace trace(Session session, StatementPlan plan) {
    QueryTrace trace = trace(session, plan.sql());
    trace.kind(plan);
    return trace;
  }

  /** Plans {@code sql}; a plan kept beside a cached result answers unless the call turned the cache off. */
  private StatementPlan plan(QueryTrace trace, Session session, String sql, CallContext context) {
    StatementPlan plan = executor.plan(session, sql, HeaderOption.CACHE.in(context).orElse(true));
    trace.planned(plan);
    return plan;
  }

  private static boolean isAny(byte[] bytes) {
    try {
      return !Any.parseFrom(bytes).getTypeUrl().isEmpty();
    } catch (InvalidProtocolBufferException e) {
      return false;
    }
  }

  private static DoPutUpdateResult updateResult(long count) {
    return DoPutUpdateResult.newBuilder().setRecordCount(count).build();
  }

  /** Answers a DoPut with the work's result (none when it returns null), or its engine failure as the status. */
  private void respond(StreamListener<PutResult> ackStream, Supplier<Message> work) {
    try {
      Message answer = work.get();
      if (answer != null) {
        byte[] bytes = answer.toByteArray();
        try (ArrowBuf buffer = allocator.buffer(bytes.length)) {
          buffer.writeBytes(bytes);
          ackStream.onNext(PutResult.metadata(buffer));
        }
      }
      ackStream.onCompleted();
    } catch (EngineException e) {
      ackStream.onError(FlightStatuses.toGrpc(e));
    }
  }

  /** Runs a metadata answer, turning an engine failure into the stream's error. */
  private static void stream(ServerStreamListener listener, Runnable work) {
    try {
      work.run();
    } catch (EngineException e) {
      listener.error(FlightStatuses.toGrpc(e));
    }
  }

  /**
   * Answers a call with results: the work's result (none when it returns null: it sent its own, or there are none),
   * then completion, or its engine failure as the call's status.
   */
  private static <T> void reply(StreamListener<T> listener, Supplier<T> work) {
    try {
      T result = work.get();
      if (result != null) {
        listener.onNext(result);
      }
      listener.onCompleted();
    } catch (EngineException e) {
      listener.onError(FlightStatuses.toGrpc(e));
    }
  }

  private static <T> T call(Supplier<T> work) {
    try {
      return work.get();
    } catch (EngineException e) {
      throw FlightStatuses.toGrpc(e);
    }
  }

  private static RuntimeException savepointsUnsupported() {
    return FlightStatuses.toGrpc(new EngineException(ErrorKind.UNIMPLEMENTED,
        "savepoints are not supported: DuckDB has no SAVEPOINT; use BeginTransaction/EndTransaction"));
  }

  private static RuntimeException unsupported(String what) {
    return FlightStatuses.toGrpc(new EngineException(ErrorKind.UNIMPLEMENTED, what + " is not supported"));
  }
}
