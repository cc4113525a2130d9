package dev.bridge.flight;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.bridge.ingest.IpcBatchCheck;
import io.grpc.Attributes;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.SecurityLevel;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerMethodDefinition;
import io.grpc.Status;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import org.apache.arrow.flatbuf.Message;
import org.apache.arrow.flatbuf.MessageHeader;
import org.apache.arrow.flight.impl.Flight;

/**
 * Guards the DoPut stream against the inputs Flight's own reader turns into UNKNOWN or a hang: a FlightData whose
 * Arrow IPC header is not a valid message, a record batch sent before any schema (Flight's reader would wait for
 * the schema forever), and a message Flight fails to parse or load. Such a call ends with INVALID_ARGUMENT naming
 * the problem, and the DoPut handler sees its stream cancelled, so an ingest rolls back.
 */
final class DoPutGuard {
  private DoPutGuard() {}

  /** Flight's DoPut {@code method}, guarded. */
  static <T, R> ServerMethodDefinition<Parsed<T>, R> guard(ServerMethodDefinition<T, R> method) {
    MethodDescriptor<T, R> descriptor = method.getMethodDescriptor();
    MethodDescriptor<Parsed<T>, R> checked = descriptor.toBuilder(
        new CheckingMarshaller<>(descriptor.getRequestMarshaller()), descriptor.getResponseMarshaller()).build();
    ServerCallHandler<T, R> handler = method.getServerCallHandler();
    return ServerMethodDefinition.create(checked, (call, headers) -> {
      GuardedCall<T, R> guardedCall = new GuardedCall<>(call, descriptor);
      return new GuardedListener<>(handler.startCall(guardedCall, headers), guardedCall);
    });
  }

  /** A request as parsed: Flight's message and its IPC header type, or the problem that kept it from parsing. */
  record Parsed<T>(T message, byte headerType, String problem) {
    void release() {
      if (message instanceof AutoCloseable closeable) {
        try {
          closeable.close();
        } catch (Exception ignored) {
          // Only buffers are released here.
        }
      }
    }
  }

  /** Reads the IPC header type first (mark and reset: the body is not copied), then lets Flight parse. */
  private record CheckingMarshaller<T>(MethodDescriptor.Marshaller<T> flight)
      implements MethodDescriptor.Marshaller<Parsed<T>> {
    @Override
    public InputStream stream(Parsed<T> value) {
      return flight.stream(value.message());
    }

    @Override
    public Parsed<T> parse(InputStream stream) {
      byte headerType;
      try {
        stream.mark(Integer.MAX_VALUE);
        headerType = IpcHeaderPeek.headerType(stream);
        stream.reset();
      } catch (IOException e) {
        return new Parsed<>(null, MessageHeader.NONE, "a FlightData message is not valid Arrow IPC: " + e.getMessage());
      } catch (RuntimeException e) {
        return new Parsed<>(null, MessageHeader.NONE,
            "a FlightData data_header is not an Arrow IPC message (" + e.getClass().getSimpleName() + ")");
      }
      try {
        return new Parsed<>(flight.parse(stream), headerType, null);
      } catch (RuntimeException e) {
        return new Parsed<>(null, headerType, "a FlightData message is not valid Arrow IPC: " + describe(e));
      }
    }
  }

  private static final class GuardedListener<T> extends ServerCall.Listener<Parsed<T>> {
    private final ServerCall.Listener<T> delegate;
    private final GuardedCall<T, ?> call;
    private boolean schemaSeen;

    GuardedListener(ServerCall.Listener<T> delegate, GuardedCall<T, ?> call) {
      this.delegate = delegate;
      this.call = call;
    }

    @Override
    public void onMessage(Parsed<T> parsed) {
      if (call.failed()) {
        parsed.release();
        return;
      }
      String problem = parsed.problem();
      boolean batch = parsed.headerType() == MessageHeader.RecordBatch
          || parsed.headerType() == MessageHeader.DictionaryBatch;
      if (problem == null && batch && !schemaSeen) {
        problem = "the Arrow IPC stream sent a " + MessageHeader.name(parsed.headerType())
            + " before its schema; the first IPC message must be the Schema";
      }
      schemaSeen |= parsed.headerType() == MessageHeader.Schema;
      if (problem != null) {
        parsed.release();
        fail(problem);
        return;
      }
      try {
        delegate.onMessage(parsed.message());
      } catch (RuntimeException e) {
        fail("a FlightData message is not valid Arrow IPC: " + describe(e));
      }
    }

    private void fail(String problem) {
      if (call.fail(Status.INVALID_ARGUMENT.withDescription(problem))) {
        delegate.onCancel();
      }
    }

    @Override
    public void onHalfClose() {
      if (!call.failed()) {
        delegate.onHalfClose();
      }
    }

    @Override
    public void onCancel() {
      if (!call.failed()) {
        delegate.onCancel();
      }
    }

    @Override
    public void onComplete() {
      if (!call.failed()) {
        delegate.onComplete();
      }
    }

    @Override
    public void onReady() {
      if (!call.failed()) {
        delegate.onReady();
      }
    }
  }

  /** The call as Flight sees it; once the guard has failed it, Flight's own late close is dropped. */
  private static final class GuardedCall<T, R> extends ServerCall<T, R> {
    private final ServerCall<Parsed<T>, R> call;
    private final MethodDescriptor<T, R> descriptor;
    private boolean closed;
    private volatile boolean failed;

