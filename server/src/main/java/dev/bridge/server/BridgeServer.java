package dev.bridge.server;

import dev.bridge.config.BridgeConfig;
import dev.bridge.engine.DaemonThreads;
import dev.bridge.engine.DuckDbEngine;
import dev.bridge.engine.SessionManager;
import dev.bridge.engine.StatementExecutor;
import dev.bridge.engine.TransactionManager;
import dev.bridge.flight.BridgeFlightSqlProducer;
import dev.bridge.flight.FlightTransport;
import dev.bridge.ingest.ArrowIngest;
import dev.bridge.rest.HttpTransport;
import dev.bridge.rest.RestHandler;
import java.io.IOException;
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
  private final SessionManager sessions;
  private final TransactionManager transactions;
  private final ExecutorService executor;
  private final BridgeFlightSqlProducer producer;
  private final FlightTransport flight;
  private final HttpTransport http;
  private boolean closed;

  private BridgeServer(BridgeConfig config, BufferAllocator allocator, DuckDbEngine engine, SessionManager sessions,
      TransactionManager transactions, ExecutorService executor, BridgeFlightSqlProducer producer,
      FlightTransport flight, HttpTransport http) {
    this.config = config;
    this.allocator = allocator;
    this.engine = engine;
    this.sessions = sessions;
    this.transactions = transactions;
    this.executor = executor;
    this.producer = producer;
    this.flight = flight;
    this.http = http;
  }

  public static BridgeServer start(BridgeConfig config) throws IOException {
    config.validate();
    BufferAllocator allocator = new RootAllocator();
    DuckDbEngine engine = DuckDbEngine.open(config.database());
    SessionManager sessions = new SessionManager(engine, config.sessions());
    ExecutorService executor = Executors.newCachedThreadPool(DaemonThreads.named("bridge-flight"));
    StatementExecutor statements = new StatementExecutor(engine, allocator, config.sessions().busyWait());
    TransactionManager transactions =
        new TransactionManager(config.sessions().busyWait(), config.sessions().transactionIdleTimeout());
    ArrowIngest ingest = new ArrowIngest(allocator, config.sessions().busyWait());
    BridgeFlightSqlProducer producer = new BridgeFlightSqlProducer(sessions, statements, transactions, ingest,
        allocator, config.flight().batchRows());
    FlightTransport flight = null;
    try {
      flight = FlightTransport.start(config.flight(), allocator, producer, sessions, executor);
      HttpTransport http = config.http().enabled()
          ? HttpTransport.start(config.http(), config.flight().host(),
              new RestHandler(config.http(), engine, sessions, statements, ingest, allocator))
          : null;
      return new BridgeServer(config, allocator, engine, sessions, transactions, executor, producer, flight, http);
    } catch (IOException | RuntimeException e) {
      if (flight != null) {
        shutdownQuietly(flight);
      }
      producer.close();
      transactions.close();
      sessions.close();
      engine.close();
      executor.shutdownNow();
      allocator.close();
      throw e;
    }
  }

  public int flightPort() {
    return flight.port();
  }

  /** The HTTP door's port, or -1 when it is disabled. */
  public int httpPort() {
    return http == null ? -1 : http.port();
  }

  public BridgeConfig config() {
    return config;
  }

  /** Bytes of Arrow memory held right now (batches in flight, parameter buffers). */
  public long allocatedBytes() {
    return allocator.getAllocatedMemory();
  }

  public int sessionCount() {
    return sessions.size();
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    if (http != null) {
      http.stop();
    }
    shutdownQuietly(flight);
    producer.close();
    transactions.close();
    sessions.close();
    engine.close();
    executor.shutdown();
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
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

  private static void shutdownQuietly(FlightTransport flight) {
    try {
      flight.shutdown(SHUTDOWN_GRACE_MILLIS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
