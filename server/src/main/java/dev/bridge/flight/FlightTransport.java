package dev.bridge.flight;

import dev.bridge.auth.Authenticator;
import dev.bridge.cluster.WorkerLoad;
import dev.bridge.config.FlightConfig;
import dev.bridge.engine.SessionManager;
import dev.bridge.flight.compression.CompressionHeader;
import dev.bridge.flight.compression.GzipMessages;
import dev.bridge.flight.compression.StreamCompression;
import dev.bridge.metrics.BridgeMetrics;
import dev.bridge.tls.ServerTls;
import io.grpc.Attributes;
import io.grpc.BindableService;
import io.grpc.Grpc;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.ServerMethodDefinition;
import io.grpc.ServerServiceDefinition;
import io.grpc.ServerTransportFilter;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.ChannelOption;
import io.grpc.netty.shaded.io.netty.channel.WriteBufferWaterMark;
import io.grpc.protobuf.services.HealthStatusManager;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.flight.FlightGrpcUtils;
import org.apache.arrow.flight.auth.ServerAuthHandler;
import org.apache.arrow.flight.grpc.ServerBackpressureThresholdInterceptor;
import org.apache.arrow.flight.grpc.ServerInterceptorAdapter;
import org.apache.arrow.flight.impl.FlightServiceGrpc;
import org.apache.arrow.memory.BufferAllocator;

/**
 * The gRPC server the Flight SQL service listens on: grpc-netty-shaded, carrying Flight (through
 * {@link FlightGrpcUtils}) and the standard {@code grpc.health.v1} service on one port.
 *
 * <p>Flight's own zero-copy write hands unshaded Netty buffers to gRPC, which this transport cannot send (the client
 * sees RST_STREAM); {@link ZeroCopyBatches} hands the same memory over as shaded buffers instead.
 */
public final class FlightTransport implements AutoCloseable {
  /**
   * How many bytes a connection's socket buffer may queue in Netty before the HTTP/2 flow controller stops writing
   * to it. Netty's default (64 KiB, resumed at 32 KiB) made the event loop go through a writability change, a flow
   * controller pass and a writev for every four 16 KiB DATA frames of a result stream; at 2 MiB / 512 KiB the same
   * uncompressed 6M-row result took about 10% less server CPU per pass (two alternated runs at 10 Gbit). The batches
   * queued there are references to the batch's own memory, and the stream's backpressure bound
   * ({@code flight.backpressure_threshold_bytes}) is unchanged: gRPC counts a message as queued until it is written.
   */
  private static final WriteBufferWaterMark WRITE_BUFFER = new WriteBufferWaterMark(512 * 1024, 2 * 1024 * 1024);

  private final Server server;
  private final HealthStatusManager health;

  private FlightTransport(Server server, HealthStatusManager health) {
    this.server = server;
    this.health = health;
  }

