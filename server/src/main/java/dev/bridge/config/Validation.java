package dev.bridge.config;

import java.time.Duration;

/** Small checks shared by the configuration records; each failure names the key. */
final class Validation {
  private Validation() {}

  static void require(boolean condition, String key, String problem) {
    if (!condition) {
      throw new ConfigException(key + " " + problem);
    }
  }

  static void requireRange(long value, long min, long max, String key) {
    require(value >= min && value <= max, key, "must be between " + min + " and " + max + ", got " + value);
  }

  static void requirePositive(Duration value, String key) {
    require(!value.isNegative() && !value.isZero(), key, "must be a positive duration, got " + value);
  }
}
