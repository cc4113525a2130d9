package dev.bridge.engine;

import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * A result DuckDB computes, streamed to its client as before, whose batches are copied into the cache as they pass
 * (see {@link ResultCache#recording}). The result is kept only when the stream reached its end; a failure, a cancel
 * or a close before the end discards what was copied.
 */
final class RecordingResultStream implements ResultStream {
  private final ResultStream computed;
  private final ResultCache.Recording recording;
  private boolean ended;

  RecordingResultStream(ResultStream computed, ResultCache.Recording recording) {
    this.computed = computed;
    this.recording = recording;
  }

  @Override
  public Schema schema() {
    return computed.schema();
  }

  @Override
  public VectorSchemaRoot root() {
    return computed.root();
  }

  @Override
  public boolean next() {
    boolean loaded;
    try {
      loaded = computed.next();
    } catch (RuntimeException e) {
      end(false);
      throw e;
    }
    if (loaded) {
      recording.add(computed.root());
    } else {
      end(!computed.isCancelled());
    }
    return loaded;
  }

  @Override
  public long rows() {
    return computed.rows();
  }

  @Override
  public void cancel() {
    computed.cancel();
  }

  @Override
  public boolean isCancelled() {
    return computed.isCancelled();
  }

  @Override
  public void close() {
    try {
      computed.close();
    } finally {
      end(false);
    }
  }

  private void end(boolean complete) {
    if (ended) {
      return;
    }
    ended = true;
    if (complete) {
      recording.finish(computed.schema());
    } else {
      recording.abandon();
    }
  }
}
