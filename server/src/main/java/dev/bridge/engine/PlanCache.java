package dev.bridge.engine;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The plans of the queries a session's connection planned recently, so that planning the same SQL again costs one
 * DuckDB prepare instead of a prepare, a second prepare of the {@code LIMIT 0} projection, its execution and an
 * Arrow export (clients such as the JDBC driver plan every statement they run). The Arrow schemas of recent shapes
 * are kept too: a query that differs only in its literals ({@code WHERE id = 42}, then {@code = 43}) has the same
 * shape, so its plan needs no {@code LIMIT 0} run either.
 *
 * <p>A plan is reused only when DuckDB's prepare of the SQL, made again each time, reports the same {@link Shape}:
 * the same kind, column names and DuckDB types and parameter types. The Arrow schema and the executed SQL are
 * functions of that shape and of the connection's settings, so a table dropped and created with other columns (by
 * any session), a file read by the query that changed, or a changed search path all miss. Settings (SET, PRAGMA)
 * change the Arrow export without changing DuckDB's types, and some are global (a SET on one session changes every
 * connection's export): they are commands, and a plan cached before any command ran on any session is not reused.
 * Least recently used plans are dropped beyond {@code capacity}.
 */
public final class PlanCache {
  /**
   * What DuckDB's prepare says about a statement, and how many commands the server had run when it said so; a
   * cached plan is valid while this is unchanged.
   */
  record Shape(StatementKind kind, List<String> names, List<String> types, List<String> parameterTypes,
      long commandsRun) {}

  private record Entry(Shape shape, StatementPlan plan) {}

  /** A cache that keeps nothing: for spare connections, which live for one statement. */
  static final PlanCache NONE = new PlanCache(0);

  private final int capacity;
  private final Map<String, Entry> entries;
  private final Map<Shape, Schema> schemas;

  PlanCache(int capacity) {
    this.capacity = capacity;
    this.entries = leastRecentlyUsed(capacity);
    this.schemas = leastRecentlyUsed(capacity);
  }

  /** A map that drops its least recently used entries beyond {@code capacity}; not synchronized. */
  static <K, V> Map<K, V> leastRecentlyUsed(int capacity) {
    return new LinkedHashMap<>(16, 0.75f, true) {
      @Override
      protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
        return size() > capacity;
      }
    };
  }

  synchronized Optional<StatementPlan> lookup(String sql, Shape shape) {
    Entry entry = entries.get(sql);
    return entry != null && entry.shape().equals(shape) ? Optional.of(entry.plan()) : Optional.empty();
  }

  synchronized void put(String sql, Shape shape, StatementPlan plan) {
    if (capacity > 0) {
      entries.put(sql, new Entry(shape, plan));
      schemas.put(shape, plan.resultSchema());
    }
  }

  /** The Arrow schema of a plan cached with this shape, whatever its SQL. */
  synchronized Optional<Schema> schemaOf(Shape shape) {
    return Optional.ofNullable(schemas.get(shape));
  }

  synchronized int size() {
    return entries.size();
  }
}
