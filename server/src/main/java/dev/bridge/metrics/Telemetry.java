package dev.bridge.metrics;

import dev.bridge.config.QueryLogConfig;
import dev.bridge.ingest.IngestMode;

/**
 * What the doors report into: each statement or ingest gets a {@link QueryTrace}, which on its end counts it in the
 * metrics and writes its query log line.
 */
public final class Telemetry {
  /** The user of a call made without authentication. */
  public static final String ANONYMOUS = "anonymous";

  private final BridgeMetrics metrics;
  private final QueryLog queryLog;

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

  /**
   * Starts the trace of a statement; its clock starts now. {@code user} is the authenticated user, or null (then
   * {@value #ANONYMOUS}).
   */
  public QueryTrace statement(Protocol protocol, String user, String session, String sql) {
    return new QueryTrace(this, protocol, user == null || user.isEmpty() ? ANONYMOUS : user, session, sql);
  }

  /** Starts the trace of an ingest into {@code table}; it is logged with kind {@code ingest}. */
  public QueryTrace ingest(Protocol protocol, String user, String session, String table, IngestMode mode) {
    QueryTrace trace = statement(protocol, user, session, "ingest into " + table + " (if_missing="
        + mode.ifMissing() + ", if_exists=" + mode.ifExists() + ")");
    trace.kind(QueryTrace.INGEST);
    return trace;
  }

  void finished(QueryRecord record, boolean ingest) {
    String protocol = record.protocol().label();
    metrics.queries.labelValues(protocol, record.kind(), record.outcome().label()).inc();
    metrics.durationSeconds.labelValues(protocol, record.kind()).observe(record.durationNanos() / 1e9);
    if (ingest) {
      metrics.ingestRows.labelValues(protocol).inc(record.rows());
      metrics.ingestBytes.labelValues(protocol).inc(record.bytes());
    }
    queryLog.write(record);
  }
}
