package dev.bridge.flight;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.bridge.cluster.ClusterTickets;
import dev.bridge.cluster.WorkerPool;
import dev.bridge.config.ClusterConfig;
import dev.bridge.config.ClusterRole;
import dev.bridge.config.PartitionSetting;
import dev.bridge.config.ResultCompression;
import dev.bridge.engine.EngineException;
import dev.bridge.engine.ErrorKind;
import dev.bridge.engine.Session;
import dev.bridge.engine.SessionManager;
import dev.bridge.engine.StatementExecutor;
import dev.bridge.engine.StatementPlan;
import dev.bridge.engine.partitions.Partition;
import dev.bridge.engine.partitions.PartitionPlan;
import dev.bridge.engine.partitions.Slice;
import dev.bridge.flight.compression.CompressionHeader;
import dev.bridge.identity.Principal;
import io.grpc.ManagedChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Function;
import org.apache.arrow.flight.CallHeaders;
import org.apache.arrow.flight.CallOption;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.FlightCallHeaders;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightEndpoint;
import org.apache.arrow.flight.FlightGrpcUtils;
import org.apache.arrow.flight.FlightProducer.ServerStreamListener;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStatusCode;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.HeaderCallOption;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.Ticket;
import org.apache.arrow.memory.BufferAllocator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Flight side of worker nodes behind a coordinator ({@code docs/cluster.md}). On a coordinator it places a
 * planned query on its live workers (endpoints whose location is the worker and whose ticket the coordinator
 * signed), and relays a worker's stream for a client that asked for {@code x-bridge-proxy}. On a worker it serves
 * the coordinator's signed tickets: the statement is planned again in the caller's own session, so the caller's
 * role is checked here too, and only queries are served. A single node refuses cluster tickets.
 */
