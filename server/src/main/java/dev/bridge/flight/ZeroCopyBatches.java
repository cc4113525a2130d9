package dev.bridge.flight;

import io.grpc.Drainable;
import io.grpc.MethodDescriptor;
import io.grpc.ServerMethodDefinition;
import io.grpc.internal.WritableBuffer;
import io.grpc.netty.shaded.io.netty.buffer.ByteBuf;
import io.grpc.netty.shaded.io.netty.buffer.CompositeByteBuf;
import io.grpc.netty.shaded.io.netty.buffer.PooledByteBufAllocator;
import io.grpc.netty.shaded.io.netty.buffer.Unpooled;
import io.grpc.netty.shaded.io.netty.buffer.UnpooledByteBufAllocator;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.reflect.Constructor;
import java.lang.reflect.Field;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands DoGet's record batches to the gRPC transport without copying them.
 *
 * <p>Flight serializes a batch sent with {@code setUseZeroCopy(true)} as a Netty buffer that holds references to the
 * batch's Arrow buffers, but it can only give that buffer to an unshaded grpc-netty transport; on Bridge's
 * grpc-netty-shaded transport it copies every byte twice (through a heap array into a freshly allocated transport
 * buffer). This marshaller does what Flight does for the shaded transport: it wraps the same memory in shaded Netty
 * buffers, puts them into gRPC's outgoing message as one frame, and releases the Arrow buffers once Netty has
 * written them to the socket. The header and the alignment padding, which Flight keeps on the heap, are copied into
 * direct memory: Netty copies a whole message again before writing it if any part of it is on the heap.
 *
 * <p>A message gRPC does not serialize into its plain buffer chain (a compressed call) is copied, as Flight would.
 * Both Flight's and gRPC's private members are reached through reflection, as Flight itself does. If they are not
 * found (another Arrow or gRPC version), batches are copied as before, and {@link #AVAILABLE} is false so that the
 * streamer does not ask Flight for zero-copy writes it would hand to the wrong transport.
 */
final class ZeroCopyBatches {
  private static final Logger log = LoggerFactory.getLogger(ZeroCopyBatches.class);

  private static final Reflection REFLECTION = Reflection.find();
  static final boolean AVAILABLE = REFLECTION != null;

  private ZeroCopyBatches() {}

  /** Told how each batch Flight serialized for a zero-copy write was handed to the transport. */
  @FunctionalInterface
  interface WriteCounter {
    void written(boolean zeroCopy);
  }

  /** {@code method} (Flight's DoGet) with responses that are written without a copy where possible. */
  static <T, R> ServerMethodDefinition<T, R> install(ServerMethodDefinition<T, R> method, WriteCounter writes) {
    if (!AVAILABLE) {
      return method;
    }
    MethodDescriptor<T, R> descriptor = method.getMethodDescriptor();
    MethodDescriptor<T, R> zeroCopy = descriptor.toBuilder()
        .setResponseMarshaller(marshaller(descriptor.getResponseMarshaller(), writes))
        .build();
    return ServerMethodDefinition.create(zeroCopy, method.getServerCallHandler());
  }

  /** Flight's response marshaller, {@code flight}, made to hand batches over without a copy. */
  static <R> MethodDescriptor.Marshaller<R> marshaller(MethodDescriptor.Marshaller<R> flight, WriteCounter writes) {
    return new Marshaller<>(flight, writes);
  }

  private record Marshaller<R>(MethodDescriptor.Marshaller<R> flight, WriteCounter writes)
      implements MethodDescriptor.Marshaller<R> {
    @Override
    public InputStream stream(R value) {
      InputStream serialized = flight.stream(value);
      io.netty.buffer.CompositeByteBuf retained = REFLECTION.retainedBatch(serialized);
      return retained == null ? serialized : new BatchStream(serialized, retained, writes);
    }

    @Override
    public R parse(InputStream stream) {
      return flight.parse(stream);
    }
  }

  /**
   * One serialized batch. Until {@link #drainTo} hands it over, closing the stream releases the Arrow buffers;
   * afterwards the transport's buffer does, when Netty releases it.
   */
  private static final class BatchStream extends InputStream implements Drainable {
    private final InputStream flight;
    private final io.netty.buffer.CompositeByteBuf message;
    private final WriteCounter writes;
    private boolean handedOver;

    BatchStream(InputStream flight, io.netty.buffer.CompositeByteBuf message, WriteCounter writes) {
      this.flight = flight;
      this.message = message;
      this.writes = writes;
    }

    @Override
    public int drainTo(OutputStream target) throws IOException {
      if (!REFLECTION.isEmptyMessageChain(target)) {
        writes.written(false);
        return ((Drainable) flight).drainTo(target);
      }
      int size = message.readableBytes();
      ByteBuf transportBuffer = shadedView(message, this::releaseFlightStream);
      handedOver = true;
      REFLECTION.append(target, transportBuffer);
      writes.written(true);
      return size;
    }

    private void releaseFlightStream() {
      try {
        flight.close();
      } catch (IOException e) {
        log.warn("releasing a sent batch failed", e);
      }
    }

    @Override
    public int read() throws IOException {
      return flight.read();
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      return flight.read(b, off, len);
    }

    @Override
    public int available() throws IOException {
      return flight.available();
    }

    @Override
    public void close() throws IOException {
      if (!handedOver) {
        flight.close();
      }
    }
  }

  /**
   * The readable bytes of {@code message} as one shaded buffer over the same memory (heap parts copied to direct
   * memory); {@code onRelease} runs when the transport releases it.
   */
  private static ByteBuf shadedView(io.netty.buffer.CompositeByteBuf message, Runnable onRelease) {
    ByteBuffer[] parts = message.nioBuffers();
    List<ByteBuf> components = new ArrayList<>(parts.length);
    for (ByteBuffer part : parts) {
      if (!part.hasRemaining()) {
        continue;
      }
      if (part.isDirect()) {
        components.add(Unpooled.wrappedBuffer(part));
      } else {
        ByteBuf copy = PooledByteBufAllocator.DEFAULT.directBuffer(part.remaining());
        components.add(copy.writeBytes(part));
      }
    }
    return new ReleasingCompositeByteBuf(components, onRelease);
  }

  private static final class ReleasingCompositeByteBuf extends CompositeByteBuf {
    private final Runnable onRelease;

    ReleasingCompositeByteBuf(List<ByteBuf> components, Runnable onRelease) {
      // No component limit: past it Netty would consolidate the components by copying them.
      super(UnpooledByteBufAllocator.DEFAULT, true, Integer.MAX_VALUE, components);
      this.onRelease = onRelease;
    }

    @Override
    protected void deallocate() {
      super.deallocate();
      onRelease.run();
    }
  }

  /** The private members of Flight and gRPC this needs, found once. */
  private record Reflection(Class<?> flightStream, Field flightBuffer, Field flightZeroCopy, Class<?> messageChain,
      Field chainBuffers, Field chainCurrent, Constructor<?> transportBuffer) {

    static Reflection find() {
      try {
        Class<?> flightStream = Class.forName("org.apache.arrow.flight.ArrowMessage$DrainableByteBufInputStream");
        Class<?> messageChain = Class.forName("io.grpc.internal.MessageFramer$BufferChainOutputStream");
        Class<?> nettyBuffer = Class.forName("io.grpc.netty.shaded.io.grpc.netty.NettyWritableBuffer");
        return new Reflection(flightStream, accessible(flightStream.getDeclaredField("buf")),
            accessible(flightStream.getDeclaredField("isZeroCopy")), messageChain,
            accessible(messageChain.getDeclaredField("bufferList")),
            accessible(messageChain.getDeclaredField("current")),
            accessible(nettyBuffer.getDeclaredConstructor(ByteBuf.class)));
      } catch (ReflectiveOperationException | RuntimeException e) {
        log.warn("zero-copy DoGet writes are off, batches are copied: {}", e.toString());
        return null;
      }
    }

    private static <A extends java.lang.reflect.AccessibleObject> A accessible(A member) {
      member.setAccessible(true);
      return member;
    }

    /** The serialized batch inside Flight's stream if Flight retained its Arrow buffers for it, else null. */
    io.netty.buffer.CompositeByteBuf retainedBatch(InputStream serialized) {
      if (serialized.getClass() != flightStream) {
        return null;
      }
      try {
        return flightZeroCopy.getBoolean(serialized) ? (io.netty.buffer.CompositeByteBuf) flightBuffer.get(serialized)
            : null;
      } catch (IllegalAccessException e) {
        throw new IllegalStateException(e);
      }
    }

    /** Whether {@code target} is the buffer chain gRPC serializes an outgoing message into, still empty. */
    boolean isEmptyMessageChain(OutputStream target) {
      try {
        return target.getClass() == messageChain && chainCurrent.get(target) == null;
      } catch (IllegalAccessException e) {
        throw new IllegalStateException(e);
      }
    }

    @SuppressWarnings("unchecked")
    void append(OutputStream chain, ByteBuf buffer) {
      try {
        WritableBuffer writable = (WritableBuffer) transportBuffer.newInstance(buffer);
        ((List<WritableBuffer>) chainBuffers.get(chain)).add(writable);
        chainCurrent.set(chain, writable);
      } catch (ReflectiveOperationException e) {
        buffer.release();
        throw new IllegalStateException(e);
      }
    }
  }
}
