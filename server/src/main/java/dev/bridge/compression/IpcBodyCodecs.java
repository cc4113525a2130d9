package dev.bridge.compression;

import dev.bridge.config.ResultCompression;
import org.apache.arrow.compression.CommonsCompressionFactory;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.compression.CompressionCodec;
import org.apache.arrow.vector.compression.CompressionUtil;
import org.apache.arrow.vector.compression.NoCompressionCodec;

/**
 * The Arrow IPC body codecs of Bridge, one implementation per codec for both doors (Flight's compressed DoGet
 * streams, REST's {@code format=arrow} results and Arrow ingest bodies): ZSTD from arrow-compression (zstd-jni),
 * LZ4_FRAME from {@link Lz4FrameCodec} (lz4-java), both compressing from the Arrow buffers' own memory into the
 * buffer that is sent. (A ZSTD codec keeping its zstd contexts between buffers was tried: on the lineitem table's
 * buffers it compressed no faster than arrow-compression's, which sets one up per buffer.) Arrow's codec framing sends a buffer
 * that would not shrink uncompressed (length prefix -1), as the IPC format allows.
 */
public final class IpcBodyCodecs {
  /**
   * ZSTD level 1, chosen by {@code scripts/bench-codecs} on the lineitem table: level 3 compresses 1.6× slower for 9%
   * fewer bytes, and the fast (negative) levels gain at most 40% speed but fall to ratios of 3.1-2.3, below what a
   * 1 Gbit link needs for 3× (docs/benchmarks.md, "Compression at link speeds: analysis"). On two cores the codec,
   * not the link, bounds the stream from about 1 Gbit up.
   */
  static final int ZSTD_LEVEL = 1;

  /** The codecs as Arrow's readers and writers take them ({@code ArrowStreamReader}, {@code ArrowStreamWriter}). */
  public static final CompressionCodec.Factory FACTORY = new CompressionCodec.Factory() {
    @Override
    public CompressionCodec createCodec(CompressionUtil.CodecType type) {
      return switch (type) {
        case NO_COMPRESSION -> NoCompressionCodec.INSTANCE;
        case ZSTD -> zstd();
        case LZ4_FRAME -> new Lz4FrameCodec();
      };
    }

    @Override
    public CompressionCodec createCodec(CompressionUtil.CodecType type, int level) {
      return createCodec(type);
    }
  };

  private IpcBodyCodecs() {}

  /** The IPC codec type of {@code compression}; gzip and none have none (gzip is the transport's). */
  public static CompressionUtil.CodecType type(ResultCompression compression) {
    return switch (compression) {
      case ZSTD -> CompressionUtil.CodecType.ZSTD;
      case LZ4 -> CompressionUtil.CodecType.LZ4_FRAME;
      case NONE, GZIP -> CompressionUtil.CodecType.NO_COMPRESSION;
    };
  }

  /** A codec for {@code compression} (ZSTD or LZ4) that counts into {@code counter}. */
  public static CompressionCodec codec(ResultCompression compression, CompressionCounter counter) {
    if (type(compression) == CompressionUtil.CodecType.NO_COMPRESSION) {
      throw new IllegalArgumentException(compression + " is not an Arrow IPC body codec");
    }
    return new Counting(FACTORY.createCodec(type(compression)), compression, counter);
  }

  private static CompressionCodec zstd() {
    return CommonsCompressionFactory.INSTANCE.createCodec(CompressionUtil.CodecType.ZSTD, ZSTD_LEVEL);
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
