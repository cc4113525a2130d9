package dev.bridge.engine.partitions;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bridge.engine.EngineException;
import java.io.IOException;

/**
 * One part of a partitioned query: the client's SQL, which part this is ({@code index} of {@code count}), and the
 * slice of the input it reads. Immutable; {@link #toBytes()} is what a ticket carries.
 */
public record Partition(String sql, int index, int count, Slice slice) {
  private static final ObjectMapper JSON = new ObjectMapper();

  public byte[] toBytes() {
    try {
      return JSON.writeValueAsBytes(this);
    } catch (IOException e) {
      throw new IllegalStateException("a partition is always serializable", e);
    }
  }

  /** The partition {@link #toBytes()} wrote; other bytes are INVALID_ARGUMENT. */
  public static Partition fromBytes(byte[] bytes) {
    try {
      return JSON.readValue(bytes, Partition.class);
    } catch (IOException e) {
      throw EngineException.invalidArgument("not a partition of a query: " + e.getMessage());
    }
  }
}
