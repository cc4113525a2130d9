package dev.bridge.cli;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import java.io.IOException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.locks.LockSupport;
import org.apache.arrow.flight.CallOption;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.PutResult;
import org.apache.arrow.flight.SyncPutListener;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandStatementIngest;
import org.apache.arrow.flight.sql.impl.FlightSql.DoPutUpdateResult;
import org.apache.arrow.vector.ipc.ArrowReader;

/**
 * One Flight SQL bulk ingest: a DoPut carrying {@code CommandStatementIngest}, answered with the row count in a
 * {@code DoPutUpdateResult}. {@code FlightSqlClient.executeIngest} sends the same messages, but Arrow Java's
 * {@code putNext} busy-waits while the gRPC transport is full (apache/arrow-java#362). In an ingest the server is
 * the slower side, so the client would spin on a whole core for the entire stream, and on a machine it shares
 * with the server that core is taken from the server. This upload parks between checks instead.
 */
public final class BulkIngestUpload {
  private static final long FIRST_PARK_NANOS = 20_000;
  private static final long LONGEST_PARK_NANOS = 500_000;

  private BulkIngestUpload() {}

  /**
   * Sends every batch of {@code batches} (not closed here) as {@code command} and returns the number of rows the
   * server reports written. A batch the reader fails to load cancels the stream: the server rolls back.
   */
  public static long send(FlightClient client, CommandStatementIngest command, ArrowReader batches,
      CallOption... options) throws IOException {
    FlightDescriptor descriptor = FlightDescriptor.command(Any.pack(command).toByteArray());
    try (SyncPutListener results = new SyncPutListener()) {
      FlightClient.ClientStreamListener stream =
          client.startPut(descriptor, batches.getVectorSchemaRoot(), batches, results, options);
      try {
        // Once the server has ended the call (an error), stop reading: getResult reports why.
        while (!results.isCancelled() && batches.loadNextBatch()) {
          if (awaitReady(stream, results)) {
            stream.putNext();
          }
        }
      } catch (IOException | RuntimeException e) {
        stream.error(e);
        throw e;
      }
      stream.completed();
      stream.getResult();
      try (PutResult result = results.read()) {
        if (result == null) {
          throw CallStatus.INTERNAL.withDescription("the server answered the ingest with no DoPutUpdateResult")
              .toRuntimeException();
        }
        return DoPutUpdateResult.parseFrom(result.getApplicationMetadata().nioBuffer()).getRecordCount();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw CallStatus.CANCELLED.withDescription("interrupted while sending the ingest").withCause(e)
          .toRuntimeException();
    } catch (ExecutionException e) {
      throw CallStatus.INTERNAL.withDescription("the server's ingest result could not be read")
          .withCause(e.getCause()).toRuntimeException();
    } catch (InvalidProtocolBufferException e) {
      throw CallStatus.INTERNAL.withDescription("the server's ingest result is not a DoPutUpdateResult")
          .withCause(e).toRuntimeException();
    }
  }

  /** Waits, parked, until gRPC takes another message (true) or the server has ended the call (false). */
  private static boolean awaitReady(FlightClient.ClientStreamListener stream, SyncPutListener results) {
    long park = FIRST_PARK_NANOS;
    while (!stream.isReady()) {
      if (results.isCancelled()) {
        return false;
      }
      LockSupport.parkNanos(park);
      park = Math.min(park * 2, LONGEST_PARK_NANOS);
    }
    return true;
  }
}
