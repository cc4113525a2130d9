package dev.bridge.flight;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.Drainable;
import io.grpc.MethodDescriptor;
import io.grpc.internal.MessageFramer;
import io.grpc.internal.StatsTraceContext;
import io.grpc.internal.WritableBuffer;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Constructor;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link ZeroCopyBatches} against the real classes it joins: Flight's serialized batch stream and gRPC's message
 * framer. The batch stands for a serialized record batch: a heap header, a direct body buffer and heap padding, as
 * Flight builds it.
 */
class ZeroCopyBatchesTest {
  private static final byte[] HEADER = "flight-data-header".getBytes();
  private static final byte[] PADDING = new byte[5];

  private final byte[] bodyBytes = new byte[100_000];
  private final ByteBuf body = Unpooled.directBuffer(bodyBytes.length);
  private final List<Boolean> writes = new ArrayList<>();

  ZeroCopyBatchesTest() {
    new Random(7).nextBytes(bodyBytes);
    body.writeBytes(bodyBytes);
  }

  @Test
  void theFlightAndGrpcInternalsItJoinsArePresent() {
    // An Arrow or gRPC upgrade that moves them turns zero-copy writes off; this says so.
    assertThat(ZeroCopyBatches.AVAILABLE).isTrue();
  }

  @Test
  void handsTheBatchToGrpcAsOneFrameOverTheSameMemory() throws Exception {
    CompositeByteBuf batch = batch();
    List<WritableBuffer> frames = new ArrayList<>();
    MessageFramer framer = new MessageFramer((frame, endOfStream, flush, messages) -> {
      if (frame != null) {
        frames.add(frame);
      }
    }, HeapBuffer::new, StatsTraceContext.NOOP);

    try (InputStream stream = marshaller().stream(flightStream(batch, true))) {
      framer.writePayload(stream);
    }
    framer.flush();

    assertThat(writes).containsExactly(true);
    assertThat(frames).hasSize(2);
    assertThat(((HeapBuffer) frames.get(0)).bytes()).startsWith(0).hasSize(5); // gRPC's uncompressed message prefix
    io.grpc.netty.shaded.io.netty.buffer.CompositeByteBuf sent =
        (io.grpc.netty.shaded.io.netty.buffer.CompositeByteBuf) transportBuffer(frames.get(1));
    byte[] sentBytes = new byte[sent.readableBytes()];
    sent.getBytes(sent.readerIndex(), sentBytes);
    assertThat(sentBytes).isEqualTo(expectedBytes());
    // Every component is direct memory (Netty would copy a message with a heap part), and the body is the batch's
    // own memory, not a copy of it.
    assertThat(sent.isDirect()).isTrue();
    assertThat(componentAddresses(sent)).contains(body.memoryAddress());

    assertThat(batch.refCnt()).as("the batch is held while the transport holds the frame").isEqualTo(1);
    frames.get(1).release();
    assertThat(batch.refCnt()).as("released once the transport has written it").isZero();
  }

  @Test
  void copiesIntoAnyOtherStreamAndReleasesTheBatchOnClose() throws Exception {
    CompositeByteBuf batch = batch();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (InputStream stream = marshaller().stream(flightStream(batch, true))) {
      ((Drainable) stream).drainTo(out);
      assertThat(batch.refCnt()).isEqualTo(1);
    }
    assertThat(out.toByteArray()).isEqualTo(expectedBytes());
    assertThat(writes).containsExactly(false);
    assertThat(batch.refCnt()).isZero();
  }

  @Test
  void aBatchNeverSentIsReleasedWhenItsStreamCloses() throws Exception {
    CompositeByteBuf batch = batch();
    marshaller().stream(flightStream(batch, true)).close();
    assertThat(batch.refCnt()).isZero();
    assertThat(writes).isEmpty();
  }

  @Test
  void leavesAloneWhatFlightDidNotSerializeForAZeroCopyWrite() throws Exception {
    // A batch Flight copies does not hold its Arrow buffers; metadata results and schemas are plain protobuf.
    InputStream copying = flightStream(batch(), false);
    InputStream protobuf = new ByteArrayInputStream(HEADER);
    assertThat(marshaller().stream(copying)).isSameAs(copying);
    assertThat(marshaller().stream(protobuf)).isSameAs(protobuf);
  }

  private MethodDescriptor.Marshaller<InputStream> marshaller() {
    return ZeroCopyBatches.marshaller(new MethodDescriptor.Marshaller<>() {
      @Override
      public InputStream stream(InputStream serialized) {
        return serialized;
      }

      @Override
      public InputStream parse(InputStream stream) {
        throw new UnsupportedOperationException();
      }
    }, writes::add);
  }

  private CompositeByteBuf batch() {
    return new CompositeByteBuf(UnpooledByteBufAllocator.DEFAULT, true, Integer.MAX_VALUE,
        Unpooled.wrappedBuffer(HEADER), body.retainedSlice(), Unpooled.wrappedBuffer(PADDING));
  }

  private byte[] expectedBytes() {
    byte[] expected = Arrays.copyOf(HEADER, HEADER.length + bodyBytes.length + PADDING.length);
    System.arraycopy(bodyBytes, 0, expected, HEADER.length, bodyBytes.length);
    return expected;
  }

  /** Flight's own stream over a serialized batch, as {@code ArrowMessage} makes it. */
  private static InputStream flightStream(CompositeByteBuf batch, boolean zeroCopy) throws Exception {
    Constructor<?> constructor = Class.forName("org.apache.arrow.flight.ArrowMessage$DrainableByteBufInputStream")
        .getDeclaredConstructor(CompositeByteBuf.class, boolean.class);
    constructor.setAccessible(true);
    return (InputStream) constructor.newInstance(batch, zeroCopy);
  }

  private static Object transportBuffer(WritableBuffer frame) throws Exception {
    Method bytebuf = frame.getClass().getDeclaredMethod("bytebuf");
    bytebuf.setAccessible(true);
    return bytebuf.invoke(frame);
  }

  private static List<Long> componentAddresses(io.grpc.netty.shaded.io.netty.buffer.CompositeByteBuf sent) {
    List<Long> addresses = new ArrayList<>();
    for (int i = 0; i < sent.numComponents(); i++) {
      addresses.add(sent.component(i).memoryAddress());
    }
    return addresses;
  }

  /** gRPC's buffer for the message prefix; any implementation does. */
  private static final class HeapBuffer implements WritableBuffer {
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final int capacity;

    HeapBuffer(int capacity) {
      this.capacity = capacity;
    }

    byte[] bytes() {
      return bytes.toByteArray();
    }

    @Override
    public void write(byte[] src, int srcIndex, int length) {
      bytes.write(src, srcIndex, length);
    }

    @Override
    public void write(byte b) {
      bytes.write(b);
    }

    @Override
    public int writableBytes() {
      return capacity - bytes.size();
    }

    @Override
    public int readableBytes() {
      return bytes.size();
    }

    @Override
    public void release() {}
  }
}
