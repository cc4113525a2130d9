package dev.bridge.engine;

import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * A query's result as the doors read it: each {@link #next()} loads the next record batch into {@link #root()}. It
 * is DuckDB computing as the stream is read, or the replay of a result the {@link ResultCache} kept; either way the
 * batches are handed on without copying. The caller closes it.
 */
public interface ResultStream extends AutoCloseable {
  Schema schema();

  /** The batch {@link #next()} loaded last; its vectors are replaced by the next call. */
  VectorSchemaRoot root();

  /** Loads the next batch into {@link #root()}; false at the end of the result. */
  boolean next();

  /** Rows loaded so far. */
  long rows();

  /** Stops the stream; safe to call from any thread, while another is in {@link #next()}. */
  void cancel();

  boolean isCancelled();

  /** Whether the batches are a replay of a cached result (the query log marks such a statement as a cache hit). */
  default boolean fromCache() {
    return false;
  }

  /** Releases what the stream holds (DuckDB's result and connection, or its hold on a cached result). */
  @Override
  void close();
}
