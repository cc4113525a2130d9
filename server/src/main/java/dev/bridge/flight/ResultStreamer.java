package dev.bridge.flight;

import dev.bridge.engine.EngineException;
import dev.bridge.engine.ErrorKind;
import dev.bridge.engine.ResultStream;
import io.grpc.Status;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.arrow.flight.FlightProducer.ServerStreamListener;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams a DuckDB result to a DoGet client with real backpressure and without blocking a gRPC thread: batches are
 * pulled from DuckDB only while the client's transport is ready, and when it is not, the streamer returns and
 * resumes from gRPC's on-ready callback. A slow client therefore slows the query, and memory holds about one batch
 * per stream. A client that cancels or disconnects interrupts the DuckDB query.
 *
 * <p>Signals (start, on-ready, cancel) may arrive on different threads; the work-in-progress counter makes exactly
 * one thread drain at a time, and the one that drains last sees every signal.
 */
final class ResultStreamer {
  private static final Logger log = LoggerFactory.getLogger(ResultStreamer.class);

  private final ResultStream result;
  private final ServerStreamListener listener;
  private Runnable onFinished = () -> { };
  private final AtomicInteger pendingSignals = new AtomicInteger();
  private volatile boolean clientGone;
  private boolean finished;

  ResultStreamer(ResultStream result, ServerStreamListener listener) {
    this.result = result;
    this.listener = listener;
  }

  /** Starts streaming and returns at once; {@code onFinished} runs once the result is closed, however it ended. */
  void start(Runnable onFinished) {
    this.onFinished = onFinished;
    listener.setOnCancelHandler(this::onClientGone);
    listener.setOnReadyHandler(this::signal);
    listener.start(result.root());
    signal();
  }

  /** Stops the query on the server's initiative (CancelFlightInfo): the client gets CANCELLED. */
  void cancel() {
    result.cancel();
    signal();
  }

  private void onClientGone() {
    clientGone = true;
    result.cancel();
    signal();
  }

  private void signal() {
    if (pendingSignals.getAndIncrement() != 0) {
      return;
    }
    do {
      drain();
    } while (pendingSignals.decrementAndGet() != 0);
  }

  private void drain() {
    if (finished) {
      return;
    }
    try {
      if (result.isCancelled() && !clientGone) {
        throw new EngineException(ErrorKind.CANCELLED, "the query was cancelled");
      }
      while (!clientGone && listener.isReady()) {
        if (!result.next()) {
          listener.completed();
          finish();
          return;
        }
        listener.putNext();
      }
      if (clientGone) {
        finish();
      }
    } catch (EngineException e) {
      if (!clientGone) {
        listener.error(FlightStatuses.toGrpc(e));
      }
      finish();
    } catch (RuntimeException e) {
      log.error("streaming a result failed", e);
      if (!clientGone) {
        listener.error(Status.INTERNAL.withDescription("streaming the result failed: " + e).asRuntimeException());
      }
      finish();
    }
  }

  private void finish() {
    finished = true;
    try {
      result.close();
    } finally {
      onFinished.run();
    }
  }
}
