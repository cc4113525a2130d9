package dev.bridge.engine.partitions;

import java.util.List;

/** The partitions of one query, which together return its rows once each; {@code totalRecords} is -1 if unknown. */
public record PartitionPlan(List<Partition> partitions, long totalRecords) {
  public PartitionPlan {
    partitions = List.copyOf(partitions);
  }
}
