package dev.bridge.metrics;

import dev.bridge.auth.AuthEvents;
import dev.bridge.config.ResultCompression;

import dev.bridge.engine.DuckDbEngine;
import dev.bridge.engine.ResultCache;
import dev.bridge.engine.StatementQueue;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.ExpositionFormatWriter;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;
import org.apache.arrow.memory.BufferAllocator;
import org.duckdb.DuckDBConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's Prometheus metrics, one registry per server: both doors report statements, streams and ingests into
 * it (through {@link Telemetry}), and the gauges read the sessions, transactions, Arrow allocator and DuckDB when
 * scraped.
 */
public final class BridgeMetrics {
  private static final Logger log = LoggerFactory.getLogger(BridgeMetrics.class);
  // From 1 ms to about 5 minutes: interactive lookups to long scans.
  private static final double[] LATENCY_BUCKETS = {
      0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300};

  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final ExpositionFormats formats = ExpositionFormats.init();
  private final AtomicInteger activeStreams = new AtomicInteger();

  final Counter queries = Counter.builder().name("bridge_queries_total")
      .help("Statements run, by protocol, kind (query, update, command, ingest), outcome (ok, error, cancelled,"
          + " timed_out, abandoned) and engine (duckdb, spark)")
      .labelNames("protocol", "kind", "outcome", "engine").register(registry);
  final Histogram planningSeconds = latency("bridge_query_planning_seconds",
      "Time to prepare and describe a statement", "protocol");
  final Histogram firstBatchSeconds = latency("bridge_query_first_batch_seconds",
      "Time from the start of a result stream to its first batch", "protocol");
  final Histogram durationSeconds = latency("bridge_query_duration_seconds",
      "Time a statement ran: a query from the start of its stream to its end, an update or ingest in full",
      "protocol", "kind", "engine");
  final Counter rowsSent = Counter.builder().name("bridge_result_rows_total")
      .help("Result rows sent to clients").labelNames("protocol").register(registry);
  final Counter bytesSent = Counter.builder().name("bridge_result_bytes_total")
      .help("Result bytes sent to clients: Arrow buffer bytes of each batch over Flight, response body bytes over"
          + " HTTP").labelNames("protocol").register(registry);
  final Counter ingestRows = Counter.builder().name("bridge_ingest_rows_total")
      .help("Rows written to tables by ingests").labelNames("protocol").register(registry);
  final Counter ingestBytes = Counter.builder().name("bridge_ingest_bytes_total")
      .help("Arrow buffer bytes received by ingests").labelNames("protocol").register(registry);
  private final Counter flightBatchWrites = Counter.builder().name("bridge_flight_batch_writes_total")
      .help("Result batches handed to the Flight transport, by path: zero_copy (the socket reads DuckDB's Arrow"
          + " memory) or copied (a compressed call)").labelNames("path").register(registry);
  // Resolved once: they are counted for every batch a stream sends.
  private final CounterDataPoint zeroCopyBatches = flightBatchWrites.labelValues("zero_copy");
  private final CounterDataPoint copiedBatches = flightBatchWrites.labelValues("copied");
  private final Histogram queueWaitSeconds = latency("bridge_statement_queue_wait_seconds",
      "Time statements waited in the statement queue for a place (0 for those that found one free), by lane: main,"
          + " small (statements reading no table), unqueued (inside a transaction, or the session held a place)",
      "lane");
  private final Counter queueRejected = Counter.builder().name("bridge_statement_queue_rejected_total")
      .help("Statements that left the statement queue without a place, by reason: timeout (limits.queue_timeout,"
          + " answered RESOURCE_EXHAUSTED / HTTP 503) or cancelled (the client went away while waiting)")
      .labelNames("reason").register(registry);
  private final Counter compressionBytes = Counter.builder().name("bridge_flight_compression_bytes_total")
      .help("Bytes of Flight results before and after compression, by codec (zstd and lz4: IPC body buffers; gzip:"
          + " gRPC messages)").labelNames("codec", "stage").register(registry);
  private final Counter authRejected = Counter.builder().name("bridge_auth_rejected_total")
      .help("Calls refused because their credentials were missing or wrong").labelNames("reason")
      .register(registry);

  /**
   * Registers the gauges that read the server's state when scraped: open sessions and transactions, result
   * streams in progress, Arrow memory and DuckDB memory.
   */
  public BridgeMetrics(IntSupplier sessions, IntSupplier transactions, BufferAllocator allocator,
      DuckDbEngine engine) {
    gauge("bridge_sessions_active", "Open client sessions (each holds a DuckDB connection)", sessions);
    gauge("bridge_transactions_active", "Open explicit transactions (BeginTransaction)", transactions);
    gauge("bridge_streams_active", "Result streams being sent right now", activeStreams::get);
    GaugeWithCallback.builder().name("bridge_arrow_allocated_bytes")
        .help("Arrow memory held by the server now").callback(cb -> cb.call(allocator.getAllocatedMemory()))
        .register(registry);
    GaugeWithCallback.builder().name("bridge_arrow_allocated_peak_bytes")
        .help("Most Arrow memory the server has held at once").callback(cb -> cb.call(allocator.getPeakMemoryAllocation()))
        .register(registry);
    GaugeWithCallback.builder().name("bridge_duckdb_memory_bytes")
        .help("Memory DuckDB's buffer manager holds now (duckdb_memory())")
        .callback(cb -> cb.call(duckDbMemoryBytes(engine))).register(registry);
  }

