package dev.bridge.cluster;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.MethodDescriptor;
import io.grpc.ServerServiceDefinition;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.ServerCalls;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;

/**
 * How busy a node is: the result streams it is sending now, asked by the coordinator next to the gRPC health check.
 * A one-method gRPC service ({@code bridge.cluster.Load/Get}, an empty request and an 8-byte answer) served beside
 * {@code grpc.health.v1} on the Flight port and, like it, outside Flight's authentication: it reveals one number,
 * and a coordinator needs no user on its workers to ask it.
 */
public final class WorkerLoad {
  private static final MethodDescriptor.Marshaller<byte[]> BYTES = new MethodDescriptor.Marshaller<>() {
    @Override
    public InputStream stream(byte[] value) {
      return new ByteArrayInputStream(value);
    }

    @Override
    public byte[] parse(InputStream stream) {
      try {
        return stream.readAllBytes();
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  };

  static final MethodDescriptor<byte[], byte[]> GET = MethodDescriptor.<byte[], byte[]>newBuilder()
      .setType(MethodDescriptor.MethodType.UNARY)
      .setFullMethodName(MethodDescriptor.generateFullMethodName("bridge.cluster.Load", "Get"))
      .setRequestMarshaller(BYTES)
      .setResponseMarshaller(BYTES)
      .build();

  private WorkerLoad() {}

  /** The service answering with {@code runningStreams} now. */
  public static ServerServiceDefinition service(IntSupplier runningStreams) {
    return ServerServiceDefinition.builder("bridge.cluster.Load")
        .addMethod(GET, ServerCalls.asyncUnaryCall((request, response) -> {
          response.onNext(ByteBuffer.allocate(Long.BYTES).putLong(runningStreams.getAsInt()).array());
          response.onCompleted();
        }))
        .build();
  }

  /** The running streams of the node behind {@code channel}; throws the call's status when it cannot answer. */
  static long ask(Channel channel, long timeoutMillis) {
    byte[] answer = ClientCalls.blockingUnaryCall(channel, GET,
        CallOptions.DEFAULT.withDeadlineAfter(timeoutMillis, TimeUnit.MILLISECONDS), new byte[0]);
    return answer.length == Long.BYTES ? ByteBuffer.wrap(answer).getLong() : 0;
  }
}
