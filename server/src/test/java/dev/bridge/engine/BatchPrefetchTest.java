package dev.bridge.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VectorLoader;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The read-ahead of a result's batches: order, the bound on batches read ahead, failures in order, and release of
 * every buffer when stopped (idle or while a batch is being read). The reader is a generated one, so that what it
 * is asked for can be counted and a read can be held; DuckDbResultStreamTest drives it with DuckDB.
 */
class BatchPrefetchTest {
  private static final int ROWS = 100;
  private BufferAllocator allocator;
  private ExecutorService threads;

  @BeforeEach
  void start() {
    allocator = new RootAllocator();
    threads = Executors.newCachedThreadPool();
  }

  @AfterEach
  void stop() throws InterruptedException {
    threads.shutdownNow();
    assertThat(threads.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    allocator.close();
  }

  @Test
  void batchesArriveInTheReadersOrderAndNoMoreThanTheDepthIsReadAhead() throws IOException {
    try (Batches reader = new Batches(allocator, 20, -1)) {
      // Run on the taking thread: every export runs to where it stops by itself, so the counts are exact.
      BatchPrefetch prefetch = new BatchPrefetch(reader, reader.getVectorSchemaRoot(), Runnable::run, 3);
      assertThat(prefetch.loaded()).as("nothing is read before the first take").isZero();
      List<Integer> firsts = new ArrayList<>();
      for (int taken = 1; taken <= 20; taken++) {
        ArrowRecordBatch batch = prefetch.take();
        firsts.add(firstValue(batch));
        batch.close();
        assertThat(prefetch.loaded()).as("read after %s taken", taken).isEqualTo(Math.min(20, taken + 3));
        assertThat(prefetch.waiting()).isLessThanOrEqualTo(3);
      }
      assertThat(prefetch.take()).isNull();
      assertThat(prefetch.ended()).isTrue();
      assertThat(firsts).isEqualTo(java.util.stream.IntStream.range(0, 20).map(i -> i * ROWS).boxed().toList());
      prefetch.stop(() -> { throw new AssertionError("nothing runs to interrupt"); });
    }
    assertThat(allocator.getAllocatedMemory()).isZero();
  }

  @Test
  void aReadersFailureArrivesAfterTheBatchesReadBeforeIt() throws IOException {
    try (Batches reader = new Batches(allocator, 10, 3)) {
      BatchPrefetch prefetch = new BatchPrefetch(reader, reader.getVectorSchemaRoot(), threads, 2);
      for (int i = 0; i < 3; i++) {
        try (ArrowRecordBatch batch = prefetch.take()) {
          assertThat(firstValue(batch)).isEqualTo(i * ROWS);
        }
      }
      assertThatThrownBy(prefetch::take).isInstanceOf(IOException.class).hasMessage("batch 3 failed");
      prefetch.stop(() -> { });
    }
    assertThat(allocator.getAllocatedMemory()).isZero();
  }

  @Test
  void stoppingAnIdleReadAheadReleasesTheBatchesNotTakenWithoutInterrupting() throws IOException {
    try (Batches reader = new Batches(allocator, 10, -1)) {
      BatchPrefetch prefetch = new BatchPrefetch(reader, reader.getVectorSchemaRoot(), Runnable::run, 2);
      prefetch.take().close();
      assertThat(prefetch.waiting()).isEqualTo(2);
      prefetch.stop(() -> { throw new AssertionError("an idle read-ahead has nothing to interrupt"); });
      assertThat(prefetch.waiting()).isZero();
      assertThatThrownBy(prefetch::take).isInstanceOf(IllegalStateException.class);
    }
    assertThat(allocator.getAllocatedMemory()).isZero();
  }

  @Test
  void stoppingWhileABatchIsReadInterruptsItWaitsForItAndReleasesEveryBuffer() throws Exception {
    CountDownLatch reading = new CountDownLatch(1);
    CountDownLatch interrupted = new CountDownLatch(1);
    AtomicInteger interrupts = new AtomicInteger();
    try (Batches reader = new Batches(allocator, 10, -1) {
      @Override
      void beforeLoading(int index) throws IOException {
        if (index == 2) {
          // Held like a DuckDB batch still computing, until the interrupt makes the read fail.
          reading.countDown();
          try {
            interrupted.await();
          } catch (InterruptedException e) {
            throw new IOException(e);
          }
          throw new IOException("interrupted");
        }
      }
    }) {
      BatchPrefetch prefetch = new BatchPrefetch(reader, reader.getVectorSchemaRoot(), threads, 2);
      ArrowRecordBatch first = prefetch.take();
      assertThat(reading.await(10, TimeUnit.SECONDS)).isTrue();
      prefetch.stop(() -> {
        interrupts.incrementAndGet();
        interrupted.countDown();
      });
      assertThat(interrupts).hasValue(1);
      assertThat(prefetch.waiting()).isZero();
      first.close();
    }
    // stop() returned only once the read had ended, so closing the reader above was safe and nothing is left.
    assertThat(allocator.getAllocatedMemory()).isZero();
  }

  @Test
  void aPrefetchWithoutRoomForABatchIsRefused() throws IOException {
    try (Batches reader = new Batches(allocator, 1, -1)) {
      assertThatThrownBy(() -> new BatchPrefetch(reader, reader.getVectorSchemaRoot(), threads, 0))
          .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("at least one batch");
    }
  }

  private int firstValue(ArrowRecordBatch batch) {
    try (VectorSchemaRoot root = VectorSchemaRoot.create(Batches.SCHEMA, allocator)) {
      new VectorLoader(root).load(batch);
      assertThat(root.getRowCount()).isEqualTo(ROWS);
      IntVector values = (IntVector) root.getVector(0);
      for (int i = 1; i < ROWS; i++) {
        assertThat(values.get(i)).isEqualTo(values.get(0) + i);
      }
      return values.get(0);
    }
  }

  /** {@code count} batches of ROWS consecutive integers; the read of batch {@code failAt} fails (-1: none). */
  private static class Batches extends ArrowReader {
    static final Schema SCHEMA = new Schema(List.of(Field.nullable("i", new ArrowType.Int(32, true))));
    private final int count;
    private final int failAt;
    private int next;

    Batches(BufferAllocator allocator, int count, int failAt) {
      super(allocator);
      this.count = count;
      this.failAt = failAt;
    }

    void beforeLoading(int index) throws IOException {}

    @Override
    public boolean loadNextBatch() throws IOException {
      if (next == count) {
        return false;
      }
      beforeLoading(next);
      if (next == failAt) {
        throw new IOException("batch " + next + " failed");
      }
      VectorSchemaRoot root = getVectorSchemaRoot();
      // A fresh vector per batch, as the C Data importer gives: the previous batch's buffers stay with whoever
      // holds them.
      IntVector column = (IntVector) root.getVector(0);
      column.clear();
      column.allocateNew(ROWS);
      for (int i = 0; i < ROWS; i++) {
        column.set(i, next * ROWS + i);
      }
      root.setRowCount(ROWS);
      next++;
      return true;
    }

    @Override
    public long bytesRead() {
      return 0;
    }

    @Override
    protected void closeReadSource() {}

    @Override
    protected Schema readSchema() {
      return SCHEMA;
    }
  }
}
