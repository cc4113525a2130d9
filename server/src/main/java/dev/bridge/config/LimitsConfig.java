package dev.bridge.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Duration;

/**
 * Bounds on what one statement may cost. A query timeout of zero means none. A client may ask for its own timeout
 * (Flight session option, REST request field); {@code max_query_timeout}, when not zero, caps what it gets.
 */
public record LimitsConfig(
    @JsonProperty("query_timeout") Duration queryTimeout,
    @JsonProperty("max_query_timeout") Duration maxQueryTimeout) {

  public static final LimitsConfig DEFAULT = new LimitsConfig(null, null);

  public LimitsConfig {
    queryTimeout = queryTimeout == null ? Duration.ZERO : queryTimeout;
    maxQueryTimeout = maxQueryTimeout == null ? Duration.ZERO : maxQueryTimeout;
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
    Validation.require(!queryTimeout.isNegative(), "limits.query_timeout", "must not be negative");
    Validation.require(!maxQueryTimeout.isNegative(), "limits.max_query_timeout", "must not be negative");
    Validation.require(maxQueryTimeout.isZero() || queryTimeout.compareTo(maxQueryTimeout) <= 0,
        "limits.query_timeout", "must not exceed limits.max_query_timeout (" + maxQueryTimeout + ")");
  }
}
