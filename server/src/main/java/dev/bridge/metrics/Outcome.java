package dev.bridge.metrics;

import dev.bridge.engine.EngineException;
import dev.bridge.engine.ErrorKind;

/** How a statement or ingest ended: the {@code outcome} label of metrics and query log lines. */
public enum Outcome {
  OK("ok"),
  ERROR("error"),
  CANCELLED("cancelled"),
  TIMED_OUT("timed_out"),
  /**
   * A partitioned query whose client never fetched some partitions: their tickets expired unredeemed (the partitions
   * it did fetch are in its rows and bytes).
   */
  ABANDONED("abandoned");

  private final String label;

  Outcome(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }

  static Outcome of(Throwable failure) {
    if (failure instanceof EngineException e) {
      if (e.kind() == ErrorKind.CANCELLED) {
        return CANCELLED;
      }
      if (e.kind() == ErrorKind.DEADLINE_EXCEEDED) {
        return TIMED_OUT;
      }
    }
    return ERROR;
  }
}
