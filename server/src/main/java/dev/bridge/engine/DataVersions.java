package dev.bridge.engine;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The data version of every table: a number that moves whenever committed data of the table may have changed. A
 * result computed from tables whose versions have not moved since is still correct; this is what a result cache
 * keys on and what partitioned reads check for consistency.
 *
 * <p>One owner moves the versions: the {@link UnitOfWork}, when a transaction that wrote commits (its own, a
 * session's BeginTransaction/EndTransaction, or one opened and ended by SQL text), with the tables DuckDB's plan of
 * each statement names. Sources outside DuckDB's transactions, the file datasets, move their view's version when
 * their files change ({@link #changed}). A write whose tables are not known moves the global epoch, which is part of
 * every table's version: versions may move without need, never stay put over a change.
 */
public final class DataVersions {
  private static final Logger log = LoggerFactory.getLogger(DataVersions.class);

  /** The versions of a set of tables at one moment; equal snapshots mean no committed change in between. */
  public record Snapshot(long epoch, Map<TableName, Long> tables) {
    public Snapshot {
      tables = Map.copyOf(tables);
    }
  }

  /**
   * A point in the sequence of changes. A reader whose DuckDB transaction starts after the mark was taken sees every
   * change published before it; a table whose version is not above {@code sequence} has not changed since.
   */
  public record Mark(long epoch, long sequence) {}

  /** One committed change: the tables it moved (empty when it moved the epoch) and the versions after it. */
  public record Change(Writes writes, long epoch, long sequence) {}

  private final Map<TableName, Long> versions = new ConcurrentHashMap<>();
  private final List<Consumer<Change>> listeners = new CopyOnWriteArrayList<>();
  private long epoch;
  /** Counts every change; table versions are taken from it, so a version never repeats, even after a drop. */
  private long sequence;

  /** The global epoch: it moves on every write whose tables are not known. */
  public synchronized long epoch() {
    return epoch;
  }

  /** The version of {@code table}'s data: 0 until a committed write touched it (under the current epoch too). */
  public long version(TableName table) {
    return versions.getOrDefault(table, 0L);
  }

  /** The versions of {@code tables} and the epoch, read together. */
  public synchronized Snapshot snapshot(Collection<TableName> tables) {
    Map<TableName, Long> read = new HashMap<>();
    for (TableName table : tables) {
      read.put(table, version(table));
    }
    return new Snapshot(epoch, read);
  }

  /** Whether no committed write touched the snapshot's tables (nor moved the epoch) since it was taken. */
  public synchronized boolean unchangedSince(Snapshot snapshot) {
    return snapshot.equals(snapshot(snapshot.tables().keySet()));
  }

  /** Where the sequence of changes is now. */
  public synchronized Mark mark() {
    return new Mark(epoch, sequence);
  }

  /**
   * The versions of {@code tables} now, if neither they nor the epoch moved after {@code mark}; empty otherwise. A
   * result computed by a reader that started after the mark is then labelled with versions it really reflects.
   */
  public synchronized Optional<Snapshot> snapshotUnchangedSince(Mark mark, Collection<TableName> tables) {
    if (epoch != mark.epoch()) {
      return Optional.empty();
    }
    for (TableName table : tables) {
      if (version(table) > mark.sequence()) {
        return Optional.empty();
      }
    }
    return Optional.of(snapshot(tables));
  }

  /**
   * Calls {@code listener} after every change, on the thread that committed it (keep it short, never block);
   * closing the returned handle stops the calls.
   */
  public AutoCloseable listen(Consumer<Change> listener) {
    listeners.add(listener);
    return () -> listeners.remove(listener);
  }

  /** Moves the versions of what a committed write touched. Only the unit of work and file datasets call this. */
  public void changed(Writes writes) {
    if (writes.none()) {
      return;
    }
    Change change;
    synchronized (this) {
      sequence++;
      if (writes.unknown()) {
        epoch++;
      }
      for (TableName table : writes.tables()) {
        versions.put(table, sequence);
      }
      change = new Change(writes, epoch, sequence);
    }
    for (Consumer<Change> listener : listeners) {
      try {
        listener.accept(change);
      } catch (RuntimeException e) {
        log.warn("a data-version listener failed: {}", e.toString());
      }
    }
  }
}
