package dev.bridge.engine;

/**
 * A result DuckDB computes, streamed to its client as before, whose batches are copied into the cache as they pass
 * (see {@link ResultCache#recording}). The result is kept only when the stream reached its end; a failure, a cancel
 * or a close before the end discards what was copied.
 */
final class RecordingResultStream extends ForwardingResultStream {
  private final ResultCache.Recording recording;
  private boolean ended;

  RecordingResultStream(ResultStream computed, ResultCache.Recording recording) {
    super(computed);
    this.recording = recording;
  }

  @Override
  public boolean next() {
    boolean loaded;
    try {
      loaded = delegate.next();
    } catch (RuntimeException e) {
      end(false);
      throw e;
    }
    if (loaded) {
      recording.add(delegate.root());
    } else {
      end(!delegate.isCancelled());
    }
    return loaded;
  }

  @Override
  public void close() {
    try {
      delegate.close();
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
      recording.finish(delegate.schema());
    } else {
      recording.abandon();
    }
  }
}
