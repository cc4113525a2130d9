package dev.bridge.flight.compression;

import dev.bridge.compression.CompressionCounter;
import dev.bridge.compression.CountingOutputStream;
import dev.bridge.config.ResultCompression;
import io.grpc.Codec;
import io.grpc.Compressor;
import io.grpc.CompressorRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.util.zip.Deflater;

/**
 * gRPC's {@code gzip} message compression for result streams, at a level chosen for throughput: gRPC's own gzip
 * compressor uses the JDK's default level (6), which on the lineitem table compresses at a fraction of the speed of
 * level 1 for a few percent fewer bytes, so the server's CPU, not a 100 Mbit link, would bound the stream
 * (docs/benchmarks.md). Registered under the standard name, so every gRPC client decodes it as usual. Each message
 * ends as {@link GzipMessageStream} explains, which Arrow Java's Flight clients need to read every message.
 */
public final class GzipMessages {
  static final String ENCODING = "gzip";
  /** Deflate level 1 (fastest); see the class comment. */
  static final int LEVEL = Deflater.BEST_SPEED;

  private GzipMessages() {}

  /**
   * The compressors the Flight transport offers: this gzip, counting into {@code counter}, and identity. Requests
   * compressed by clients are decoded by gRPC's decompressor registry, which this does not change.
   */
  public static CompressorRegistry registry(CompressionCounter counter) {
    CompressorRegistry registry = CompressorRegistry.newEmptyInstance();
    registry.register(Codec.Identity.NONE);
    registry.register(new LevelledGzip(counter));
    return registry;
  }

  private record LevelledGzip(CompressionCounter counter) implements Compressor {
    @Override
    public String getMessageEncoding() {
      return ENCODING;
    }

    @Override
    public OutputStream compress(OutputStream wire) throws IOException {
      CountingOutputStream after = new CountingOutputStream(wire);
      return new CountingOutputStream(new GzipMessageStream(after)) {
        @Override
        public void close() throws IOException {
          super.close();
          counter.compressed(ResultCompression.GZIP, count(), after.count());
        }
      };
    }
  }
}