public final class ClusterFlights implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ClusterFlights.class);
  /** The session keys of the sessions a worker serves cluster tickets in, one per ticket. */
  private static final String TICKET_SESSION = "cluster-ticket:";
  /** The type URL of the {@code Any} a cluster ticket travels in, telling it from Flight SQL's own tickets. */
  static final String TICKET_TYPE = "type.bridge.dev/bridge.ClusterTicket";

  private final ClusterRole role;
  private final Optional<ClusterTickets> tickets;
  private final Optional<WorkerPool> workers;
  private final StatementExecutor executor;
  private final SessionManager sessions;
  private final BufferAllocator allocator;
  private final ExecutorService relays;
  private final Map<String, FlightClient> relayClients = new ConcurrentHashMap<>();

  /** {@code tickets} signs and checks cluster tickets on a coordinator or worker; a single node has none. */
  public ClusterFlights(ClusterRole role, Optional<ClusterTickets> tickets, Optional<WorkerPool> workers,
      StatementExecutor executor, SessionManager sessions, BufferAllocator allocator, ExecutorService relays) {
    this.role = role;
    this.tickets = tickets;
    this.workers = workers;
    this.executor = executor;
    this.sessions = sessions;
    this.allocator = allocator;
    this.relays = relays;
  }

  /** The signed bytes a Flight ticket carries when it is a cluster ticket. */
  static Optional<byte[]> signedBytes(byte[] ticket) {
    try {
      Any any = Any.parseFrom(ticket);
      return TICKET_TYPE.equals(any.getTypeUrl()) ? Optional.of(any.getValue().toByteArray()) : Optional.empty();
    } catch (InvalidProtocolBufferException e) {
      return Optional.empty();
    }
  }

  /**
   * Where a coordinator placed a query: the id its tickets share, the workers (one per endpoint, in endpoint
   * order), the endpoints, and the record count when known (-1 otherwise).
   */
  record Placement(String queryId, List<String> workers, List<FlightEndpoint> endpoints, long totalRecords) {}

  /**
   * On a coordinator, the placement on live workers of a query the caller's session planned. A union-safe query
   * over one file dataset that {@code partitions} allows to split is cut into slices (subsets of the dataset's
   * files, or runs of row groups of files when it has fewer files than slices,
   * {@link dev.bridge.engine.partitions.PartitionPlanner}), at most one per live worker, each slice on a
   * worker of its own, least-loaded first; any other query runs whole on the least-loaded one. Empty, so that it
   * runs here, on any other node, for a statement that reads this node's database or writes, one with parameters,
   * in a transaction, in a session that moved its current schema, or when no worker is live. With {@code proxy}
   * the endpoints have no location: the client redeems them here and this node relays.
   */
  Optional<Placement> place(Session session, StatementPlan plan, boolean proxy, PartitionSetting partitions,
      StatementCommands statements) {
    if (role != ClusterRole.COORDINATOR || plan.parameterCount() > 0
        || session.inTransaction() || !session.inOpeningSchema() || !executor.readsOnlyFiles(session, plan)) {
      return Optional.empty();
    }
    WorkerPool pool = workers.orElseThrow();
    int live = pool.liveCount();
    // Only file slices may travel: a table's rowid ranges name rows of this node's database, which workers never
    // see (readsOnlyFiles already keeps table reads here; this says why a table slice could not go anyway).
    Optional<PartitionPlan> split = live > 1
        ? statements.partitions(session, plan, Math.min(partitions.wanted(live), live))
            .filter(p -> p.partitions().stream().allMatch(part -> part.slice() instanceof Slice.DatasetSlice))
        : Optional.empty();
    String queryId = ClusterTickets.newQueryId();
    if (split.isPresent()) {
      List<Partition> slices = split.get().partitions();
      List<String> placed = pool.placeOnDistinct(slices.size());
      if (placed.size() == slices.size()) {
        List<FlightEndpoint> endpoints = new ArrayList<>();
        for (int i = 0; i < slices.size(); i++) {
          endpoints.add(endpoint(queryId, plan, slices.get(i).toBytes(), session, placed.get(i), proxy));
        }
        return Optional.of(new Placement(queryId, placed, endpoints, split.get().totalRecords()));
      }
      // A worker was lost since it was counted: the query runs whole instead (below).
    }
    List<String> placed = pool.place(1);
    if (placed.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(new Placement(queryId, placed,
        List.of(endpoint(queryId, plan, new byte[0], session, placed.get(0), proxy)), -1));
  }

  private FlightEndpoint endpoint(String queryId, StatementPlan plan, byte[] slice, Session session, String worker,
      boolean proxy) {
    // The session's options travel in the ticket: the worker streams the slice as this session would stream it.
    ClusterTickets.SessionChoices choices = new ClusterTickets.SessionChoices(
        Optional.ofNullable(session.queryTimeout()), session.resultCompression());
    byte[] signed = tickets.orElseThrow().issue(queryId, plan.sql(), slice, session.principal().user(), worker,
        choices);
    Ticket ticket = new Ticket(Any.newBuilder().setTypeUrl(TICKET_TYPE).setValue(ByteString.copyFrom(signed))
        .build().toByteArray());
    return proxy ? new FlightEndpoint(ticket) : new FlightEndpoint(ticket, location(worker));
  }

  /** The worker's location exactly as configured (grpc://, grpc+tcp:// or grpc+tls://host:port). */
  private static Location location(String worker) {
    return new Location(ClusterConfig.workerAddress(worker));
  }

  /**
   * Serves a cluster ticket redeemed by {@code caller}: a worker runs its statement; a coordinator relays it from
   * the worker it was placed on, sending {@code bearer} (the caller's token) along. {@code listenerFor} gives the
   * call's listener in the compression the call asked for, else the one the ticket's session chose (else the
   * server's). Returns at once.
   */
  void serve(Principal caller, Optional<String> bearer, byte[] signed,
      Function<Optional<ResultCompression>, ServerStreamListener> listenerFor, StatementCommands statements) {
    ClusterTickets clusterTickets = tickets.orElseThrow(() -> new EngineException(ErrorKind.FAILED_PRECONDITION,
        "this server is a single node (cluster.role: single): it serves no cluster tickets"));
    ClusterTickets.Ticket ticket = clusterTickets.verify(signed, caller.user());
    ServerStreamListener listener = listenerFor.apply(ticket.choices().compression());
    try {
      if (role == ClusterRole.COORDINATOR) {
        relay(ticket.worker(), signed, bearer, listener);
      } else {
        serveHere(caller, ticket, listener, statements);
      }
    } catch (EngineException e) {
      // Told through the listener the stream's compression wraps, as everything sent on this call from now on.
      listener.error(FlightStatuses.toGrpc(e));
    }
  }

  /** On a worker, streams the statement of a verified ticket to {@code listener}; returns at once. */
  private void serveHere(Principal caller, ClusterTickets.Ticket ticket, ServerStreamListener listener,
      StatementCommands statements) {
    // A session of its own for each ticket, with the query timeout of the coordinator's session the ticket carries
    // (its compression chose the listener already): it applies to this stream alone, whatever else the caller runs
    // here meanwhile, and names resolve from the opening schema the coordinator planned in. Closed when the stream
    // ends.
    String key = TICKET_SESSION + UUID.randomUUID();
    Session session = sessions.session(key, caller);
    Runnable closeSession = () -> sessions.close(key);
    try {
      ticket.choices().queryTimeout().ifPresent(session::setQueryTimeout);
      // A worker's data versions never see the owner's commits: its plans are not taken from the cache either.
      StatementPlan plan = executor.plan(session, ticket.sql(), false);
      if (!plan.kind().returnsRows() || !plan.effects().writes().none()) {
        throw new EngineException(ErrorKind.PERMISSION_DENIED, "a cluster ticket carries only queries; this one's "
            + "statement writes, and writes run on the node that owns the database");
      }
      Optional<Partition> partition = ticket.whole() ? Optional.empty()
          : Optional.of(Partition.fromBytes(ticket.slice()));
      if (partition.isPresent() && !(partition.get().slice() instanceof Slice.DatasetSlice)) {
        throw EngineException.invalidArgument("a cluster ticket's slice must be some files of a dataset; rows of a "
            + "table belong to the coordinator's database, which a worker does not see");
      }
      statements.streamPlaced(session, plan, partition, ticket.queryId(), listener, closeSession);
    } catch (RuntimeException e) {
      closeSession.run();
      throw e;
    }
  }

  /**
   * Relays the worker's stream of a ticket to the client on a thread of its own: a batch is read from the worker
   * only once the client's transport is ready for the last one, so a slow client slows the worker (gRPC's flow
   * control stops the worker's sends while this relay does not read), and about one batch per stream is held here.
   */
  private void relay(String worker, byte[] signed, Optional<String> bearer, ServerStreamListener listener) {
    ManagedChannel channel = workers.orElseThrow().channel(worker).orElseThrow(() -> new EngineException(
        ErrorKind.NOT_FOUND, "the ticket was placed on " + worker + ", which is not a worker of this coordinator"));
    FlightClient client = relayClients.computeIfAbsent(worker,
        w -> FlightGrpcUtils.createFlightClientWithSharedChannel(allocator, channel));
    Ticket ticket = new Ticket(Any.newBuilder().setTypeUrl(TICKET_TYPE).setValue(ByteString.copyFrom(signed)).build()
        .toByteArray());
    CallHeaders headers = new FlightCallHeaders();
    bearer.ifPresent(token -> headers.insert("authorization", "Bearer " + token));
    // This node compresses for its client as the call and the ticket's session chose: the hop from the worker goes
    // uncompressed rather than being compressed twice.
    headers.insert(CompressionHeader.NAME, ResultCompression.NONE.label());
    CallOption[] options = {new HeaderCallOption(headers)};
    Relay relay = new Relay(worker, listener);
    listener.setOnReadyHandler(relay::wake);
    listener.setOnCancelHandler(relay::clientGone);
    relays.execute(() -> relay.run(client, ticket, options));
  }

  private final class Relay {
    private final String worker;
    private final ServerStreamListener listener;
    private final Object readiness = new Object();
    private volatile boolean clientGone;

    Relay(String worker, ServerStreamListener listener) {
      this.worker = worker;
      this.listener = listener;
    }

    void wake() {
      synchronized (readiness) {
        readiness.notifyAll();
      }
    }

    void clientGone() {
      clientGone = true;
      wake();
    }

    void run(FlightClient client, Ticket ticket, CallOption[] options) {
      try (FlightStream stream = client.getStream(ticket, options)) {
        listener.start(stream.getRoot(), stream.getDictionaryProvider());
        while (!clientGone && stream.next()) {
          if (!awaitReady()) {
            break;
          }
          listener.putNext();
        }
        if (clientGone) {
          stream.cancel("the client of the coordinator's relay went away", null);
          return;
        }
        listener.completed();
      } catch (FlightRuntimeException e) {
        if (e.status().code() == FlightStatusCode.UNAVAILABLE) {
          workers.orElseThrow().unreachable(worker);
        }
        if (!clientGone) {
          listener.error(e);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        listener.error(CallStatus.CANCELLED.withDescription("the server is stopping").toRuntimeException());
      } catch (Exception e) {
        log.error("relaying the stream of worker {} failed", worker, e);
        if (!clientGone) {
          listener.error(CallStatus.INTERNAL.withDescription("relaying the stream of worker " + worker
              + " failed: " + e).toRuntimeException());
        }
      }
    }

    /** Waits (on the relay's own thread, never a gRPC one) until the client can take a batch; false if it left. */
    private boolean awaitReady() throws InterruptedException {
      synchronized (readiness) {
        while (!listener.isReady() && !clientGone) {
          // The timeout only guards against a readiness signal lost between the check and the wait.
          readiness.wait(100);
        }
      }
      return !clientGone;
    }
  }

  @Override
  public void close() {
    for (FlightClient client : relayClients.values()) {
      try {
        client.close();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    workers.ifPresent(WorkerPool::close);
  }
}
