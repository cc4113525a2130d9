package dev.bridge.compression;

import dev.bridge.config.ResultCompression;

/** Told the bytes that went into a codec and came out of it (a buffer or a gRPC message). */
@FunctionalInterface
public interface CompressionCounter {
  CompressionCounter NONE = (codec, before, after) -> { };

  void compressed(ResultCompression codec, long bytesBefore, long bytesAfter);
}
