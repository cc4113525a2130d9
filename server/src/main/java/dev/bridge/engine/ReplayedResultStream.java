package dev.bridge.engine;

import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorLoader;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * A cached result streamed again: each batch is loaded into the stream's own root by reference (the vectors take a
 * reference to the cached buffers, nothing is copied), so any number of clients replay one entry at once. The
 * entry stays alive until the last replay of it is closed, even if the cache evicts it meanwhile.
 */
final class ReplayedResultStream implements ResultStream {
  private final ResultCache.Entry entry;
  private final VectorSchemaRoot root;
  private final VectorLoader loader;
  private final Cancellation cancellation;
  private final AtomicBoolean closed = new AtomicBoolean();
  private int next;
  private long rows;

  ReplayedResultStream(ResultCache.Entry entry, BufferAllocator allocator, Cancellation cancellation) {
    this.entry = entry;
    this.root = VectorSchemaRoot.create(entry.schema(), allocator);
    this.loader = new VectorLoader(root);
    this.cancellation = cancellation;
  }

  @Override
  public Schema schema() {
    return root.getSchema();
  }

  @Override
  public VectorSchemaRoot root() {
    return root;
  }

  @Override
  public boolean next() {
    if (cancellation.requested()) {
      throw Cancellation.cancelled(null);
    }
    if (next >= entry.batches().size()) {
      return false;
    }
    loader.load(entry.batches().get(next++));
    rows += root.getRowCount();
    return true;
  }

  @Override
  public long rows() {
    return rows;
  }

  @Override
  public void cancel() {
    cancellation.cancel();
  }

  @Override
  public boolean isCancelled() {
    return cancellation.requested();
  }

  @Override
  public boolean fromCache() {
    return true;
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      root.close();
      entry.release();
    }
  }
}
