package dev.bridge.engine;

import java.util.HashSet;
import java.util.Set;

/**
 * What a piece of work wrote: the tables it changed, and whether it may have changed something it cannot name (a
 * statement DuckDB cannot show the plan of, a view, an attached database). Unknown writes move every table's data
 * version: a missed change would let a cache serve stale rows, a spurious one only costs a recomputation.
 */
public record Writes(Set<TableName> tables, boolean unknown) {
  public static final Writes NONE = new Writes(Set.of(), false);
  public static final Writes UNKNOWN = new Writes(Set.of(), true);

  public Writes {
    tables = Set.copyOf(tables);
  }

  public static Writes of(TableName table) {
    return new Writes(Set.of(table), false);
  }

  public boolean none() {
    return tables.isEmpty() && !unknown;
  }

  public Writes plus(Writes other) {
    if (other.none()) {
      return this;
    }
    if (none()) {
      return other;
    }
    Set<TableName> union = new HashSet<>(tables);
    union.addAll(other.tables);
    return new Writes(union, unknown || other.unknown);
  }
}
