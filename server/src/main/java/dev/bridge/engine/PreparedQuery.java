package dev.bridge.engine;

import java.util.List;

/**
 * A prepared statement a client holds by handle: its plan and the parameter rows most recently bound to it
 * (one row per execution).
 */
public final class PreparedQuery {
  private final String handle;
  private final StatementPlan plan;
  private volatile List<List<Object>> boundRows = List.of();

  public PreparedQuery(String handle, StatementPlan plan) {
    this.handle = handle;
    this.plan = plan;
  }

  public String handle() {
    return handle;
  }

  public StatementPlan plan() {
    return plan;
  }

  public List<List<Object>> boundRows() {
    return boundRows;
  }

  public void bind(List<List<Object>> rows) {
    this.boundRows = List.copyOf(rows);
  }
}
