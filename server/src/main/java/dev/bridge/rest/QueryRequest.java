package dev.bridge.rest;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import org.apache.arrow.vector.compression.CompressionUtil;

/**
 * One query as a client asked for it over HTTP: the SQL, its positional parameters, the rows per chunk, the body
 * format, for Arrow the IPC buffer compression, and the session's query timeout when the request sets one (else null).
 */
record QueryRequest(String sql, List<Object> parameters, int chunkRows, ResultFormat format,
    CompressionUtil.CodecType arrowCompression, Duration timeout) {

  QueryRequest {
    // Not List.copyOf: a parameter may be SQL NULL.
    parameters = Collections.unmodifiableList(new ArrayList<>(parameters));
  }

  static CompressionUtil.CodecType arrowCompression(String name) {
    if (name == null) {
      return CompressionUtil.CodecType.NO_COMPRESSION;
    }
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "none" -> CompressionUtil.CodecType.NO_COMPRESSION;
      case "zstd" -> CompressionUtil.CodecType.ZSTD;
      case "lz4" -> CompressionUtil.CodecType.LZ4_FRAME;
      default -> throw HttpError.badRequest("unknown compression '" + name + "'; use none, zstd or lz4");
    };
  }
}
