package dev.bridge.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * How a Flight result stream is compressed on the wire: Arrow IPC body compression (ZSTD or LZ4_FRAME buffers, read
 * by pyarrow and Arrow C++), gRPC message compression (gzip, read by every gRPC client, the Flight SQL JDBC driver
 * included), or none. Chosen per call, per session or by {@code flight.compression}; one name per codec everywhere
 * (the {@code x-bridge-compression} header, the session option, the configuration, {@code bridge query}).
 */
public enum ResultCompression {
  NONE, ZSTD, LZ4, GZIP;

  /** The name clients and the configuration use: {@code none}, {@code zstd}, {@code lz4}, {@code gzip}. */
  @JsonValue
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The compression called {@code name} (any case); an unknown name is an error listing the accepted ones. */
  @JsonCreator
  public static ResultCompression named(String name) {
    for (ResultCompression compression : values()) {
      if (compression.label().equalsIgnoreCase(name == null ? "" : name.trim())) {
        return compression;
      }
    }
    throw new IllegalArgumentException("unknown compression '" + name + "'; use zstd, lz4, gzip or none");
  }
}
