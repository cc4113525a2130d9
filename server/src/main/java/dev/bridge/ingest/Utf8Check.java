package dev.bridge.ingest;

import java.util.Objects;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.util.MemoryUtil;

/**
 * Well-formed UTF-8 (RFC 3629: no overlong forms, no surrogates, nothing above U+10FFFF), checked in place in an
 * Arrow buffer: no copy of the bytes and no allocation, eight ASCII bytes at a time. The range is bounds-checked
 * once and then read directly: {@code ArrowBuf}'s accessors check bounds and the reference count on every read,
 * which cost more than the check itself.
 */
final class Utf8Check {
  private static final long HIGH_BITS = 0x8080808080808080L;

  private Utf8Check() {}

  /** The index of the first byte in {@code [from, to)} of {@code data} that starts no valid character, or -1. */
  static long firstInvalidByte(ArrowBuf data, long from, long to) {
    Objects.checkFromToIndex(from, to, data.capacity());
    long address = data.memoryAddress();
    long i = from;
    while (i < to) {
      if (to - i >= Long.BYTES && (MemoryUtil.getLong(address + i) & HIGH_BITS) == 0) {
        i += Long.BYTES;
        continue;
      }
      int lead = byteAt(address, i);
      if (lead < 0x80) {
        i++;
        continue;
      }
      int length = sequenceLength(lead);
      if (length == 0 || i + length > to) {
        return i;
      }
      // The second byte's range excludes overlong forms (E0, F0), surrogates (ED) and code points past U+10FFFF (F4).
      int second = byteAt(address, i + 1);
      int secondMin = lead == 0xE0 ? 0xA0 : lead == 0xF0 ? 0x90 : 0x80;
      int secondMax = lead == 0xED ? 0x9F : lead == 0xF4 ? 0x8F : 0xBF;
      if (second < secondMin || second > secondMax) {
        return i;
      }
      for (int k = 2; k < length; k++) {
        if ((byteAt(address, i + k) & 0xC0) != 0x80) {
          return i;
        }
      }
      i += length;
    }
    return -1;
  }

  /** Whether the byte at {@code index} continues a character (10xxxxxx) rather than starting one. */
  static boolean isContinuationByte(ArrowBuf data, long index) {
    return (data.getByte(index) & 0xC0) == 0x80;
  }

  private static int byteAt(long address, long index) {
    return MemoryUtil.getByte(address + index) & 0xFF;
  }

  /** The length of the sequence a lead byte starts, or 0 when it starts none (continuation bytes, C0, C1, F5-FF). */
  private static int sequenceLength(int lead) {
    if (lead >= 0xC2 && lead <= 0xDF) {
      return 2;
    }
    if (lead >= 0xE0 && lead <= 0xEF) {
      return 3;
    }
    if (lead >= 0xF0 && lead <= 0xF4) {
      return 4;
    }
    return 0;
  }
}
