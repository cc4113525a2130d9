package dev.bridge.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Duration;

/**
 * Bounds on what one statement may cost, and on how many run at once. A query timeout of zero means none. A client
 * may ask for its own timeout (Flight session option, REST request field); {@code max_query_timeout}, when not zero,
 * caps what it gets. At most {@code max_running_statements} statements execute at once (0: twice the machine's
 * cores); the others wait in the statement queue for up to {@code queue_timeout}, except that statements reading
 * no table may use one of {@code small_statement_slots} extra places.
 */
public record LimitsConfig(
    @JsonProperty("query_timeout") Duration queryTimeout,
    @JsonProperty("max_query_timeout") Duration maxQueryTimeout,
    @JsonProperty("max_running_statements") Integer maxRunningStatements,
    @JsonProperty("small_statement_slots") Integer smallStatementSlots,
    @JsonProperty("queue_timeout") Duration queueTimeout) {

  /** Long enough for a burst of heavy statements on a small machine to drain one after another. */
  static final Duration DEFAULT_QUEUE_TIMEOUT = Duration.ofMinutes(5);
  static final int DEFAULT_SMALL_STATEMENT_SLOTS = 2;
  // After the defaults it reads: static fields are set in order.
  public static final LimitsConfig DEFAULT = new LimitsConfig(null, null, null, null, null);

  public LimitsConfig {
    queryTimeout = queryTimeout == null ? Duration.ZERO : queryTimeout;
    maxQueryTimeout = maxQueryTimeout == null ? Duration.ZERO : maxQueryTimeout;
    maxRunningStatements = maxRunningStatements == null ? 0 : maxRunningStatements;
    smallStatementSlots = smallStatementSlots == null ? DEFAULT_SMALL_STATEMENT_SLOTS : smallStatementSlots;
    queueTimeout = queueTimeout == null ? DEFAULT_QUEUE_TIMEOUT : queueTimeout;
  }

  /**
   * How many statements may execute at once: the configured number, or twice the cores when it is 0. DuckDB runs
   * each statement on all its threads, so more at once only share the same cores and memory.
   */
  public int effectiveMaxRunningStatements() {
    return maxRunningStatements > 0 ? maxRunningStatements : 2 * Runtime.getRuntime().availableProcessors();
  }

  /**
   * The timeout a statement gets when its client asked for {@code requested} (null: it did not ask): the request or
   * the server's default, capped by the maximum; zero means none.
   */
  public Duration effectiveTimeout(Duration requested) {
    Duration wanted = requested == null ? queryTimeout : requested;
    if (maxQueryTimeout.isZero()) {
      return wanted;
    }
    return wanted.isZero() || wanted.compareTo(maxQueryTimeout) > 0 ? maxQueryTimeout : wanted;
  }

  void validate() {
    Validation.require(maxRunningStatements >= 0, "limits.max_running_statements",
        "must be 0 (twice the cores) or a positive number of statements");
    Validation.require(smallStatementSlots >= 0, "limits.small_statement_slots", "must not be negative");
    Validation.requirePositive(queueTimeout, "limits.queue_timeout");
    Validation.require(!queryTimeout.isNegative(), "limits.query_timeout", "must not be negative");
    Validation.require(!maxQueryTimeout.isNegative(), "limits.max_query_timeout", "must not be negative");
    Validation.require(maxQueryTimeout.isZero() || queryTimeout.compareTo(maxQueryTimeout) <= 0,
        "limits.query_timeout", "must not exceed limits.max_query_timeout (" + maxQueryTimeout + ")");
  }
}
