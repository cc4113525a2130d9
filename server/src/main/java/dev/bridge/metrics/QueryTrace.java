package dev.bridge.metrics;

import dev.bridge.engine.Session;
import dev.bridge.engine.StatementKind;
import dev.bridge.engine.StatementPlan;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * One statement or ingest as the metrics and the query log see it: the door marks when it was planned, each batch
 * it sent, and how it ended. It ends once ({@link #succeeded}, {@link #failed}); a trace dropped after planning (a
 * query whose ticket is redeemed by a later call, which traces its stream) counts only its planning time.
 */
public final class QueryTrace {
  static final String INGEST = "ingest";

  private final Telemetry telemetry;
  private final Protocol protocol;
  private final String user;
  private final Session session;
  private final String statement;
  // This protocol's series, looked up once rather than for every batch of the stream.
  private final CounterDataPoint rowsSent;
  private final CounterDataPoint bytesSent;
  private final long startNanos = System.nanoTime();
  private final long startedAtMillis = System.currentTimeMillis();
  private final AtomicBoolean ended = new AtomicBoolean();
  private volatile String kind = "unknown";
  /** The engine that ran the statement: DuckDB unless it was planned for another ({@link #engine}). */
  private volatile String engine = StatementPlan.DUCKDB;
  private volatile boolean streaming;
  private volatile boolean sentFirstBatch;
  // Added to by the streams of every partition, possibly at once.
  private final AtomicLong rows = new AtomicLong();
  private final AtomicLong bytes = new AtomicLong();
  private final int partitions;
  /** Partitions neither ended nor expired: the trace of a partitioned query ends when none is left. */
  private final AtomicInteger partitionsLeft;
  /** Partitions whose tickets expired before anyone redeemed them. */
  private final AtomicInteger partitionsExpired = new AtomicInteger();
  // The trace's entries among the running statements (one per partition streaming).
  private final Set<Long> runningIds = ConcurrentHashMap.newKeySet();
  private volatile boolean cacheHit;
  private volatile String clusterQuery;
  private volatile List<String> placedOn = List.of();

  QueryTrace(Telemetry telemetry, Protocol protocol, String user, Session session, String statement,
      int partitions) {
    this.partitions = partitions;
    this.partitionsLeft = new AtomicInteger(partitions);
    this.telemetry = telemetry;
    this.protocol = protocol;
    this.user = user;
    this.session = session;
    this.statement = statement;
    this.rowsSent = telemetry.metrics().rowsSent.labelValues(protocol.label());
    this.bytesSent = telemetry.metrics().bytesSent.labelValues(protocol.label());
  }

  /** The statement was planned as {@code plan}: its kind and engine, and the planning time. */
  public void planned(StatementPlan plan) {
    kind(plan);
    telemetry.metrics().planningSeconds.labelValues(protocol.label()).observe(elapsedSeconds());
  }

  /** The statement's kind, when it was planned by an earlier call. */
  public void kind(StatementKind statementKind) {
    kind(statementKind.name().toLowerCase(Locale.ROOT));
  }

  /** The kind and engine of a statement planned by an earlier call. */
  public void kind(StatementPlan plan) {
    kind(plan.kind());
    this.engine = plan.engine();
  }

  void kind(String label) {
    this.kind = label;
  }

  /**
   * The statement's work starts: it is listed among the running statements until the trace ends, or until the
   * returned callback runs (one partition's stream ended while others of its query go on), and {@code cancel} (the
   * door's own cancel for a client that goes away) is what an admin's cancel runs.
   */
  public Runnable running(Runnable cancel) {
    RunningStatements registry = telemetry.running();
    long id = registry.add(this, cancel);
    runningIds.add(id);
    if (ended.get()) {
      // The trace ended while it was being registered; end() may have missed the new entry.
      registry.remove(id);
    }
    return () -> {
      if (runningIds.remove(id)) {
        registry.remove(id);
      }
    };
  }

  RunningStatements.Snapshot snapshot(long id) {
    return new RunningStatements.Snapshot(id, user, session.id(), protocol, kind, statement, startedAtMillis,
        (System.nanoTime() - startNanos) / 1_000_000, rows.get(), bytes.get());
  }

  /** The result is a replay from the result cache: the query log says {@code "cache": "hit"}. */
  public void cacheHit() {
    cacheHit = true;
  }

  /** The statement is part {@code id} of a query a coordinator placed on workers (on a worker's trace). */
  public void clusterQuery(String id) {
    clusterQuery = id;
  }

  /**
   * A coordinator placed the query on {@code workers} (one per endpoint) under cluster query {@code id}: the trace
   * ends now, since the rows stream from the workers, each of which logs its own line with the same id. The line
   * has {@code partitions} = the number of endpoints and no rows or bytes.
   */
  public void placed(String id, List<String> workers) {
    clusterQuery = id;
    placedOn = List.copyOf(workers);
    end(Outcome.OK, null);
  }

  /** A result stream starts: counted among the active streams until the trace ends. */
  public void streamStarted() {
    if (!streaming) {
      streaming = true;
      telemetry.metrics().streamStarted();
    }
  }

  /** A batch was sent (or, for an ingest, received). */
  public void batch(long batchRows, long batchBytes) {
    if (!sentFirstBatch && !INGEST.equals(kind)) {
      sentFirstBatch = true;
      telemetry.metrics().firstBatchSeconds.labelValues(protocol.label()).observe(elapsedSeconds());
    }
    rows.addAndGet(batchRows);
    bytes.addAndGet(batchBytes);
    if (!INGEST.equals(kind)) {
      rowsSent.inc(batchRows);
      bytesSent.inc(batchBytes);
    }
  }

  /** Bytes that no batch accounted for: an HTTP body's buffered tail, or all the bytes an ingest received. */
  public void bytes(long moreBytes) {
    if (moreBytes > 0) {
      bytes.addAndGet(moreBytes);
      if (!INGEST.equals(kind)) {
        bytesSent.inc(moreBytes);
      }
    }
  }

  /** An update or ingest ended with {@code count} rows changed or written. */
  public void succeeded(long count) {
    rows.set(count);
    end(Outcome.OK, null);
  }

  /**
   * A stream ended after its last batch; a partitioned query's trace ends with its last partition's, as
   * {@link Outcome#ABANDONED} when the tickets of some others expired unredeemed.
   */
  public void succeeded() {
    partitionEnded();
  }

  /**
   * The ticket of one partition of this query expired before anyone redeemed it: the client never fetched it. The
   * query's trace ends once every partition ended or expired, so that a client that reads only some endpoints
   * still leaves one query-log line (outcome abandoned, {@code expired_partitions}) and no running entries.
   */
  public void partitionExpired() {
    partitionsExpired.incrementAndGet();
    partitionEnded();
  }

  private void partitionEnded() {
    if (partitionsLeft.decrementAndGet() <= 0) {
      end(partitionsExpired.get() > 0 ? Outcome.ABANDONED : Outcome.OK, null);
    }
  }

  public void failed(Throwable failure) {
    end(Outcome.of(failure), failure.getMessage() == null ? failure.toString() : failure.getMessage());
  }

  /** Runs {@code work}; a failure ends the trace as failed and is rethrown. */
  public <T> T around(Supplier<T> work) {
    try {
      return work.get();
    } catch (RuntimeException e) {
      failed(e);
      throw e;
    }
  }

  private void end(Outcome outcome, String error) {
    if (!ended.compareAndSet(false, true)) {
      return;
    }
    runningIds.forEach(id -> telemetry.running().remove(id));
    if (streaming) {
      telemetry.metrics().streamEnded();
    }
    // The wait in the statement queue is part of the duration, and logged on its own too.
    telemetry.finished(new QueryRecord(user, session.id(), protocol, kind, statement, rows.get(), bytes.get(),
        System.nanoTime() - startNanos, session.takeQueueWait().toNanos(), outcome, error,
        placedOn.isEmpty() ? partitions : placedOn.size(), partitionsExpired.get(), cacheHit, clusterQuery, placedOn,
        engine),
        INGEST.equals(kind));
  }

  private double elapsedSeconds() {
    return (System.nanoTime() - startNanos) / 1e9;
  }
}
