package dev.bridge.config;

import com.fasterxml.jackson.annotation.JsonProperty;

/** What the query log (logger {@code bridge.query}) writes of each statement. */
public record QueryLogConfig(
    @JsonProperty("max_statement_chars") Integer maxStatementChars,
    @JsonProperty("redact_literals") Boolean redactLiterals) {

  public static final QueryLogConfig DEFAULT = new QueryLogConfig(null, null);

  public QueryLogConfig {
    maxStatementChars = maxStatementChars == null ? 4096 : maxStatementChars;
    redactLiterals = redactLiterals == null ? Boolean.FALSE : redactLiterals;
  }

  void validate() {
    Validation.requireRange(maxStatementChars, 16, 1 << 20, "query_log.max_statement_chars");
  }
}
