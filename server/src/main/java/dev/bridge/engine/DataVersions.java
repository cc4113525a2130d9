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
 *
 * <p>DuckDB makes a commit visible before the versions can move (they move on the committing thread just after), so
 * a reader whose DuckDB snapshot begins in between would see new data under old versions. The unit of work closes
 * that window: before DuckDB commits it marks the commit in flight ({@link #committing}), and it settles the mark
 * only after the versions moved. Every check that data is unchanged ({@link #unchangedSince},
 * {@link #snapshotUnchangedSince}) treats a table with a commit in flight as changed.
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

  /**
   * A commit that DuckDB may be making visible now: until {@link #close()} the tables it writes (every table, for
   * unknown writes) count as changed. Closed after the versions moved, or when the commit did not happen.
   */
  public final class Commit implements AutoCloseable {
    private final Writes writes;
    private boolean closed;

    private Commit(Writes writes) {
      this.writes = writes;
    }

    @Override
    public void close() {
      synchronized (DataVersions.this) {
        if (closed) {
          return;
        }
        closed = true;
        if (writes.unknown()) {
          unknownInFlight--;
        }
        for (TableName table : writes.tables()) {
          inFlight.computeIfPresent(table, (name, count) -> count == 1 ? null : count - 1);
        }
      }
    }
  }

  private final Map<TableName, Long> versions = new ConcurrentHashMap<>();
  /** How many commits in flight write each table (guarded by this). */
  private final Map<TableName, Integer> inFlight = new HashMap<>();
  /** How many commits in flight may write tables they cannot name (guarded by this). */
  private int unknownInFlight;
  /**
   * Per table, the sequences of its last {@value #HISTORY} changes (oldest first) and the newest one forgotten
   * (guarded by this): enough to tell whether a table changed between two marks a few seconds apart
   * ({@link #unchangedBetween}). Older questions are answered "changed".
   */
  private final Map<TableName, History> histories = new HashMap<>();
  static final int HISTORY = 32;
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

  /**
   * Whether no committed write touched the snapshot's tables (nor moved the epoch) since it was taken, and no commit
   * that writes them is in flight.
   */
  public synchronized boolean unchangedSince(Snapshot snapshot) {
    return !committingAny(snapshot.tables().keySet()) && snapshot.equals(snapshot(snapshot.tables().keySet()));
  }

  /**
   * Marks a commit of {@code writes} in flight; call it before DuckDB commits, and close the mark once
   * {@link #changed} moved the versions (or the commit failed). Nothing is marked for no writes.
   */
  public synchronized Commit committing(Writes writes) {
    Commit commit = new Commit(writes);
    if (writes.unknown()) {
      unknownInFlight++;
    }
    for (TableName table : writes.tables()) {
      inFlight.merge(table, 1, Integer::sum);
    }
    return commit;
  }

  private boolean committingAny(Collection<TableName> tables) {
    return unknownInFlight > 0 || tables.stream().anyMatch(inFlight::containsKey);
  }

  /** Where the sequence of changes is now. */
  public synchronized Mark mark() {
    return new Mark(epoch, sequence);
  }

  /**
   * The versions of {@code tables} now, if neither they nor the epoch moved after {@code mark} and no commit that
   * writes them is in flight; empty otherwise. A result computed by a reader that started after the mark is then
   * labelled with versions it really reflects.
   */
  public synchronized Optional<Snapshot> snapshotUnchangedSince(Mark mark, Collection<TableName> tables) {
    if (epoch != mark.epoch() || committingAny(tables)) {
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
   * Whether no committed change touched {@code tables} (nor moved the epoch) after {@code from} and up to
   * {@code to}: a result that reflects every change up to {@code from} then reflects every change up to {@code to}
   * as well, for those tables. True when {@code to} is not after {@code from}. A table whose changes since
   * {@code from} are no longer all remembered counts as changed. Commits in flight at {@code to} are not counted:
   * they were not acknowledged to anyone before {@code to} (a commit's mark is settled only after its versions
   * moved, and the writer is answered after that).
   */
  public synchronized boolean unchangedBetween(Mark from, Mark to, Collection<TableName> tables) {
    if (to.sequence() <= from.sequence()) {
      return true;
    }
    if (to.epoch() != from.epoch()) {
      return false;
    }
    for (TableName table : tables) {
      History history = histories.get(table);
      if (history != null && history.changedIn(from.sequence(), to.sequence())) {
        return false;
      }
    }
    return true;
  }

  /** The recent change sequences of one table. */
  private static final class History {
    private final long[] sequences = new long[HISTORY];
    private int size;
    /** The newest sequence no longer in {@code sequences} (0: none forgotten). */
    private long forgotten;

    void add(long sequence) {
      if (size == HISTORY) {
        forgotten = sequences[0];
        System.arraycopy(sequences, 1, sequences, 0, HISTORY - 1);
        size--;
      }
      sequences[size++] = sequence;
    }

    /** Whether a change in (after, upTo] is remembered, or may have been forgotten. */
    boolean changedIn(long after, long upTo) {
      if (forgotten > after) {
        return true;
      }
      for (int i = size - 1; i >= 0 && sequences[i] > after; i--) {
        if (sequences[i] <= upTo) {
          return true;
        }
      }
      return false;
    }
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
        histories.computeIfAbsent(table, name -> new History()).add(sequence);
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
