package dev.bridge.engine;

import java.io.IOException;
import java.util.ArrayDeque;
import java.util.concurrent.Executor;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.VectorUnloader;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;

/**
 * Reads an Arrow reader's next record batches on another thread, ahead of its consumer, and hands them over in
 * order.
 *
 * <p>Why: DuckDB converts each batch of a streamed result to Arrow on the thread that pulls it (the C stream's
 * {@code getNext}). Pulled by the thread that also hands batches to gRPC (and waits while the transport is not
 * ready, or while the compression pool is full), the conversion and the sending took turns: DuckDB sat idle whenever
 * the door was busy or blocked, and the door whenever DuckDB converted. Here one export task keeps up to
 * {@code depth} batches ready while the consumer sends the previous ones.
 *
 * <p>Ownership: a batch is taken from the reader's root by reference ({@link VectorUnloader}: the record batch holds
 * its own reference to each buffer, nothing is copied). That is safe across the reader's next load because every
 * batch DuckDB exports is its own ArrowArray, whose memory is freed only when the last reference to its buffers goes
 * (DuckDB builds each batch in a new appender and never reuses one for the next); Flight's zero-copy path already
 * relies on this, as it writes a batch's memory after the next one was pulled.
 *
 * <p>Bound: at most {@code depth} batches wait. The export task stops when they are there and is submitted again when
 * the consumer takes one, so no thread is parked on a full queue, and a slow consumer still slows DuckDB: memory is
 * {@code depth} batches more than without the prefetch. The reader is only ever used by one thread at a time (one
 * task at most runs), and {@link #stop} waits for a running export before the caller may close the reader.
 */
final class BatchPrefetch {
  private final ArrowReader reader;
  private final VectorUnloader unloader;
  private final Executor exports;
  private final int depth;
  private final ArrayDeque<ArrowRecordBatch> ready = new ArrayDeque<>();
  private Throwable failure;
  private boolean ended;
  private boolean exporting;
  private boolean stopped;
  private long loaded;

  /**
   * A prefetch of {@code reader}'s batches ({@code readerRoot} is its root, already initialised), run on
   * {@code exports}, keeping at most {@code depth} batches ready. Nothing is read before the first {@link #take}.
   */
  BatchPrefetch(ArrowReader reader, VectorSchemaRoot readerRoot, Executor exports, int depth) {
    if (depth < 1) {
      throw new IllegalArgumentException("a prefetch needs room for at least one batch, not " + depth);
    }
    this.reader = reader;
    this.unloader = new VectorUnloader(readerRoot);
    this.exports = exports;
    this.depth = depth;
  }

  /**
   * The next batch in the reader's order (the caller closes it), or null at the end of the stream; waits while
   * DuckDB computes it. A failure of the reader is thrown here, after the batches read before it.
   */
  ArrowRecordBatch take() throws IOException {
    boolean interrupted = false;
    try {
      synchronized (this) {
        if (stopped) {
          throw new IllegalStateException("the prefetch was stopped");
        }
        exportIfRoom();
        while (ready.isEmpty() && !ended && failure == null) {
          try {
            wait();
          } catch (InterruptedException e) {
            interrupted = true;
            throw Cancellation.cancelled(e);
          }
        }
        ArrowRecordBatch next = ready.poll();
        if (next != null) {
          exportIfRoom();
          return next;
        }
        if (failure != null) {
          throw rethrown(failure);
        }
        return null;
      }
    } finally {
      if (interrupted) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * Stops reading and releases the batches not taken; an export still running is first stopped by
   * {@code interrupt} (it interrupts DuckDB's query) and waited for, so the reader can be closed when this returns.
   */
  void stop(Runnable interrupt) {
    boolean running;
    synchronized (this) {
      stopped = true;
      running = exporting;
    }
    if (running) {
      interrupt.run();
    }
    boolean interrupted = false;
    synchronized (this) {
      while (exporting) {
        try {
          wait();
        } catch (InterruptedException e) {
          // The reader must not be closed under a running export: keep waiting, and keep the interrupt.
          interrupted = true;
        }
      }
      ready.forEach(ArrowRecordBatch::close);
      ready.clear();
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /** Whether the reader reached its end (every batch was read from it, taken or not). */
  synchronized boolean ended() {
    return ended;
  }

  /** Batches read from the reader so far (taken, waiting, or released by {@link #stop}). */
  synchronized long loaded() {
    return loaded;
  }

  /** Batches read and not yet taken. */
  synchronized int waiting() {
    return ready.size();
  }

  private void exportIfRoom() {
    if (!exporting && !stopped && !ended && failure == null && ready.size() < depth) {
      exporting = true;
      try {
        exports.execute(this::export);
      } catch (RuntimeException e) {
        exporting = false;
        failure = e;
      }
    }
  }

  /** Reads batches until {@code depth} wait, the reader ends or fails, or the prefetch is stopped. */
  private void export() {
    while (true) {
      ArrowRecordBatch batch = null;
      Throwable failed = null;
      boolean end = false;
      try {
        if (reader.loadNextBatch()) {
          batch = unloader.getRecordBatch();
        } else {
          end = true;
        }
      } catch (Throwable e) {
        failed = e;
      }
      synchronized (this) {
        if (batch != null) {
          loaded++;
        }
        if (stopped) {
          if (batch != null) {
            batch.close();
          }
          exporting = false;
          notifyAll();
          return;
        }
        if (batch != null) {
          ready.add(batch);
        }
        ended |= end;
        if (failed != null) {
          failure = failed;
        }
        notifyAll();
        if (ended || failure != null || ready.size() >= depth) {
          exporting = false;
          return;
        }
      }
    }
  }

  private static IOException rethrown(Throwable failure) {
    if (failure instanceof IOException e) {
      return e;
    }
    if (failure instanceof RuntimeException e) {
      throw e;
    }
    if (failure instanceof Error e) {
      throw e;
    }
    return new IOException(failure);
  }
}
