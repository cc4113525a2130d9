package dev.bridge.rest;

import java.io.IOException;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * Serialises one query result to an HTTP body as it streams: the schema first, then each batch DuckDB loads into
 * the same root, then the end. Each call leaves its output flushed to the response, so a client sees every batch
 * as soon as it is written.
 */
interface ResultWriter extends AutoCloseable {
  /** Writes what precedes the rows (metadata line, CSV header, Arrow schema message). */
  void start(VectorSchemaRoot root) throws IOException;

  /** Writes the rows the root holds now. */
  void batch(VectorSchemaRoot root) throws IOException;

  /** Writes what follows the last row. */
  void end(long rows, long elapsedMillis) throws IOException;

  /**
   * Reports a failure after the body began, inside the body when the format can carry one; returns false when it
   * cannot, and the response must then be cut off so that the client sees an incomplete body, never a short one.
   */
  boolean error(String message) throws IOException;

  /** Releases the writer's own resources; the response body itself is closed by the caller. */
  @Override
  void close() throws IOException;
}
