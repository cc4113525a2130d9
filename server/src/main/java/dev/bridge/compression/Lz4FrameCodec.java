package dev.bridge.compression;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4FrameInputStream;
import net.jpountz.xxhash.XXHashFactory;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.compression.AbstractCompressionCodec;
import org.apache.arrow.vector.compression.CompressionUtil;

/**
 * Arrow's LZ4_FRAME body codec on lz4-java's native block compressor. arrow-compression's own LZ4 codec runs
 * commons-compress's pure-Java compressor, which spent minutes on one 1M-row lineitem result. The framing (length
 * prefix, raw buffers that would not shrink) is Arrow's {@link AbstractCompressionCodec}; this writes the LZ4 frame
 * itself (independent blocks, no checksums, which every LZ4 frame reader accepts), compressing each block straight
 * from the Arrow buffer's memory into the buffer that is sent. lz4-java's frame stream, used before, copied every
 * buffer three times on the heap (into an array, through its block buffer, out of a growing byte array) and took
 * more CPU than the compression.
 */
final class Lz4FrameCodec extends AbstractCompressionCodec {
  private static final int PREFIX = (int) CompressionUtil.SIZE_OF_UNCOMPRESSED_LENGTH;
  /**
   * 64 KiB blocks (block maximum id 4), LZ4's own match window, so larger blocks would gain next to nothing, and the
   * size every LZ4 frame reader (Arrow C++'s, lz4-java's) allocates for a block without a second thought.
   */
  private static final int BLOCK = 64 * 1024;
  private static final int BLOCK_MAXIMUM_ID = 4;
  private static final int MAGIC = 0x184D2204;
  /** FLG: version 01, blocks independent; no block checksums, content size, content checksum or dictionary. */
  private static final byte FLAGS = 0x60;
  private static final byte BLOCK_DESCRIPTOR = (byte) (BLOCK_MAXIMUM_ID << 4);
  /** A block stored as is: its size word has the high bit set. */
  private static final int STORED = 0x80000000;
  private static final byte[] HEADER = header();
  private static final LZ4Compressor COMPRESSOR = LZ4Factory.fastestInstance().fastCompressor();

  /** Magic number, frame descriptor and its checksum (the second byte of the descriptor's xxHash32). */
  private static byte[] header() {
    byte[] descriptor = {FLAGS, BLOCK_DESCRIPTOR};
    byte checksum = (byte) (XXHashFactory.fastestInstance().hash32().hash(descriptor, 0, 2, 0) >> 8);
    return ByteBuffer.allocate(7).order(ByteOrder.LITTLE_ENDIAN)
        .putInt(MAGIC).put(FLAGS).put(BLOCK_DESCRIPTOR).put(checksum).array();
  }

  @Override
  protected ArrowBuf doCompress(BufferAllocator allocator, ArrowBuf uncompressed) {
    int length = Math.toIntExact(uncompressed.writerIndex());
    int blocks = (length + BLOCK - 1) / BLOCK;
    long bound = PREFIX + HEADER.length + (long) blocks * (4 + COMPRESSOR.maxCompressedLength(BLOCK)) + 4;
    ArrowBuf out = allocator.buffer(bound);
    try {
      ByteBuffer source = uncompressed.nioBuffer(0, length);
      ByteBuffer target = out.nioBuffer(0, Math.toIntExact(bound));
      int at = PREFIX;
      out.setBytes(at, HEADER);
      at += HEADER.length;
      for (int offset = 0; offset < length; offset += BLOCK) {
        int size = Math.min(BLOCK, length - offset);
        int written = COMPRESSOR.compress(source, offset, size, target, at + 4, target.capacity() - at - 4);
        if (written < size) {
          out.setInt(at, written);
        } else {
          // LZ4 made this block larger (random bytes): the frame format stores it as is.
          out.setInt(at, STORED | size);
          out.setBytes(at + 4, uncompressed, offset, size);
          written = size;
        }
        at += 4 + written;
      }
      out.setInt(at, 0);
      out.writerIndex(at + 4);
      return out;
    } catch (RuntimeException e) {
      out.close();
      throw e;
    }
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
