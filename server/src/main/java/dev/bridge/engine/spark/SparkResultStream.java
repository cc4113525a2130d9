package dev.bridge.engine.spark;

import dev.bridge.engine.Cancellation;
import dev.bridge.engine.EngineException;
import dev.bridge.engine.ErrorKind;
import dev.bridge.engine.ResultStream;
import java.io.IOException;
import java.nio.channels.Channels;
import java.util.ArrayDeque;
import java.util.Iterator;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorLoader;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ReadChannel;
import org.apache.arrow.flatbuf.MessageHeader;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.ipc.message.MessageMetadataResult;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.ipc.message.MessageSerializer;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.spark.connect.proto.ExecutePlanResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sparkproject.io.grpc.Context;
import org.sparkproject.io.grpc.StatusRuntimeException;

/**
 * A Spark result as the doors read it. Spark sends each batch as the bytes of an Arrow IPC stream inside its gRPC
 * response; the one conversion is reading those bytes into this process's Arrow buffers
 * ({@link MessageSerializer}), loaded into the same vectors batch after batch. Responses are pulled one at a time
 * as the door asks for the next batch (gRPC flow control then holds Spark back for a slow client).
 */
final class SparkResultStream implements ResultStream {
  private static final Logger log = LoggerFactory.getLogger(SparkResultStream.class);

  private final Iterator<ExecutePlanResponse> responses;
  private final Context.CancellableContext call;
  private final Cancellation cancellation;
  private final BufferAllocator allocator;
  private final VectorSchemaRoot root;
  private final VectorLoader loader;
  /** Batches decoded from a response and not yet loaded (a response may carry several). */
  private final ArrayDeque<ArrowRecordBatch> pending = new ArrayDeque<>();
  private long rows;
  private long bytes;
  private long decodeNanos;
  private int batches;
  private volatile boolean cancelled;
  private boolean ended;

  /**
   * Reads up to Spark's first batch, whose IPC schema is the stream's; a result Spark sent no batch for has
   * {@code described}, the schema AnalyzePlan gave.
   */
  SparkResultStream(Iterator<ExecutePlanResponse> responses, Context.CancellableContext call,
      Cancellation cancellation, BufferAllocator allocator, Schema described) {
    this.responses = responses;
    this.call = call;
    this.cancellation = cancellation;
    this.allocator = allocator;
    Schema schema;
    try {
      schema = readUntilBatch();
    } catch (RuntimeException e) {
      release();
      throw e;
    }
    this.root = VectorSchemaRoot.create(schema != null ? schema : described, allocator);
    this.loader = new VectorLoader(root);
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
    if (pending.isEmpty() && !ended) {
      readUntilBatch();
    }
    ArrowRecordBatch batch = pending.poll();
    if (batch == null) {
      return false;
    }
    try {
      loader.load(batch);
    } finally {
      batch.close();
    }
    rows += root.getRowCount();
    return true;
  }

  /** Reads responses until one carries Arrow batches (queued) or the result ends; the batches' schema, or null. */
  private Schema readUntilBatch() {
    try {
      while (responses.hasNext()) {
        ExecutePlanResponse response = responses.next();
        if (response.hasArrowBatch()) {
          return decode(response.getArrowBatch());
        }
      }
      ended = true;
      return null;
    } catch (StatusRuntimeException e) {
      ended = true;
      throw cancelled ? Cancellation.cancelled(e) : SparkErrors.translate(e);
    }
  }

  private Schema decode(ExecutePlanResponse.ArrowBatch batch) {
    long start = System.nanoTime();
    bytes += batch.getData().size();
    batches++;
    // The bytes are in memory: the channel holds nothing to close.
    ReadChannel channel = new ReadChannel(Channels.newChannel(batch.getData().newInput()));
    try {
      Schema schema = MessageSerializer.deserializeSchema(channel);
      MessageMetadataResult message;
      while ((message = MessageSerializer.readMessage(channel)) != null) {
        if (message.getMessage().headerType() != MessageHeader.RecordBatch) {
          throw new EngineException(ErrorKind.INTERNAL, "Spark sent a dictionary batch, which Bridge does not read");
        }
        // A batch whose buffers are all empty (no rows: Spark sends one for an empty partition) has no body, which
        // MessageSerializer.deserializeMessageBatch cannot read (it slices a null body); it gets an empty one.
        long length = message.getMessageBodyLength();
        ArrowBuf body = length == 0 ? allocator.getEmpty()
            : MessageSerializer.readMessageBody(channel, length, allocator);
        // The batch keeps slices of the body and releases the body's own reference.
        pending.add(MessageSerializer.deserializeRecordBatch(message.getMessage(), body));
      }
      return schema;
    } catch (IOException e) {
      throw new EngineException(ErrorKind.INTERNAL, "Spark's Arrow batch could not be read: " + e.getMessage(), e);
    } finally {
      decodeNanos += System.nanoTime() - start;
    }
  }

  @Override
  public long rows() {
    return rows;
  }

  @Override
  public void cancel() {
    cancelled = true;
    cancellation.cancel();
  }

  @Override
  public boolean isCancelled() {
    return cancelled || cancellation.requested();
  }

  @Override
  public void close() {
    release();
    root.close();
    log.debug("Spark result: {} rows in {} batches, {} Arrow IPC bytes read into Arrow buffers in {} ms", rows,
        batches, bytes, decodeNanos / 1e6);
  }

  /** Ends the call (a no-op once Spark finished it) and frees what was decoded and not streamed. */
  private void release() {
    cancellation.detach();
    call.cancel(null);
    pending.forEach(ArrowRecordBatch::close);
    pending.clear();
  }

  /** Nanoseconds spent reading Spark's IPC bytes into Arrow buffers so far. */
  long decodeNanos() {
    return decodeNanos;
  }
}