  /**
   * Reports {@code queue}: gauges of its running and queued statements and its limit, and (as its observer) the
   * wait of each admitted statement and each rejection.
   */
  public void watch(StatementQueue queue) {
    gauge("bridge_statements_running", "Statements holding a place of the statement queue's main lane now",
        () -> queue.state().running());
    gauge("bridge_statements_running_small", "Statements reading no table running on a small-statement place now",
        () -> queue.state().runningSmall());
    gauge("bridge_statements_queued", "Statements waiting in the statement queue now", () -> queue.state().queued());
    gauge("bridge_statements_max_running", "The limit limits.max_running_statements in force now",
        () -> queue.state().maxRunning());
    queue.observe(new StatementQueue.Observer() {
      @Override
      public void admitted(StatementQueue.Lane lane, long waitNanos) {
        queueWaitSeconds.labelValues(lane.name().toLowerCase(Locale.ROOT)).observe(waitNanos / 1e9);
      }

      @Override
      public void rejected(StatementQueue.Rejection reason, long waitNanos) {
        queueRejected.labelValues(reason.name().toLowerCase(Locale.ROOT)).inc();
      }
    });
  }

  /**
   * Reports {@code cache}: its hits, misses, evictions and invalidations since start (counters read when scraped),
   * the bytes and entries it holds now.
   */
  public void watch(ResultCache cache) {
    counter("bridge_result_cache_hits_total", "Queries answered from the result cache", () -> cache.stats().hits());
    counter("bridge_result_cache_misses_total", "Cacheable queries the result cache did not hold a current answer to",
        () -> cache.stats().misses());
    counter("bridge_result_cache_evictions_total", "Cached results pushed out by newer ones (cache.max_bytes)",
        () -> cache.stats().evictions());
    counter("bridge_result_cache_invalidations_total", "Cached results dropped because data they read changed",
        () -> cache.stats().invalidations());
    GaugeWithCallback.builder().name("bridge_result_cache_bytes").help("Arrow bytes of the results cached now")
        .callback(cb -> cb.call(cache.stats().bytes())).register(registry);
    gauge("bridge_result_cache_entries", "Results cached now", () -> cache.stats().entries());
  }

  /** A call refused for missing or wrong credentials; the authentication layer calls this. */
  public void authRejected(AuthEvents.Rejection reason) {
    authRejected.labelValues(reason.name().toLowerCase(Locale.ROOT)).inc();
  }

  /** A Flight result batch handed to the transport, without a copy or copied. */
  public void flightBatchWritten(boolean zeroCopy) {
    (zeroCopy ? zeroCopyBatches : copiedBatches).inc();
  }

  /** Bytes a result codec took in and gave out (one buffer or one gRPC message). */
  public void resultCompressed(ResultCompression codec, long bytesBefore, long bytesAfter) {
    compressionBytes.labelValues(codec.label(), "before").inc(bytesBefore);
    compressionBytes.labelValues(codec.label(), "after").inc(bytesAfter);
  }

  /** The content type {@link #write} uses for a client that sent this Accept header (may be null). */
  public String contentType(String accept) {
    return formats.findWriter(accept).getContentType();
  }

  /** Writes every metric in the exposition format the Accept header asks for (Prometheus text by default). */
  public void write(String accept, OutputStream out) throws IOException {
    ExpositionFormatWriter writer = formats.findWriter(accept);
    writer.write(out, registry.scrape());
  }

  /** Result streams being sent right now, by either door: a node's load as its coordinator sees it. */
  public int streamsActive() {
    return activeStreams.get();
  }

  void streamStarted() {
    activeStreams.incrementAndGet();
  }

  void streamEnded() {
    activeStreams.decrementAndGet();
  }

  private Histogram latency(String name, String help, String... labels) {
    return Histogram.builder().name(name).help(help).classicOnly().classicUpperBounds(LATENCY_BUCKETS)
        .labelNames(labels).register(registry);
  }

  private void counter(String name, String help, java.util.function.LongSupplier value) {
    CounterWithCallback.builder().name(name).help(help).callback(cb -> cb.call(value.getAsLong())).register(registry);
  }

  private void gauge(String name, String help, IntSupplier value) {
    GaugeWithCallback.builder().name(name).help(help).callback(cb -> cb.call(value.getAsInt())).register(registry);
  }

  private static double duckDbMemoryBytes(DuckDbEngine engine) {
    try (DuckDBConnection connection = engine.connect();
         Statement statement = connection.createStatement();
         ResultSet rs = statement.executeQuery("SELECT coalesce(sum(memory_usage_bytes), 0) FROM duckdb_memory()")) {
      rs.next();
      return rs.getLong(1);
    } catch (SQLException | RuntimeException e) {
      log.debug("reading duckdb_memory() for /metrics failed: {}", e.getMessage());
      return Double.NaN;
    }
  }
}
