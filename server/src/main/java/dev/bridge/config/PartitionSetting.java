package dev.bridge.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;

/**
 * How many Flight endpoints a union-safe query over a large input may be split into: {@code off} (one endpoint),
 * {@code auto} (one per core of the server) or a number from 1 to {@value #MAX}. One syntax for
 * {@code flight.partitions} and the {@code x-bridge-partitions} header.
 */
public record PartitionSetting(boolean auto, int count) {
  public static final int MAX = 256;
  public static final PartitionSetting OFF = new PartitionSetting(false, 1);
  public static final PartitionSetting AUTO = new PartitionSetting(true, 0);

  /** The configured value: YAML reads an unquoted {@code off} as the boolean false. */
  @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
  static PartitionSetting of(JsonNode value) {
    return value.isBoolean() && !value.booleanValue() ? OFF : named(value.asText());
  }

  /** {@code off}, {@code auto} or a whole number from 1 to {@value #MAX}; anything else says what is accepted. */
  public static PartitionSetting named(String text) {
    String value = text == null ? "" : text.trim().toLowerCase(Locale.ROOT);
    if (value.equals("off")) {
      return OFF;
    }
    if (value.equals("auto")) {
      return AUTO;
    }
    try {
      int count = Integer.parseInt(value);
      if (count >= 1 && count <= MAX) {
        return new PartitionSetting(false, count);
      }
    } catch (NumberFormatException notANumber) {
      // Reported below with the accepted values.
    }
    throw new IllegalArgumentException("'" + text + "' is not a partition count; use off, auto or a number from 1 to "
        + MAX);
  }

  /** The number of partitions wanted on a machine with {@code cores} cores. */
  public int wanted(int cores) {
    return auto ? Math.max(1, cores) : count;
  }

  @JsonValue
  public String label() {
    return auto ? "auto" : count == 1 ? "off" : Integer.toString(count);
  }
}
