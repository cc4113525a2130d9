package dev.bridge.metrics;

import dev.bridge.config.QueryLogConfig;
import dev.bridge.engine.Session;
import dev.bridge.ingest.IngestMode;

/**
 * What the doors report into: each statement or ingest gets a {@link QueryTrace}, which on its end counts it in the
 * metrics and writes its query log line, and while it runs it is listed among the {@link RunningStatements}.
 */
public final class Telemetry {
  /** The user of a call made without authentication. */
  public static final String ANONYMOUS = "anonymous";

  private final BridgeMetrics metrics;
  private final QueryLog queryLog;
  private final RunningStatements running = new RunningStatements();

  public Telemetry(BridgeMetrics metrics, QueryLogConfig queryLogConfig) {
    this.metrics = metrics;
    this.queryLog = new QueryLog(queryLogConfig);
  }

  public BridgeMetrics metrics() {
    return metrics;
  }

  public QueryLog queryLog() {
    return queryLog;
  }

  /** The statements running now on both doors (the operations view, an admin's cancel). */
  public RunningStatements running() {
    return running;
  }

  /**
   * Starts the trace of a statement run in {@code session}; its clock starts now. The session's authenticated user
   * is logged, {@value #ANONYMOUS} without authentication.
   */
  public QueryTrace statement(Protocol protocol, Session session, String sql) {
    return partitioned(protocol, session, sql, 1);
  }

  /**
   * Starts the one trace of a query whose result {@code partitions} streams return, possibly at once: it ends when
   * every partition has succeeded, or when the first fails, and is logged as one line.
   */
  public QueryTrace partitioned(Protocol protocol, Session session, String sql, int partitions) {
    String user = session.principal().user();
    return new QueryTrace(this, protocol, user.isEmpty() ? ANONYMOUS : user, session, sql, partitions);
  }

  /** Starts the trace of an ingest into {@code table}; it is logged with kind {@code ingest}. */
  public QueryTrace ingest(Protocol protocol, Session session, String table, IngestMode mode) {
    QueryTrace trace = statement(protocol, session, "ingest into " + table + " (if_missing="
        + mode.ifMissing() + ", if_exists=" + mode.ifExists() + ")");
    trace.kind(QueryTrace.INGEST);
    return trace;
  }

  void finished(QueryRecord record, boolean ingest) {
    String protocol = record.protocol().label();
    metrics.queries.labelValues(protocol, record.kind(), record.outcome().label(), record.engine()).inc();
    metrics.durationSeconds.labelValues(protocol, record.kind(), record.engine())
        .observe(record.durationNanos() / 1e9);
    if (ingest) {
      metrics.ingestRows.labelValues(protocol).inc(record.rows());
      metrics.ingestBytes.labelValues(protocol).inc(record.bytes());
    }
    queryLog.write(record);
  }
}
