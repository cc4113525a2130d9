package dev.bridge.rest;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import dev.bridge.config.ResultCompression;

/**
 * One query as a client asked for it over HTTP: the SQL, its positional parameters, the rows per chunk, the body
 * format, for Arrow the IPC buffer compression, the session's query timeout when the request sets one (else null), and
 * the catalog to make the session's current one before the statement runs (else null: {@code catalog=spark} sends
 * it to Spark).
 */
record QueryRequest(String sql, List<Object> parameters, int chunkRows, ResultFormat format,
    ResultCompression arrowCompression, Duration timeout, String catalog) {

  QueryRequest {
    // Not List.copyOf: a parameter may be SQL NULL.
    parameters = Collections.unmodifiableList(new ArrayList<>(parameters));
  }

  /**
   * The Arrow IPC body compression {@code compression=} names, by the names Flight's {@code x-bridge-compression}
   * takes; gzip is not an IPC codec (HTTP's own {@code Accept-Encoding} compresses a whole body).
   */
  static ResultCompression arrowCompression(String name) {
    if (name == null) {
      return ResultCompression.NONE;
    }
    for (ResultCompression compression : List.of(ResultCompression.NONE, ResultCompression.ZSTD,
        ResultCompression.LZ4)) {
      if (compression.label().equalsIgnoreCase(name.trim())) {
        return compression;
      }
    }
    throw HttpError.badRequest("unknown compression '" + name + "'; use none, zstd or lz4");
  }
}
