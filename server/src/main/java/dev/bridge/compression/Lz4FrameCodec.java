package dev.bridge.compression;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import net.jpountz.lz4.LZ4FrameInputStream;
import net.jpountz.lz4.LZ4FrameOutputStream;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.compression.AbstractCompressionCodec;
import org.apache.arrow.vector.compression.CompressionUtil;

/**
 * Arrow's LZ4_FRAME body codec on lz4-java's native frame compressor. arrow-compression's own LZ4 codec runs
 * commons-compress's pure-Java compressor, which spent minutes on one 1M-row lineitem result. The framing (length
 * prefix, raw buffers that would not shrink) is Arrow's {@link AbstractCompressionCodec}; this only fills in the LZ4
 * frame (independent blocks, no checksums), which every LZ4 frame reader accepts.
 */
final class Lz4FrameCodec extends AbstractCompressionCodec {
  private static final int PREFIX = (int) CompressionUtil.SIZE_OF_UNCOMPRESSED_LENGTH;
  /**
   * 64 KiB blocks, LZ4's own match window, so larger blocks would gain next to nothing; lz4-java's default of 4 MiB
   * allocates (and zeroes) a 4 MiB array for every buffer compressed, small validity buffers included, which took
   * more CPU than the compression itself.
   */
  private static final LZ4FrameOutputStream.BLOCKSIZE BLOCK_SIZE = LZ4FrameOutputStream.BLOCKSIZE.SIZE_64KB;

  @Override
  protected ArrowBuf doCompress(BufferAllocator allocator, ArrowBuf uncompressed) {
    byte[] input = new byte[Math.toIntExact(uncompressed.writerIndex())];
    uncompressed.getBytes(0, input);
    ByteArrayOutputStream frame = new ByteArrayOutputStream(input.length / 2 + 64);
    try (LZ4FrameOutputStream lz4 = new LZ4FrameOutputStream(frame, BLOCK_SIZE)) {
      lz4.write(input);
    } catch (IOException e) {
      throw new UncheckedIOException("LZ4 compression failed", e);
    }
    byte[] compressed = frame.toByteArray();
    ArrowBuf out = allocator.buffer(PREFIX + compressed.length);
    out.setBytes(PREFIX, compressed);
    out.writerIndex(PREFIX + compressed.length);
    return out;
  }

  @Override
  protected ArrowBuf doDecompress(BufferAllocator allocator, ArrowBuf compressed) {
    long length = readUncompressedLength(compressed);
    byte[] frame = new byte[Math.toIntExact(compressed.writerIndex() - PREFIX)];
    compressed.getBytes(PREFIX, frame);
    byte[] output;
    try (LZ4FrameInputStream lz4 = new LZ4FrameInputStream(new ByteArrayInputStream(frame))) {
      output = lz4.readNBytes(Math.toIntExact(length));
    } catch (IOException e) {
      throw new UncheckedIOException("LZ4 decompression failed", e);
    }
    if (output.length != length) {
      throw new IllegalArgumentException("LZ4 frame holds " + output.length + " bytes, its prefix says " + length);
    }
    ArrowBuf out = allocator.buffer(length);
    out.setBytes(0, output);
    out.writerIndex(length);
    return out;
  }

  @Override
  public CompressionUtil.CodecType getCodecType() {
    return CompressionUtil.CodecType.LZ4_FRAME;
  }
}
