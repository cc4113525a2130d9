package dev.bridge.cluster;

import dev.bridge.config.ClusterConfig;
import dev.bridge.config.ConfigException;
import dev.bridge.engine.DaemonThreads;
import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.StreamObserver;
import java.io.File;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The coordinator's view of its workers: which are live, from a {@code grpc.health.v1} Watch stream per worker
 * (it ends the moment a worker's process or connection dies, so a dead worker is known at once, not at the next
 * poll), and how loaded each is, from {@link WorkerLoad} asked every {@code cluster.health_interval} plus the
 * endpoints placed on it since. One gRPC channel per worker serves the checks and the proxy's relays.
 */
public final class WorkerPool implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(WorkerPool.class);

  /** A worker as the coordinator sees it now: its location, whether it is live, and its load estimate. */
  public record Worker(String location, boolean live, long load) {}

  private final class Tracked {
    final String location;
    final ManagedChannel channel;
    volatile boolean live;
    volatile long polledLoad;
    final AtomicLong placedSincePoll = new AtomicLong();

    Tracked(String location, ManagedChannel channel) {
      this.location = location;
      this.channel = channel;
    }

    long load() {
      return polledLoad + placedSincePoll.get();
    }
  }

  private final List<Tracked> workers;
  private final Map<String, Tracked> byLocation = new ConcurrentHashMap<>();
  private final long intervalMillis;
  private final ScheduledExecutorService scheduler =
      Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("bridge-worker-health"));
  private volatile boolean closed;
  /** Where the search for the least-loaded worker starts next (guarded by this). */
  private int nextTieBreak;

  private WorkerPool(List<Tracked> workers, long intervalMillis) {
    this.workers = workers;
    this.intervalMillis = intervalMillis;
  }

  /** Connects to the configured workers and starts watching them; none is live until its health says so. */
  public static WorkerPool start(ClusterConfig config) {
    List<Tracked> tracked = new ArrayList<>();
    WorkerPool pool = new WorkerPool(tracked, config.healthInterval().toMillis());
    for (String location : config.workers()) {
      tracked.add(pool.new Tracked(location, channel(ClusterConfig.workerAddress(location), config.workerCaFile())));
    }
    tracked.forEach(worker -> pool.byLocation.put(worker.location, worker));
    tracked.forEach(pool::watch);
    pool.scheduler.scheduleWithFixedDelay(pool::pollLoads, 0, pool.intervalMillis, TimeUnit.MILLISECONDS);
    return pool;
  }

  private static ManagedChannel channel(URI address, String caFile) {
    NettyChannelBuilder builder = NettyChannelBuilder.forAddress(address.getHost(), address.getPort())
        // Relayed batches are as large as the worker makes them, as for any Flight client.
        .maxInboundMessageSize(Integer.MAX_VALUE);
    if (!"grpc+tls".equals(address.getScheme())) {
      return builder.usePlaintext().build();
    }
    if (caFile.isEmpty()) {
      return builder.useTransportSecurity().build();
    }
    try {
      return builder.sslContext(GrpcSslContexts.forClient().trustManager(new File(caFile)).build()).build();
    } catch (SSLException | IllegalArgumentException e) {
      throw new ConfigException("cluster.worker_ca_file " + caFile + " is not a usable PEM CA certificate: "
          + e.getMessage());
    }
  }

  /** Every worker now, in configuration order. */
  public List<Worker> workers() {
    return workers.stream().map(w -> new Worker(w.location, w.live, w.load())).toList();
  }

  /**
   * The live workers for {@code count} endpoints, each given to the least-loaded one at its turn (counting what
   * this call placed before it); ties go round the workers, so that equally idle ones share the work. Empty when no
   * worker is live.
   */
  public synchronized List<String> place(int count) {
    return place(count, false);
  }

  /**
   * Distinct live workers for up to {@code count} endpoints, least-loaded first (ties go round the workers): the
   * slices of one query, each on a worker of its own. Fewer than {@code count} when fewer workers are live.
   */
  public synchronized List<String> placeOnDistinct(int count) {
    return place(count, true);
  }

  private List<String> place(int count, boolean distinct) {
    List<String> placed = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Tracked least = null;
      for (int k = 0; k < workers.size(); k++) {
        Tracked candidate = workers.get((nextTieBreak + k) % workers.size());
        if (candidate.live && !(distinct && placed.contains(candidate.location))
            && (least == null || candidate.load() < least.load())) {
          least = candidate;
        }
      }
      if (least == null) {
        return distinct ? placed : List.of();
      }
      nextTieBreak = (workers.indexOf(least) + 1) % workers.size();
      least.placedSincePoll.incrementAndGet();
      placed.add(least.location);
    }
    return placed;
  }

  /** How many workers are live now. */
  public int liveCount() {
    return (int) workers.stream().filter(w -> w.live).count();
  }

  /** The channel to a configured worker; empty for a location that is not one. */
  public Optional<ManagedChannel> channel(String location) {
    return Optional.ofNullable(byLocation.get(location)).map(w -> w.channel);
  }

  /** A call to the worker failed as unreachable: it takes no endpoints until its health says SERVING again. */
  public void unreachable(String location) {
    Tracked worker = byLocation.get(location);
    if (worker != null && worker.live) {
      log.warn("worker {} is unreachable; its endpoints go to the other workers", location);
      worker.live = false;
      scheduler.schedule(() -> watch(worker), intervalMillis, TimeUnit.MILLISECONDS);
    }
  }

  private void watch(Tracked worker) {
    if (closed) {
      return;
    }
    HealthGrpc.newStub(worker.channel).watch(HealthCheckRequest.getDefaultInstance(),
        new StreamObserver<HealthCheckResponse>() {
          @Override
          public void onNext(HealthCheckResponse response) {
            boolean serving = response.getStatus() == ServingStatus.SERVING;
            if (serving != worker.live) {
              log.info("worker {} is {}", worker.location, serving ? "live" : "not serving");
            }
            worker.live = serving;
          }

          @Override
          public void onError(Throwable t) {
            lost();
          }

          @Override
          public void onCompleted() {
            lost();
          }

          private void lost() {
            if (worker.live) {
              log.warn("worker {} is gone (its health stream ended)", worker.location);
            }
            worker.live = false;
            if (!closed) {
              // A restarted worker should be found at the next try, not after gRPC's reconnect backoff.
              worker.channel.resetConnectBackoff();
              scheduler.schedule(() -> watch(worker), intervalMillis, TimeUnit.MILLISECONDS);
            }
          }
        });
  }

  private void pollLoads() {
    for (Tracked worker : workers) {
      if (!worker.live) {
        continue;
      }
      try {
        worker.polledLoad = WorkerLoad.ask(worker.channel, Math.max(intervalMillis, 200));
        worker.placedSincePoll.set(0);
      } catch (RuntimeException e) {
        // The health stream decides liveness; a slow answer only leaves the estimate as it was.
        log.debug("asking worker {} for its load failed: {}", worker.location, e.toString());
      }
    }
  }

  @Override
  public void close() {
    closed = true;
    scheduler.shutdownNow();
    for (Tracked worker : workers) {
      worker.channel.shutdownNow();
    }
  }
}
