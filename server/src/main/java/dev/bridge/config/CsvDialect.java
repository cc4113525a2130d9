package dev.bridge.config;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * How a CSV dataset's files are written. A null value lets DuckDB's sniffer detect it; every value set here is
 * passed to {@code read_csv} as is.
 */
public record CsvDialect(
    @JsonProperty("delimiter") String delimiter,
    @JsonProperty("header") Boolean header,
    @JsonProperty("quote") String quote,
    @JsonProperty("escape") String escape,
    @JsonProperty("null_string") String nullString) {

  public static final CsvDialect DETECT = new CsvDialect(null, null, null, null, null);

  void validate(String key) {
    requireSingleCharacter(delimiter, key + ".delimiter");
    requireSingleCharacter(quote, key + ".quote");
    requireSingleCharacter(escape, key + ".escape");
  }

  private static void requireSingleCharacter(String value, String key) {
    Validation.require(value == null || value.length() == 1, key, "must be one character, got '" + value + "'");
  }
}
