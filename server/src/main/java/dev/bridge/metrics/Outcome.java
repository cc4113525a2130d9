package dev.bridge.metrics;

import dev.bridge.engine.EngineException;
import dev.bridge.engine.ErrorKind;

/** How a statement or ingest ended: the {@code outcome} label of metrics and query log lines. */
public enum Outcome {
  OK("ok"),
  ERROR("error"),
  CANCELLED("cancelled");

  private final String label;

  Outcome(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }

  static Outcome of(Throwable failure) {
    return failure instanceof EngineException e && e.kind() == ErrorKind.CANCELLED ? CANCELLED : ERROR;
  }
}
