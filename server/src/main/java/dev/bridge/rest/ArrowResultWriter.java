package dev.bridge.rest;

import dev.bridge.compression.IpcBodyCodecs;
import dev.bridge.config.ResultCompression;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.compression.CompressionUtil;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;
import org.apache.arrow.vector.ipc.message.IpcOption;

/**
 * The Arrow IPC stream format, written straight from the root DuckDB exports into (no copy), optionally with
 * ZSTD or LZ4 buffer compression by the codecs Flight's compressed streams use ({@link IpcBodyCodecs}). IPC has no error message, so a failure mid-stream cuts the response off and the
 * client's reader sees a truncated stream.
 */
final class ArrowResultWriter implements ResultWriter {
  private final OutputStream body;
  private final ResultCompression compression;
  private ArrowStreamWriter writer;

  ArrowResultWriter(OutputStream body, ResultCompression compression) {
    this.body = body;
    this.compression = compression;
  }

  @Override
  public void start(VectorSchemaRoot root) throws IOException {
    CompressionUtil.CodecType codec = IpcBodyCodecs.type(compression);
    writer = codec == CompressionUtil.CodecType.NO_COMPRESSION
        ? new ArrowStreamWriter(root, null, Channels.newChannel(body))
        : new ArrowStreamWriter(root, null, Channels.newChannel(body), IpcOption.DEFAULT, IpcBodyCodecs.FACTORY, codec);
    writer.start();
    body.flush();
  }

  @Override
  public void batch(VectorSchemaRoot root) throws IOException {
    writer.writeBatch();
    body.flush();
  }

  @Override
  public void end(long rows, long elapsedMillis) throws IOException {
    writer.end();
    body.flush();
  }

  @Override
  public boolean error(String message) {
    return false;
  }

  @Override
  public void close() {
    // The IPC writer's only resource is the body's channel, which the caller closes.
  }
}
