package dev.bridge.reliability;

import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.arrow.flight.impl.Flight;
import org.apache.arrow.flight.impl.FlightServiceGrpc;

/**
 * A Flight client on plain gRPC stubs of {@code arrow.flight.protocol.FlightService}: it sends whatever bytes it is
 * given (Arrow's FlightClient would refuse to build most of them) and reports the server's exact gRPC status. Every
 * call has a deadline, so a server that hangs shows up as DEADLINE_EXCEEDED.
 */
final class RawFlight implements AutoCloseable {
  private static final long DEADLINE_SECONDS = 60;

  private final ManagedChannel channel;

  RawFlight(int port) {
    this.channel = ManagedChannelBuilder.forAddress("127.0.0.1", port).usePlaintext()
        .maxInboundMessageSize(256 << 20).build();
  }

  private FlightServiceGrpc.FlightServiceBlockingStub blocking() {
    return FlightServiceGrpc.newBlockingStub(channel).withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS);
  }

  static Flight.FlightDescriptor command(byte[] command) {
    return Flight.FlightDescriptor.newBuilder().setType(Flight.FlightDescriptor.DescriptorType.CMD)
        .setCmd(ByteString.copyFrom(command)).build();
  }

  Flight.FlightInfo getFlightInfo(byte[] command) {
    return blocking().getFlightInfo(command(command));
  }

  Flight.SchemaResult getSchema(byte[] command) {
    return blocking().getSchema(command(command));
  }

  /** Reads the whole stream of {@code ticket}; returns how many FlightData messages came. */
  int doGet(ByteString ticket) {
    Iterator<Flight.FlightData> stream = blocking().doGet(Flight.Ticket.newBuilder().setTicket(ticket).build());
    int messages = 0;
    while (stream.hasNext()) {
      stream.next();
      messages++;
    }
    return messages;
  }

  /** Plans {@code command} and reads every endpoint's stream; returns the FlightData messages read. */
  int query(byte[] command) {
    int messages = 0;
    for (Flight.FlightEndpoint endpoint : getFlightInfo(command).getEndpointList()) {
      messages += doGet(endpoint.getTicket().getTicket());
    }
    return messages;
  }

  List<Flight.Result> doAction(String type, byte[] body) {
    Iterator<Flight.Result> results = blocking().doAction(
        Flight.Action.newBuilder().setType(type).setBody(ByteString.copyFrom(body)).build());
    List<Flight.Result> all = new ArrayList<>();
    results.forEachRemaining(all::add);
    return all;
  }

  /** Sends {@code messages} as one DoPut and returns the server's PutResults, or throws its status. */
  List<Flight.PutResult> doPut(List<Flight.FlightData> messages) {
    CompletableFuture<List<Flight.PutResult>> done = new CompletableFuture<>();
    List<Flight.PutResult> results = new ArrayList<>();
    StreamObserver<Flight.FlightData> requests = FlightServiceGrpc.newStub(channel)
        .withDeadlineAfter(DEADLINE_SECONDS, TimeUnit.SECONDS)
        .doPut(new StreamObserver<>() {
          @Override
          public void onNext(Flight.PutResult value) {
            results.add(value);
          }

          @Override
          public void onError(Throwable t) {
            done.completeExceptionally(t);
          }

          @Override
          public void onCompleted() {
            done.complete(results);
          }
        });
    try {
      messages.forEach(requests::onNext);
      requests.onCompleted();
    } catch (RuntimeException e) {
      requests.onError(e);
    }
    try {
      return done.get(DEADLINE_SECONDS + 5, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof StatusRuntimeException status ? status : new IllegalStateException(e.getCause());
    } catch (TimeoutException e) {
      throw Status.DEADLINE_EXCEEDED.withDescription("DoPut hung").asRuntimeException();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() throws InterruptedException {
    channel.shutdownNow();
    channel.awaitTermination(10, TimeUnit.SECONDS);
  }
}
