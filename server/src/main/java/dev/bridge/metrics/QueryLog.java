package dev.bridge.metrics;

import dev.bridge.config.QueryLogConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.spi.LoggingEventBuilder;

/**
 * The query log: one event per statement or ingest on logger {@value #LOGGER}, its fields as SLF4J key-value
 * pairs, which the Logback configuration writes as one JSON line (conf/logback.xml). The statement is cut to
 * {@code query_log.max_statement_chars} and, with {@code query_log.redact_literals}, its string literals are
 * replaced by {@code '?'}.
 */
public final class QueryLog {
  public static final String LOGGER = "bridge.query";
  private static final Logger log = LoggerFactory.getLogger(LOGGER);

  private volatile QueryLogConfig config;

  public QueryLog(QueryLogConfig config) {
    this.config = config;
  }

  /** Takes edited settings; the next event uses them. */
  public void configure(QueryLogConfig newConfig) {
    this.config = newConfig;
  }

  void write(QueryRecord record) {
    if (!log.isInfoEnabled()) {
      return;
    }
    LoggingEventBuilder event = log.atInfo()
        .addKeyValue("user", record.user())
        .addKeyValue("session", record.session())
        .addKeyValue("protocol", record.protocol().label())
        .addKeyValue("kind", record.kind())
        .addKeyValue("engine", record.engine())
        .addKeyValue("statement", statementText(record.statement()));
    if (record.workers().isEmpty()) {
      // A placed query's rows and bytes are on its workers' lines.
      event = event.addKeyValue("rows", record.rows()).addKeyValue("bytes", record.bytes());
    } else {
      event = event.addKeyValue("workers", String.join(",", record.workers()));
    }
    event = event.addKeyValue("duration_ms", record.durationNanos() / 1_000_000.0)
        .addKeyValue("queued_ms", record.queuedNanos() / 1_000_000.0)
        .addKeyValue("outcome", record.outcome().label());
    if (record.partitions() > 1) {
      event = event.addKeyValue("partitions", record.partitions());
    }
    if (record.expiredPartitions() > 0) {
      event = event.addKeyValue("expired_partitions", record.expiredPartitions());
    }
    if (record.clusterQuery() != null) {
      event = event.addKeyValue("cluster_query", record.clusterQuery());
    }
    if (record.cacheHit()) {
      event = event.addKeyValue("cache", "hit");
    }
    if (record.error() != null) {
      event = event.addKeyValue("error", record.error());
    }
    event.log("query");
  }

  String statementText(String sql) {
    QueryLogConfig settings = config;
    String text = settings.redactLiterals() ? SqlLiterals.redact(sql) : sql;
    int max = settings.maxStatementChars();
    return text.length() <= max ? text : text.substring(0, max) + "...";
  }
}