    GuardedCall(ServerCall<Parsed<T>, R> call, MethodDescriptor<T, R> descriptor) {
      this.call = call;
      this.descriptor = descriptor;
    }

    boolean failed() {
      return failed;
    }

    synchronized boolean fail(Status status) {
      if (closed) {
        return false;
      }
      closed = true;
      failed = true;
      call.close(status, new Metadata());
      return true;
    }

    @Override
    public synchronized void close(Status status, Metadata trailers) {
      if (!closed) {
        closed = true;
        call.close(status, trailers);
      }
    }

    @Override
    public synchronized void sendMessage(R message) {
      if (!closed) {
        call.sendMessage(message);
      }
    }

    @Override
    public void request(int numMessages) {
      call.request(numMessages);
    }

    @Override
    public synchronized void sendHeaders(Metadata headers) {
      if (!closed) {
        call.sendHeaders(headers);
      }
    }

    @Override
    public boolean isReady() {
      return call.isReady();
    }

    @Override
    public boolean isCancelled() {
      return failed || call.isCancelled();
    }

    @Override
    public void setMessageCompression(boolean enabled) {
      call.setMessageCompression(enabled);
    }

    @Override
    public void setCompression(String compressor) {
      call.setCompression(compressor);
    }

    @Override
    public void setOnReadyThreshold(int numBytes) {
      call.setOnReadyThreshold(numBytes);
    }

    @Override
    public Attributes getAttributes() {
      return call.getAttributes();
    }

    @Override
    public String getAuthority() {
      return call.getAuthority();
    }

    @Override
    public SecurityLevel getSecurityLevel() {
      return call.getSecurityLevel();
    }

    @Override
    public MethodDescriptor<T, R> getMethodDescriptor() {
      return descriptor;
    }
  }

  private static String describe(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = root.getMessage();
    return root.getClass().getSimpleName() + (message == null ? "" : ": " + message);
  }

  /**
   * Reads the fields of a serialized FlightData without copying its body and checks what Flight's own parser
   * ({@code ArrowMessage.frame}) would fail on once it has allocated the app_metadata or body buffer, which it then
   * never releases: a field it does not read, a truncated field, a descriptor that does not parse, an IPC header
   * Arrow cannot read or a batch header that does not fit the body ({@link IpcBatchCheck}).
   */
  static final class IpcHeaderPeek {
    private static final int DESCRIPTOR_TAG = 1 << 3 | 2;
    private static final int DATA_HEADER_TAG = 2 << 3 | 2;
    private static final int APP_METADATA_TAG = 3 << 3 | 2;
    private static final int DATA_BODY_TAG = 1000 << 3 | 2;
    private static final int MAX_HEADER_BYTES = 16 << 20;

    private IpcHeaderPeek() {}

    static byte headerType(InputStream in) throws IOException {
      Message message = null;
      long bodyLength = 0;
      for (long tag = varint(in); tag >= 0; tag = varint(in)) {
        if (tag == DESCRIPTOR_TAG) {
          descriptor(in);
        } else if (tag == DATA_HEADER_TAG) {
          message = header(in);
        } else if (tag == APP_METADATA_TAG) {
          skip(in, varint(in));
        } else if (tag == DATA_BODY_TAG) {
          bodyLength = varint(in);
          skip(in, bodyLength);
        } else {
          throw new IOException("FlightData field " + (tag >>> 3) + " with wire type " + (tag & 7)
              + " is not one Flight reads");
        }
      }
      if (message == null) {
        return MessageHeader.NONE;
      }
      IpcBatchCheck.check(message, bodyLength);
      return message.headerType();
    }

    private static void descriptor(InputStream in) throws IOException {
      try {
        Flight.FlightDescriptor.parseFrom(bytes(in, "flight_descriptor"));
      } catch (InvalidProtocolBufferException e) {
        throw new IOException("the flight_descriptor does not parse: " + e.getMessage(), e);
      }
    }

    private static Message header(InputStream in) throws IOException {
      byte[] header = bytes(in, "data_header");
      return header.length == 0 ? null : Message.getRootAsMessage(ByteBuffer.wrap(header));
    }

    private static byte[] bytes(InputStream in, String field) throws IOException {
      long length = varint(in);
      if (length < 0 || length > MAX_HEADER_BYTES) {
        throw new IOException("a " + field + " of " + length + " bytes");
      }
      byte[] bytes = in.readNBytes((int) length);
      if (bytes.length != length) {
        throw new IOException("the " + field + " is truncated");
      }
      return bytes;
    }

    /** A varint, or -1 at the end of the stream. */
    private static long varint(InputStream in) throws IOException {
      long value = 0;
      for (int shift = 0; shift < 64; shift += 7) {
        int b = in.read();
        if (b < 0) {
          if (shift == 0) {
            return -1;
          }
          throw new IOException("truncated varint");
        }
        value |= (long) (b & 0x7F) << shift;
        if ((b & 0x80) == 0) {
          return value;
        }
      }
      throw new IOException("varint too long");
    }

    private static void skip(InputStream in, long bytes) throws IOException {
      if (bytes < 0 || in.skip(bytes) != bytes) {
        throw new IOException("truncated field");
      }
    }
  }
}
