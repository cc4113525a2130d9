package dev.bridge.flight.compression;

import dev.bridge.compression.CompressionCounter;
import dev.bridge.compression.IpcBodyCodecs;
import dev.bridge.config.ResultCompression;
import dev.bridge.engine.DaemonThreads;
import dev.bridge.engine.EngineException;
import dev.bridge.engine.ErrorKind;
import java.util.Optional;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.apache.arrow.flight.FlightProducer.ServerStreamListener;

/**
 * Compression as a property of a DoGet stream, applied to Flight's listener and so to whatever writes batches
 * through it (a DuckDB result, catalog rows, cached batches): the source never knows.
 *
 * <ul>
 *   <li>ZSTD and LZ4 compress each record batch's buffers (Arrow IPC {@code BodyCompression}) in a shared pool of
 *   one thread per core, while the source produces the next batch ({@link CompressingListener}); the backpressure
 *   bound, cancellation and the allocator's accounting hold as for raw streams, and the compressed buffers still
 *   leave through the zero-copy transport path.</li>
 *   <li>GZIP turns on gRPC message compression for the call ({@link GzipMessages}); gRPC sends identity to a
 *   client that does not accept gzip.</li>
 * </ul>
 */
public final class StreamCompression {
  /**
   * The threads that compress IPC bodies, shared by all streams: one per core, no more (each stream keeps at most
   * {@link CompressingListener#MAX_IN_FLIGHT} batches in it, so one busy stream cannot starve the others for long).
   */
  private static final ExecutorService POOL = Executors.newFixedThreadPool(
      Runtime.getRuntime().availableProcessors(), DaemonThreads.named("bridge-compress"));

  private final ResultCompression serverDefault;
  private final CompressionCounter counter;
  private final Executor streams;

  /**
   * Compression defaulting to {@code serverDefault}, counted into {@code counter}; {@code streams} is the executor
   * Flight's calls run on, where a stream is told that a batch finished compressing (its source then produces the
   * next batch there, never on a compression thread).
   */
  public StreamCompression(ResultCompression serverDefault, CompressionCounter counter, Executor streams) {
    this.serverDefault = serverDefault;
    this.counter = counter;
    this.streams = streams;
  }

  /** The stream's compression: what the call asked for, else what its session chose, else the server's default. */
  public ResultCompression choose(Optional<ResultCompression> call, Optional<ResultCompression> session) {
    return call.or(() -> session).orElse(serverDefault);
  }

  /**
   * {@code listener} (Flight's DoGet listener, not yet started) made to send its batches with {@code compression}.
   * Fails with UNIMPLEMENTED when this Arrow version's listener cannot be reached.
   */
  public ServerStreamListener apply(ServerStreamListener listener, ResultCompression compression) {
    if (compression == ResultCompression.NONE) {
      return listener;
    }
    if (!FlightListenerAccess.isFlightListener(listener)) {
      throw new EngineException(ErrorKind.UNIMPLEMENTED, "result compression '" + compression.label()
          + "' is unavailable on this server (its Arrow Flight listener cannot be reached); use none");
    }
    if (compression == ResultCompression.GZIP) {
      FlightListenerAccess.responseObserver(listener).setCompression(GzipMessages.ENCODING);
      return listener;
    }
    return new CompressingListener(listener, IpcBodyCodecs.codec(compression, counter), POOL, streams);
  }
}
