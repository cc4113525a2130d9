package dev.bridge.config;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The result cache: complete results of read-only queries kept off-heap and streamed again while the data they read
 * is unchanged (never stale, so on by default). At most {@code max_bytes} are kept, least recently used out first;
 * a result over {@code max_result_bytes} is streamed but not kept. All three apply at once when edited.
 */
public record CacheConfig(
    @JsonProperty("enabled") Boolean enabled,
    @JsonProperty("max_bytes") Long maxBytes,
    @JsonProperty("max_result_bytes") Long maxResultBytes) {

  /**
   * 256 MiB: dashboard answers are aggregates of kilobytes, so this keeps thousands of them, while staying a small
   * share of a server's memory next to DuckDB's buffer pool (80% of RAM by default); see docs/cache.md.
   */
  static final long DEFAULT_MAX_BYTES = 256L << 20;
  /** 16 MiB: a result this large is a scan rather than an answer; it would push out hundreds of small ones. */
  static final long DEFAULT_MAX_RESULT_BYTES = 16L << 20;
  public static final CacheConfig DEFAULT = new CacheConfig(null, null, null);

  public CacheConfig {
    enabled = enabled == null ? Boolean.TRUE : enabled;
    maxBytes = maxBytes == null ? DEFAULT_MAX_BYTES : maxBytes;
    maxResultBytes = maxResultBytes == null ? DEFAULT_MAX_RESULT_BYTES : maxResultBytes;
  }

  void validate() {
    Validation.require(maxBytes >= 0, "cache.max_bytes", "must be 0 or a positive number of bytes");
    Validation.require(maxResultBytes >= 0, "cache.max_result_bytes", "must be 0 or a positive number of bytes");
  }
}
