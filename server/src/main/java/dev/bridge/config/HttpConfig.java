package dev.bridge.config;

import com.fasterxml.jackson.annotation.JsonProperty;

/** The REST sidecar: an HTTP listener on the Flight host that streams query results as NDJSON, CSV or Arrow IPC. */
public record HttpConfig(
    @JsonProperty("enabled") Boolean enabled,
    @JsonProperty("port") Integer port,
    @JsonProperty("max_body_bytes") Integer maxBodyBytes,
    @JsonProperty("chunk_rows") Integer chunkRows,
    @JsonProperty("cors") CorsConfig cors) {

  public static final HttpConfig DEFAULT = new HttpConfig(null, null, null, null, null);

  /** The most rows one NDJSON data line or Arrow batch may hold; a request asking for more is refused. */
  public static final int MAX_CHUNK_ROWS = 1 << 20;

  public HttpConfig {
    enabled = enabled == null ? Boolean.TRUE : enabled;
    port = port == null ? 31338 : port;
    maxBodyBytes = maxBodyBytes == null ? 1024 * 1024 : maxBodyBytes;
    chunkRows = chunkRows == null ? 8192 : chunkRows;
    cors = cors == null ? CorsConfig.DEFAULT : cors;
  }

  public HttpConfig withPort(int newPort) {
    return new HttpConfig(enabled, newPort, maxBodyBytes, chunkRows, cors);
  }

  public HttpConfig withEnabled(boolean newEnabled) {
    return new HttpConfig(newEnabled, port, maxBodyBytes, chunkRows, cors);
  }

  public HttpConfig withCors(CorsConfig newCors) {
    return new HttpConfig(enabled, port, maxBodyBytes, chunkRows, newCors);
  }

  void validate() {
    Validation.requireRange(port, 0, 65_535, "http.port");
    Validation.requireRange(maxBodyBytes, 1024, Integer.MAX_VALUE, "http.max_body_bytes");
    Validation.requireRange(chunkRows, 1, MAX_CHUNK_ROWS, "http.chunk_rows");
    cors.validate();
  }
}
