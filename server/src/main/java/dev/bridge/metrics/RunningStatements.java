package dev.bridge.metrics;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The statements running right now on both doors, for the operations view ({@code GET /v1/statements}) and for an
 * admin's cancel. A door registers a statement when its work starts ({@link QueryTrace#running}) with the cancel it
 * already has for a client that goes away; the statement leaves when its trace ends, however it ended. Telemetry
 * owns the one instance, so both doors see the same list.
 */
public final class RunningStatements {
  /** What the operations view shows of one running statement. */
  public record Snapshot(long id, String user, String session, Protocol door, String kind, String statement,
      long startedAtMillis, long elapsedMillis, long rows, long bytes) {}

  private final AtomicLong nextId = new AtomicLong(1);
  private final Map<Long, Running> running = new ConcurrentHashMap<>();

  record Running(QueryTrace trace, Runnable cancel) {}

  long add(QueryTrace trace, Runnable cancel) {
    long id = nextId.getAndIncrement();
    running.put(id, new Running(trace, cancel));
    return id;
  }

  void remove(long id) {
    running.remove(id);
  }

  /** Every running statement, oldest first. */
  public List<Snapshot> list() {
    return running.entrySet().stream()
        .map(entry -> entry.getValue().trace().snapshot(entry.getKey()))
        .sorted(Comparator.comparingLong(Snapshot::startedAtMillis).thenComparingLong(Snapshot::id))
        .toList();
  }

  public Optional<Snapshot> find(long id) {
    Running entry = running.get(id);
    return entry == null ? Optional.empty() : Optional.of(entry.trace().snapshot(id));
  }

  /**
   * Cancels statement {@code id} through the same path as a client's own cancel or disconnect: the query is
   * interrupted inside DuckDB and its client gets a cancelled error. False when no such statement runs (any more).
   */
  public boolean cancel(long id) {
    Running entry = running.get(id);
    if (entry == null) {
      return false;
    }
    entry.cancel().run();
    return true;
  }

  public int size() {
    return running.size();
  }
}
