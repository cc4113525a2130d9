package dev.bridge.metrics;

/** The door a statement or ingest came through: the {@code protocol} label of metrics and query log lines. */
public enum Protocol {
  FLIGHT("flight"),
  HTTP("http");

  private final String label;

  Protocol(String label) {
    this.label = label;
  }

  public String label() {
    return label;
  }
}
