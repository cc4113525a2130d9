package dev.bridge.flight;

import dev.bridge.engine.EngineException;
import dev.bridge.engine.ErrorKind;
import dev.bridge.engine.ResultStream;
import dev.bridge.metrics.QueryTrace;
import io.grpc.Status;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.arrow.flight.FlightProducer.ServerStreamListener;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Streams a DuckDB result to a DoGet client with real backpressure and without blocking a gRPC thread: batches are
 * pulled from DuckDB only while the client's transport is ready, and when it is not, the streamer returns and
 * resumes from gRPC's on-ready callback. A slow client therefore slows the query, and memory holds about three
 * batches per stream (the one sent and the two DuckDB exports ahead, see {@code DuckDbResultStream}). A client
 * that cancels or disconnects interrupts the DuckDB query.
 *
 * <p>Signals (start, on-ready, cancel) may arrive on different threads; the work-in-progress counter makes exactly
 * one thread drain at a time, and the one that drains last sees every signal.
 */
final class ResultStreamer {
  private static final Logger log = LoggerFactory.getLogger(ResultStreamer.class);

  private final ResultStream result;
  private final VectorSchemaRoot sent;
  private final ServerStreamListener listener;
  private final QueryTrace trace;
  private final Runnable notRunning;
  private Runnable onFinished = () -> { };
  private final AtomicInteger pendingSignals = new AtomicInteger();
  private volatile boolean clientGone;
  private boolean finished;

  /**
   * A streamer that sends {@code result} with {@code announced}: the result's own schema with the Flight SQL
   * column metadata GetFlightInfo announced (clients such as ADBC reject any difference). The batches are DuckDB's
   * own vectors, seen through a root that carries that schema; nothing is copied. {@code notRunning} takes the
   * stream off the running statements once it has ended (one partition of a query that others still stream).
   */
  ResultStreamer(ResultStream result, Schema announced, ServerStreamListener listener, QueryTrace trace,
      Runnable notRunning) {
    this.result = result;
    this.notRunning = notRunning;
    this.sent = new VectorSchemaRoot(schemaToSend(announced, result.schema()), result.root().getFieldVectors(), 0);
    this.listener = listener;
    this.trace = trace;
  }

  /** Starts streaming and returns at once; {@code onFinished} runs once the result is closed, however it ended. */
  void start(Runnable onFinished) {
    this.onFinished = onFinished;
    listener.setOnCancelHandler(this::onClientGone);
    listener.setOnReadyHandler(this::signal);
    listener.setUseZeroCopy(ZeroCopyBatches.AVAILABLE);
    trace.streamStarted();
    listener.start(sent);
    signal();
  }

  /** Stops the query on the server's initiative (CancelFlightInfo): the client gets CANCELLED. */
  void cancel() {
    result.cancel();
    signal();
  }

  /**
   * The announced schema when it describes the streamed vectors exactly (names, types, nullability, children) and
   * differs only by field metadata; otherwise the streamed one, so that a client is never told a wrong type.
   */
  private static Schema schemaToSend(Schema announced, Schema streamed) {
    if (announced.getFields().size() != streamed.getFields().size()) {
      log.warn("announced schema {} does not match the stream {}; sending the stream's", announced, streamed);
      return streamed;
    }
    for (int i = 0; i < announced.getFields().size(); i++) {
      Field expected = announced.getFields().get(i);
      Field actual = streamed.getFields().get(i);
      Field actualWithMetadata = new Field(actual.getName(), new FieldType(actual.isNullable(), actual.getType(),
          actual.getDictionary(), expected.getMetadata()), actual.getChildren());
      if (!actualWithMetadata.equals(expected)) {
        log.warn("announced field {} does not match the streamed {}; sending the stream's schema", expected, actual);
        return streamed;
      }
    }
    return announced;
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
          trace.succeeded();
          finish();
          return;
        }
        sent.setRowCount(result.root().getRowCount());
        listener.putNext();
        trace.batch(sent.getRowCount(), sent.getFieldVectors().stream().mapToLong(FieldVector::getBufferSize).sum());
      }
      if (clientGone) {
        trace.failed(new EngineException(ErrorKind.CANCELLED, "the client cancelled the stream or went away"));
        finish();
      }
    } catch (EngineException e) {
      if (!clientGone) {
        listener.error(FlightStatuses.toGrpc(e));
      }
      trace.failed(e);
      finish();
    } catch (RuntimeException e) {
      log.error("streaming a result failed", e);
      if (!clientGone) {
        listener.error(Status.INTERNAL.withDescription("streaming the result failed: " + e).asRuntimeException());
      }
      trace.failed(e);
      finish();
    }
  }

  private void finish() {
    finished = true;
    try {
      result.close();
    } finally {
      notRunning.run();
      onFinished.run();
    }
  }
}
