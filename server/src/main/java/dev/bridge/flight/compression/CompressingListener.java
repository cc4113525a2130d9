package dev.bridge.flight.compression;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import org.apache.arrow.flight.FlightProducer.ServerStreamListener;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.VectorUnloader;
import org.apache.arrow.vector.compression.CompressionCodec;
import org.apache.arrow.vector.compression.CompressionUtil;
import org.apache.arrow.vector.compression.NoCompressionCodec;
import org.apache.arrow.vector.dictionary.DictionaryProvider;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.ipc.message.IpcOption;

/**
 * Flight's DoGet listener, sending every record batch with its buffers compressed (Arrow IPC body compression).
 *
 * <p>Compressing inline, on the thread that also pulls the next batch from DuckDB, held a 1 Gbit stream to 1.0-1.5×
 * the raw rate: the one streaming thread was the bottleneck. Here {@link #putNext} takes the batch's buffers as they
 * are (references, no copy) and hands their compression to a small shared pool, so the source produces the next
 * batch (DuckDB exports it ahead on its own thread) while the last ones compress. At most {@link #MAX_IN_FLIGHT} batches are in the pool per stream: {@link #isReady}
 * answers false beyond that, and a finished compression signals the on-ready handler, so the source's backpressure
 * loop works unchanged and memory stays bounded. That signal is run on the stream's own executor (Flight's), not on
 * the compression thread: the handler goes on to pull the next batch from DuckDB, and a pool thread busy exporting
 * compresses nothing meanwhile, for this stream or any other (the pool has one thread per core), so export,
 * compression and the gRPC writes would take turns instead of overlapping. Batches go out in order, and only while the transport is ready,
 * through Flight's own {@code putNext} (its unloader is replaced by one that hands over the compressed batch), so they
 * still leave through the zero-copy path.
 *
 * <p>Every batch taken is released exactly once: sent, or discarded on error or cancellation after its compression
 * has finished (so no buffer outlives the result's allocator).
 */
final class CompressingListener implements ServerStreamListener {
  static final int MAX_IN_FLIGHT = 2;

  private final ServerStreamListener flight;
  private final CompressionCodec codec;
  private final Executor pool;
  private final Executor signals;
  private final ArrayDeque<CompletableFuture<ArrowRecordBatch>> inFlight = new ArrayDeque<>();
  private final HandOver handOver = new HandOver();
  private VectorUnloader raw;
  private volatile Runnable onReady = () -> { };
  private boolean discarded;

  CompressingListener(ServerStreamListener flight, CompressionCodec codec, Executor pool, Executor signals) {
    this.flight = flight;
    this.codec = codec;
    this.pool = pool;
    this.signals = signals;
  }

  @Override
  public void start(VectorSchemaRoot root, DictionaryProvider dictionaries, IpcOption option) {
    flight.start(root, dictionaries, option);
    // The settings Flight's own unloader uses (null counts, aligned buffers), without a codec: buffers are taken
    // by reference here and compressed in the pool.
    raw = new VectorUnloader(root, true, NoCompressionCodec.INSTANCE, true);
    FlightListenerAccess.replaceUnloader(flight, handOver.unloader(root));
  }

  @Override
  public void start(VectorSchemaRoot root, DictionaryProvider dictionaries) {
    start(root, dictionaries, IpcOption.DEFAULT);
  }

  @Override
  public void start(VectorSchemaRoot root) {
    start(root, null, IpcOption.DEFAULT);
  }

  @Override
  public synchronized boolean isReady() {
    sendFinished(false);
    return inFlight.size() < MAX_IN_FLIGHT && flight.isReady();
  }

  @Override
  public void setOnReadyHandler(Runnable handler) {
    onReady = handler;
    flight.setOnReadyHandler(handler);
  }

  @Override
  public void putNext() {
    putNext(null);
  }

  @Override
  public synchronized void putNext(ArrowBuf metadata) {
    if (metadata != null) {
      throw new UnsupportedOperationException("compressed streams carry no per-batch application metadata");
    }
    ArrowRecordBatch batch = raw.getRecordBatch();
    if (discarded) {
      batch.close();
      return;
    }
    CompletableFuture<ArrowRecordBatch> compressed = CompletableFuture.supplyAsync(() -> compress(batch), pool);
    inFlight.add(compressed);
    compressed.whenCompleteAsync((done, failure) -> onReady.run(), signals);
    sendFinished(false);
  }

  @Override
  public void putMetadata(ArrowBuf metadata) {
    flight.putMetadata(metadata);
  }

  /** Sends what is still compressing, then ends the stream. */
  @Override
  public synchronized void completed() {
    sendFinished(true);
    flight.completed();
  }

  @Override
  public void error(Throwable error) {
    discard();
    flight.error(error);
  }

  @Override
  public boolean isCancelled() {
    return flight.isCancelled();
  }

  /** The client is gone: the batches still compressing are released before the source's own handler runs. */
  @Override
  public void setOnCancelHandler(Runnable handler) {
    flight.setOnCancelHandler(() -> {
      discard();
      handler.run();
    });
  }

  @Override
  public void setUseZeroCopy(boolean enabled) {
    flight.setUseZeroCopy(enabled);
  }

  /** Sends the finished batches at the head of the queue while the transport is ready, or all of them when told. */
  private void sendFinished(boolean all) {
    while (!inFlight.isEmpty() && (all || (inFlight.peek().isDone() && flight.isReady()))) {
      ArrowRecordBatch batch;
      try {
        batch = inFlight.poll().join();
      } catch (CompletionException e) {
        throw e.getCause() instanceof RuntimeException cause ? cause : e;
      }
      handOver.send(batch);
    }
  }

  /** Waits for the batches still compressing and releases them; later batches are released as they are taken. */
  private synchronized void discard() {
    discarded = true;
    while (!inFlight.isEmpty()) {
      try {
        inFlight.poll().join().close();
      } catch (CompletionException ignored) {
        // Its buffers were released where compression failed.
      }
    }
  }

  /** The batch's buffers compressed into a new batch; the uncompressed references are released either way. */
  private ArrowRecordBatch compress(ArrowRecordBatch batch) {
    List<ArrowBuf> compressed = new ArrayList<>(batch.getBuffers().size());
    try {
      for (ArrowBuf buffer : batch.getBuffers()) {
        // The codec releases the buffer it is given: give it a reference of its own.
        buffer.getReferenceManager().retain();
        compressed.add(codec.compress(buffer.getReferenceManager().getAllocator(), buffer));
      }
      return new ArrowRecordBatch(batch.getLength(), batch.getNodes(), compressed,
          CompressionUtil.createBodyCompression(codec), batch.getVariadicBufferCounts(), true);
    } finally {
      compressed.forEach(ArrowBuf::close);
      batch.close();
    }
  }

  /** Hands one compressed batch to Flight's putNext through the unloader Flight calls there. */
  private final class HandOver {
    private ArrowRecordBatch next;

    VectorUnloader unloader(VectorSchemaRoot root) {
      return new VectorUnloader(root) {
        @Override
        public ArrowRecordBatch getRecordBatch() {
          ArrowRecordBatch batch = next;
          next = null;
          return batch;
        }
      };
    }

    /** Sends {@code batch}; Flight releases it once serialized (and the transport its buffers once written). */
    void send(ArrowRecordBatch batch) {
      next = batch;
      try {
        flight.putNext();
      } finally {
        if (next != null) {
          next.close();
          next = null;
        }
      }
    }
  }
}