  /** Starts listening; with {@code tls} the port speaks only TLS (grpc+tls://). */
  public static FlightTransport start(FlightConfig config, Optional<ServerTls> tls, BufferAllocator allocator,
      BridgeFlightSqlProducer producer, SessionManager sessions, ExecutorService executor,
      Authenticator authenticator, BridgeMetrics metrics) throws IOException {
    HealthStatusManager health = new HealthStatusManager();
    List<ServerInterceptorAdapter.KeyFactory<?>> middleware = new ArrayList<>();
    if (authenticator.enabled()) {
      // First, so that no other middleware (nor the producer) sees an unauthenticated call.
      middleware.add(new ServerInterceptorAdapter.KeyFactory<>(AuthMiddleware.KEY,
          new AuthMiddleware.Factory(authenticator)));
    }
    middleware.add(
        new ServerInterceptorAdapter.KeyFactory<>(SessionKeyMiddleware.KEY, new SessionKeyMiddleware.Factory()));
    middleware.add(
        new ServerInterceptorAdapter.KeyFactory<>(ClientAgentMiddleware.KEY, new ClientAgentMiddleware.Factory()));
    middleware.add(HeaderOption.PROXY.middleware());
    middleware.add(new ServerInterceptorAdapter.KeyFactory<>(CompressionHeader.KEY,
        new CompressionHeader.Factory(
            new StreamCompression(config.compression(), metrics::resultCompressed, executor))));
    middleware.add(HeaderOption.PARTITIONS.middleware());
    middleware.add(HeaderOption.CACHE.middleware());
    // Interceptors run last-listed first: the peer address must be in the headers before the middleware reads them.
    NettyServerBuilder builder = NettyServerBuilder.forAddress(new InetSocketAddress(config.host(), config.port()));
    tls.ifPresent(identity -> builder.sslContext(identity.grpcContext()));
    Server server = builder
        .executor(executor)
        .withChildOption(ChannelOption.WRITE_BUFFER_WATER_MARK, WRITE_BUFFER)
        .maxInboundMessageSize(config.maxInboundMessageBytes())
        .maxInboundMetadataSize(config.maxHeaderListBytes())
        .compressorRegistry(GzipMessages.registry(metrics::resultCompressed))
        .addService(ServerInterceptors.intercept(
            flightService(FlightGrpcUtils.createFlightService(allocator, producer, ServerAuthHandler.NO_OP, executor),
                metrics),
            new ServerInterceptorAdapter(middleware),
            new ServerBackpressureThresholdInterceptor(config.backpressureThresholdBytes()),
            new PeerAddressInterceptor()))
        .addService(health.getHealthService())
        // Beside health and, like it, outside Flight's authentication: a coordinator asks its workers' load here.
        .addService(WorkerLoad.service(metrics::streamsActive))
        .addTransportFilter(new ClosePeerSessionOnDisconnect(sessions, executor))
        .build()
        .start();
    health.setStatus("", ServingStatus.SERVING);
    return new FlightTransport(server, health);
  }

  /** Flight's service with DoPut guarded ({@link DoPutGuard}) and DoGet writing batches without a copy. */
  private static ServerServiceDefinition flightService(BindableService flight, BridgeMetrics metrics) {
    ServerServiceDefinition service = flight.bindService();
    ServerServiceDefinition.Builder builder = ServerServiceDefinition.builder(service.getServiceDescriptor().getName());
    for (ServerMethodDefinition<?, ?> method : service.getMethods()) {
      String name = method.getMethodDescriptor().getFullMethodName();
      if (name.equals(FlightServiceGrpc.getDoPutMethod().getFullMethodName())) {
        builder.addMethod(DoPutGuard.guard(method));
      } else if (name.equals(FlightServiceGrpc.getDoGetMethod().getFullMethodName())) {
        builder.addMethod(ZeroCopyBatches.install(method, metrics::flightBatchWritten));
      } else {
        builder.addMethod(method);
      }
    }
    return builder.build();
  }

  public int port() {
    return ((InetSocketAddress) server.getListenSockets().get(0)).getPort();
  }

  /** Stops taking calls and lets running ones finish for up to {@code graceMillis}, then cancels the rest. */
  public void shutdown(long graceMillis) throws InterruptedException {
    health.enterTerminalState();
    server.shutdown();
    if (!server.awaitTermination(graceMillis, TimeUnit.MILLISECONDS)) {
      server.shutdownNow();
      server.awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  @Override
  public void close() throws InterruptedException {
    shutdown(0);
  }

  /**
   * Without authentication a session is a client connection: it ends when the connection does. The session is
   * closed off the Netty event loop: closing waits for a statement still running on the session's connection, and
   * an ingest only ends once that same event loop has told its DoPut stream that the client is gone.
   */
  private static final class ClosePeerSessionOnDisconnect extends ServerTransportFilter {
    private final SessionManager sessions;
    private final ExecutorService executor;

    ClosePeerSessionOnDisconnect(SessionManager sessions, ExecutorService executor) {
      this.sessions = sessions;
      this.executor = executor;
    }

    @Override
    public void transportTerminated(Attributes transportAttrs) {
      // Null for a connection that never got ready (a failed TLS handshake): it has no session. Throwing here
      // would keep gRPC from forgetting the transport, and shutdown would wait out its whole grace period.
      if (transportAttrs == null) {
        return;
      }
      SocketAddress remote = transportAttrs.get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
      if (remote != null) {
        String key = SessionKeyMiddleware.forPeer(remote.toString());
        executor.execute(() -> sessions.close(key));
      }
    }
  }
}
