package dev.bridge.rest;

import com.github.luben.zstd.ZstdOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Locale;
import java.util.zip.Deflater;
import java.util.zip.GZIPOutputStream;

/**
 * HTTP body compression, applied as the body streams: every flush ends a compressed block (zstd) or sync-flushes
 * the deflater (gzip), so the client can decode each chunk as it arrives.
 */
enum ContentEncoding {
  IDENTITY(null),
  ZSTD("zstd"),
  GZIP("gzip");

  // The fastest levels: JSON compresses well at any level, and the compressor must keep up with DuckDB.
  private static final int ZSTD_LEVEL = 1;
  private static final int GZIP_BUFFER = 64 * 1024;

  private final String token;

  ContentEncoding(String token) {
    this.token = token;
  }

  /** The Content-Encoding header value; null for identity. */
  String token() {
    return token;
  }

  OutputStream wrap(OutputStream body) throws IOException {
    return switch (this) {
      case IDENTITY -> body;
      case ZSTD -> new ZstdOutputStream(body, ZSTD_LEVEL);
      case GZIP -> new FastGzipOutputStream(body);
    };
  }

  /** gzip at the deflater's fastest level, sync-flushed on every flush. */
  private static final class FastGzipOutputStream extends GZIPOutputStream {
    FastGzipOutputStream(OutputStream body) throws IOException {
      super(body, GZIP_BUFFER, true);
      def.setLevel(Deflater.BEST_SPEED);
    }
  }

  /** zstd when the client accepts it, else gzip, else identity; an encoding listed with {@code q=0} is refused. */
  static ContentEncoding negotiate(String acceptEncoding) {
    if (acceptEncoding == null) {
      return IDENTITY;
    }
    boolean gzip = false;
    for (String entry : acceptEncoding.toLowerCase(Locale.ROOT).split(",")) {
      String[] parts = entry.trim().split(";");
      boolean refused = parts.length > 1 && parts[1].trim().matches("q=0(\\.0*)?");
      if (refused) {
        continue;
      }
      switch (parts[0].trim()) {
        case "zstd" -> {
          return ZSTD;
        }
        case "gzip" -> gzip = true;
        default -> { }
      }
    }
    return gzip ? GZIP : IDENTITY;
  }
}
