package dev.bridge.compression;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bridge.config.ResultCompression;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.arrow.compression.CommonsCompressionFactory;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.compression.CompressionCodec;
import org.apache.arrow.vector.compression.CompressionUtil;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Bridge's IPC body codecs write what another implementation reads: every buffer compressed here is decompressed
 * by arrow-compression's codecs (commons-compress's LZ4 frame reader, zstd's own decoder) as well as by Bridge's, at
 * the sizes where LZ4 frames change shape (one byte, a block, a block and a byte, many blocks) and for bytes that do
 * and do not compress. The allocator must be empty afterwards: no path keeps a buffer.
 */
class IpcBodyCodecsTest {
  private static final int[] SIZES = {1, 7, 1000, 65_535, 65_536, 65_537, 3 * 65_536 + 5, 1_000_000};

  private final BufferAllocator allocator = new RootAllocator();
  private final CompressionCounter counter = CompressionCounter.NONE;

  @AfterEach
  void everyBufferIsReleased() {
    assertThat(allocator.getAllocatedMemory()).isZero();
    allocator.close();
  }

  @ParameterizedTest
  @EnumSource(value = ResultCompression.class, names = {"ZSTD", "LZ4"})
  void everyBufferSizeIsReadByArrowsOwnCodecAndByBridges(ResultCompression compression) {
    CompressionCodec bridge = IpcBodyCodecs.codec(compression, counter);
    CompressionCodec arrow = CommonsCompressionFactory.INSTANCE.createCodec(IpcBodyCodecs.type(compression));
    Random random = new Random(19);
    for (int size : SIZES) {
      for (byte[] bytes : List.of(text(size), random(random, size), halfRandom(random, size))) {
        ArrowBuf compressed = bridge.compress(allocator, buffer(bytes));
        try {
          assertThat(read(arrow, compressed)).as("%s, %d bytes, read by arrow-compression", compression, size)
              .isEqualTo(bytes);
          assertThat(read(bridge, compressed)).as("%s, %d bytes, read by Bridge", compression, size)
              .isEqualTo(bytes);
        } finally {
          compressed.close();
        }
      }
    }
  }

  @ParameterizedTest
  @EnumSource(value = ResultCompression.class, names = {"ZSTD", "LZ4"})
  void aBufferThatWouldNotShrinkIsSentAsItIsAndRepetitiveTextShrinks(ResultCompression compression) {
    CompressionCodec codec = IpcBodyCodecs.codec(compression, counter);
    byte[] noise = random(new Random(7), 200_000);
    try (ArrowBuf sent = codec.compress(allocator, buffer(noise))) {
      assertThat(sent.getLong(0)).isEqualTo(CompressionUtil.NO_COMPRESSION_LENGTH);
      assertThat(sent.writerIndex()).isEqualTo(CompressionUtil.SIZE_OF_UNCOMPRESSED_LENGTH + noise.length);
    }
    byte[] text = text(1_000_000);
    try (ArrowBuf sent = codec.compress(allocator, buffer(text))) {
      assertThat(sent.getLong(0)).isEqualTo(text.length);
      assertThat(sent.writerIndex()).isLessThan(text.length / 4);
    }
  }

  @Test
  void theCounterSeesTheBytesBeforeAndAfterCompression() {
    long[] seen = new long[2];
    CompressionCodec codec = IpcBodyCodecs.codec(ResultCompression.ZSTD, (compression, before, after) -> {
      seen[0] += before;
      seen[1] += after;
    });
    try (ArrowBuf sent = codec.compress(allocator, buffer(text(100_000)))) {
      assertThat(seen).containsExactly(100_000, sent.writerIndex());
    }
  }

  /** One codec per stream, many streams compressing at once on the shared pool: each buffer comes out whole. */
  @Test
  void buffersCompressedOnManyThreadsAtOnceEachComeOutWhole() throws Exception {
    ExecutorService threads = Executors.newFixedThreadPool(8);
    try {
      List<Future<?>> work = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        int seed = t;
        work.add(threads.submit(() -> {
          Random random = new Random(seed);
          CompressionCodec codec =
              IpcBodyCodecs.codec(seed % 2 == 0 ? ResultCompression.ZSTD : ResultCompression.LZ4, counter);
          for (int i = 0; i < 40; i++) {
            byte[] bytes = i % 2 == 0 ? text(10_000 + random.nextInt(300_000)) : halfRandom(random, 50_000);
            try (ArrowBuf compressed = codec.compress(allocator, buffer(bytes))) {
              assertThat(read(codec, compressed)).isEqualTo(bytes);
            }
          }
          return null;
        }));
      }
      for (Future<?> done : work) {
        done.get();
      }
    } finally {
      threads.shutdownNow();
    }
  }

  private static ArrowBuf withReference(ArrowBuf buffer) {
    buffer.getReferenceManager().retain();
    return buffer;
  }

  /** {@code compressed} decompressed by {@code codec}; the codec releases the reference it is given. */
  private byte[] read(CompressionCodec codec, ArrowBuf compressed) {
    try (ArrowBuf plain = codec.decompress(allocator, withReference(compressed))) {
      byte[] bytes = new byte[Math.toIntExact(plain.writerIndex())];
      plain.getBytes(0, bytes);
      return bytes;
    }
  }

  private ArrowBuf buffer(byte[] bytes) {
    ArrowBuf buffer = allocator.buffer(bytes.length);
    buffer.setBytes(0, bytes);
    buffer.writerIndex(bytes.length);
    return buffer;
  }

  private static byte[] text(int size) {
    StringBuilder text = new StringBuilder();
    for (int i = 0; text.length() < size; i++) {
      text.append(i % 997).append(i % 3 == 0 ? " DELIVER IN PERSON|" : " TRUCK|");
    }
    return text.substring(0, size).getBytes(StandardCharsets.US_ASCII);
  }

  private static byte[] random(Random random, int size) {
    byte[] bytes = new byte[size];
    random.nextBytes(bytes);
    return bytes;
  }

  /** Random and repetitive bytes in alternate 100 KB stretches: LZ4 stores some blocks as they are, packs others. */
  private static byte[] halfRandom(Random random, int size) {
    byte[] bytes = text(size);
    for (int start = 0; start < size; start += 200_000) {
      byte[] noise = random(random, Math.min(100_000, size - start));
      System.arraycopy(noise, 0, bytes, start, noise.length);
    }
    return bytes;
  }
}
