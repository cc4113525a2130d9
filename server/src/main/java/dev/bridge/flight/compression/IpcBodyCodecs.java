package dev.bridge.flight.compression;

import dev.bridge.config.ResultCompression;
import org.apache.arrow.compression.CommonsCompressionFactory;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.compression.CompressionCodec;
import org.apache.arrow.vector.compression.CompressionUtil;

/**
 * The Arrow IPC body codecs of result streams: ZSTD from arrow-compression (zstd-jni), LZ4_FRAME from
 * {@link Lz4FrameCodec} (lz4-java). Arrow's codec framing already send a buffer that would not shrink uncompressed (length prefix -1), as
 * the IPC format allows. Each codec reports the bytes that went in and out to a {@link CompressionCounter}.
 */
final class IpcBodyCodecs {
  /**
   * ZSTD level 1: on the 6M-row lineitem table it compresses faster than level 3 for a few percent more bytes, and
   * on this machine's two cores the codec, not the link, bounds the stream from about 1 Gbit up
   * (docs/benchmarks.md, "Compression at link speeds").
   */
  static final int ZSTD_LEVEL = 1;

  private IpcBodyCodecs() {}

  /** A codec for {@code compression} (ZSTD or LZ4) that counts into {@code counter}. */
  static CompressionCodec codec(ResultCompression compression, CompressionCounter counter) {
    CompressionCodec codec = switch (compression) {
      case ZSTD -> CommonsCompressionFactory.INSTANCE.createCodec(CompressionUtil.CodecType.ZSTD, ZSTD_LEVEL);
      case LZ4 -> new Lz4FrameCodec();
      default -> throw new IllegalArgumentException(compression + " is not an Arrow IPC body codec");
    };
    return new Counting(codec, compression, counter);
  }

  private record Counting(CompressionCodec codec, ResultCompression compression, CompressionCounter counter)
      implements CompressionCodec {
    @Override
    public ArrowBuf compress(BufferAllocator allocator, ArrowBuf uncompressed) {
      long before = uncompressed.writerIndex();
      ArrowBuf compressed = codec.compress(allocator, uncompressed);
      counter.compressed(compression, before, compressed.writerIndex());
      return compressed;
    }

    @Override
    public ArrowBuf decompress(BufferAllocator allocator, ArrowBuf compressed) {
      return codec.decompress(allocator, compressed);
    }

    @Override
    public CompressionUtil.CodecType getCodecType() {
      return codec.getCodecType();
    }
  }
}
