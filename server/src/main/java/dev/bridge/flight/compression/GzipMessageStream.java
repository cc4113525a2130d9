package dev.bridge.flight.compression;

import java.io.IOException;
import java.io.OutputStream;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * One gRPC message compressed as a gzip member whose last byte travels in a final stored deflate block, so that a
 * reader's inflater reports the end of the stream in the same step that returns the last byte.
 *
 * <p>Why: Arrow Java's Flight client (the JDBC driver, Java ADBC, {@code FlightClient}) parses a message with
 * {@code while (stream.available() > 0)}, and on a gzip message that stream is a {@code GZIPInputStream}, whose
 * {@code available()} answers 1 until its inflater has decoded the end-of-block code of the last block. With
 * {@code GZIPOutputStream}'s ordinary ending that code sits after the last data bits, and when it falls into the next
 * 512-byte chunk of input (about one message in 270 on the lineitem table) the client reads past the end and fails
 * with "CANCELLED: Failed to read message" (InvalidProtocolBufferException, truncated message). A final stored block
 * ends on a byte boundary right after its data, so nothing is left to decode once the last byte is out.
 *
 * <p>The stream is standard gzip (RFC 1952 header, deflate at {@link GzipMessages#LEVEL}, a sync flush that
 * byte-aligns it, then the final stored block, CRC-32 and length), read by every gzip decoder.
 */
final class GzipMessageStream extends OutputStream {
  /** Magic, deflate, no flags, no time, no extra flags, unknown OS. */
  private static final byte[] HEADER = {0x1f, (byte) 0x8b, Deflater.DEFLATED, 0, 0, 0, 0, 0, 0, (byte) 0xff};

  private final OutputStream wire;
  private final Deflater deflater = new Deflater(GzipMessages.LEVEL, true);
  private final CRC32 crc = new CRC32();
  private final byte[] out = new byte[64 * 1024];
  private final byte[] one = new byte[1];
  /** The last byte written, held back for the final stored block; -1 before the first. */
  private int last = -1;
  private long length;
  private boolean closed;

  GzipMessageStream(OutputStream wire) throws IOException {
    this.wire = wire;
    wire.write(HEADER);
  }

  @Override
  public void write(int b) throws IOException {
    deflateLast();
    last = b & 0xff;
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return;
    }
    deflateLast();
    deflate(b, off, len - 1);
    last = b[off + len - 1] & 0xff;
  }

  /** The byte held back so far is not the last: it joins the compressed blocks. */
  private void deflateLast() throws IOException {
    if (last >= 0) {
      one[0] = (byte) last;
      deflate(one, 0, 1);
    }
  }

  private void deflate(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return;
    }
    crc.update(b, off, len);
    length += len;
    deflater.setInput(b, off, len);
    while (!deflater.needsInput()) {
      wire.write(out, 0, deflater.deflate(out, 0, out.length, Deflater.NO_FLUSH));
    }
  }

  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    closed = true;
    try {
      // Everything but the last byte, ending byte-aligned (a sync flush ends with an empty stored block).
      int n;
      do {
        n = deflater.deflate(out, 0, out.length, Deflater.SYNC_FLUSH);
        wire.write(out, 0, n);
      } while (n == out.length);
      // The final stored block: BFINAL=1, BTYPE=00, then LEN and its complement (little-endian), then the data.
      int tail = last >= 0 ? 1 : 0;
      wire.write(new byte[] {1, (byte) tail, 0, (byte) ~tail, (byte) 0xff});
      if (last >= 0) {
        crc.update(last);
        length++;
        wire.write(last);
      }
      writeIntLe((int) crc.getValue());
      writeIntLe((int) length);
      wire.close();
    } finally {
      deflater.end();
    }
  }

  private void writeIntLe(int value) throws IOException {
    wire.write(new byte[] {(byte) value, (byte) (value >>> 8), (byte) (value >>> 16), (byte) (value >>> 24)});
  }
}
