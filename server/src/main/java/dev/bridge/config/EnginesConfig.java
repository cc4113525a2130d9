package dev.bridge.config;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * Engines other than the embedded DuckDB that statements can be sent to, each owning a catalog of its own. Only
 * Spark (through Spark Connect) so far; absent means off.
 */
public record EnginesConfig(@JsonProperty("spark") SparkConfig spark) {
  public static final EnginesConfig DEFAULT = new EnginesConfig(null);

  public EnginesConfig {
    spark = spark == null ? SparkConfig.OFF : spark;
  }

  void validate() {
    spark.validate();
  }
}
