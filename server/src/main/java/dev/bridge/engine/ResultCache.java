package dev.bridge.engine;

import dev.bridge.config.CacheConfig;
import dev.bridge.identity.Role;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.VectorUnloader;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Complete results of read-only queries, kept as Arrow record batches in off-heap memory of the cache's own child
 * allocator, so that a repeated query streams them again without DuckDB and without copying them.
 *
 * <p>It is never stale: an entry holds the {@link DataVersions} snapshot of every table (and file dataset) its
 * query read, and is served only while none of them, nor the epoch, moved. Entries whose versions moved are also
 * dropped eagerly, as the data versions announce the change, so that their memory is freed at once. The entry's key
 * ({@link Key}) holds everything else that can change the answer. At most {@code cache.max_bytes} are kept, least
 * recently used out first, and no single result over {@code cache.max_result_bytes}.
 *
 * <p>An entry's batches are released when it is evicted and no replay still reads it.
 */
public final class ResultCache implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ResultCache.class);

  /**
   * Everything besides the data that can change a query's answer: the SQL DuckDB runs, the bound parameter values
   * (see {@link #parameterKey}), and the session's scope (current catalog and schema, search path, variables).
   * DuckDB's other result-affecting settings (TimeZone, collation, ...) are locked server-wide at start. The batch
   * size is part of it too: a replay sends the batches as they were recorded, and a client may have asked for
   * smaller ones (REST's chunk_rows).
   */
  public record Key(String sql, List<Object> parameters, String scope, int batchRows) {}

  /**
   * What a statement's plan is cached under: the client's SQL text, the session's scope (as in {@link Key}) and the
   * role the statement was checked for (the access check and the plan's effects depend on it).
   */
  public record PlanKey(String sql, String scope, Role role) {}

  /**
   * A plan about to be kept beside its result: made while {@code commandsRun} commands had run, after
   * {@code mark}. It is kept only if nothing the result read moved since that mark, so it is as current as the
   * result.
   */
  record PlannedStatement(PlanKey key, StatementPlan plan, DataVersions.Mark mark, long commandsRun) {}

  /** A cached plan and the versions it is valid for (those of its result's tables), and the commands count. */
  private record PlanEntry(StatementPlan plan, DataVersions.Snapshot snapshot, long commandsRun,
      java.util.Set<TableName> fileDatasets) {}

  /** What the cache counted since the server started, and what it holds now. */
  public record Stats(long hits, long misses, long evictions, long invalidations, long bytes, int entries) {}

  /** The header (Flight call header, HTTP header) and Flight session option that turn the cache off for a client. */
  public static final String OPTION = "x-bridge-cache";

  private final BufferAllocator allocator;
  private final DataVersions versions;
  private final AutoCloseable listening;
  private final Map<Key, Entry> entries = new LinkedHashMap<>(16, 0.75f, true);
  private final LongAdder hits = new LongAdder();
  private final LongAdder misses = new LongAdder();
  private final LongAdder evictions = new LongAdder();
  private final LongAdder invalidations = new LongAdder();
  /**
   * Statements found uncacheable, with the count of commands run when they were: the verdict stands until a command
   * (DDL, SET, ...) runs, and saves the analysis of DuckDB's parse and plan on each run. Remembering only refusals
   * is safe: a wrong one would only miss the cache.
   */
  private final Map<String, Long> uncacheable = new LinkedHashMap<>(16, 0.75f, true) {
    @Override
    protected boolean removeEldestEntry(Map.Entry<String, Long> eldest) {
      return size() > UNCACHEABLE_REMEMBERED;
    }
  };
  private static final int UNCACHEABLE_REMEMBERED = 1024;
  /**
   * The plans of cached results, so that a client that plans each statement it runs (the JDBC driver prepares every
   * one) is answered without DuckDB; a plan is a few kilobytes at most, so they are bounded by count.
   */
  private final Map<PlanKey, PlanEntry> plans = PlanCache.leastRecentlyUsed(PLANS_KEPT);
  private static final int PLANS_KEPT = 4096;
  /**
   * The misses being computed now, by key: the first miss of a key leads (computes and records), the ones that
   * arrive meanwhile wait for it and replay what it kept ({@link #replayOrLead}).
   */
  private final Map<Key, Lead> flights = new java.util.HashMap<>();
  private volatile CacheConfig config;
  private long bytes;
  private boolean closed;

  public ResultCache(BufferAllocator parent, DataVersions versions, CacheConfig config) {
    this.allocator = parent.newChildAllocator("result-cache", 0, Long.MAX_VALUE);
    this.versions = versions;
    this.config = config;
    this.listening = versions.listen(this::changed);
  }

  /** Takes edited settings: a smaller bound evicts at once, disabling drops everything. */
  public void configure(CacheConfig newConfig) {
    this.config = newConfig;
    synchronized (this) {
      evictDownTo(newConfig.enabled() ? newConfig.maxBytes() : 0);
      if (!newConfig.enabled()) {
        plans.clear();
      }
    }
  }

  /** Whether a client's {@value #OPTION} value lets it use the cache: {@code on} or {@code off}, in any case. */
  public static boolean usedWhen(String option) {
    return switch (option.trim().toLowerCase(java.util.Locale.ROOT)) {
      case "on" -> true;
      case "off" -> false;
      default -> throw EngineException.invalidArgument(OPTION + ": unknown value '" + option + "'; use on or off");
    };
  }

  public boolean enabled() {
    return config.enabled() && !closed;
  }

  public Stats stats() {
    synchronized (this) {
      return new Stats(hits.sum(), misses.sum(), evictions.sum(), invalidations.sum(), bytes, entries.size());
    }
  }

  /** The bytes the cache's allocator holds: the cached batches, and those of replays still reading evicted ones. */
  public long allocatedBytes() {
    return allocator.getAllocatedMemory();
  }

  /**
   * A parameter list as a key: values compared by content (a byte array by its bytes, a list element by element),
   * each with its type (an INTEGER 1 and a BIGINT 1 may give different result types); empty when a value is of a
   * type whose equality is not its content, which is then not cached.
   */
  public static Optional<List<Object>> parameterKey(List<Object> parameters) {
    List<Object> key = new ArrayList<>(parameters.size());
    for (Object value : parameters) {
      Optional<Object> part = valueKey(value);
      if (part.isEmpty()) {
        return Optional.empty();
      }
      key.add(part.get());
    }
    return Optional.of(List.copyOf(key));
  }

  private static Optional<Object> valueKey(Object value) {
    if (value == null) {
      return Optional.of("null");
    }
    if (value instanceof byte[] bytes) {
      return Optional.of(List.of("bytes", java.util.HexFormat.of().formatHex(bytes)));
    }
    if (value instanceof List<?> list) {
      List<Object> elements = new ArrayList<>();
      for (Object element : list) {
        Optional<Object> part = valueKey(element);
        if (part.isEmpty()) {
          return Optional.empty();
        }
        elements.add(part.get());
      }
      return Optional.of(List.of("list", elements));
    }
    boolean valueType = value instanceof String || value instanceof Number || value instanceof Boolean
        || value instanceof java.time.temporal.TemporalAccessor || value instanceof java.util.UUID
        || value instanceof Character || value instanceof TypedNull;
    return valueType ? Optional.of(List.of(value.getClass().getName(), value)) : Optional.empty();
  }

  /** Whether {@code sql} was found uncacheable since the last command ran. */
  synchronized boolean knownUncacheable(String sql, long commandsRun) {
    Long when = uncacheable.get(sql);
    return when != null && when == commandsRun;
  }

  synchronized void rememberUncacheable(String sql, long commandsRun) {
    uncacheable.put(sql, commandsRun);
  }

  /**
   * A replay of the result cached under {@code key}, if one is there and still current; counts a hit or a miss. On
   * a hit, {@code planned} (may be null) is kept beside the result if it is as current as the result.
   */
  Optional<ResultStream> replay(Key key, BufferAllocator streamAllocator, Cancellation cancellation,
      PlannedStatement planned) {
    Optional<Entry> entry = acquire(key);
    if (entry.isEmpty()) {
      misses.increment();
      return Optional.empty();
    }
    hits.increment();
    if (planned != null) {
      // The result was recorded before this plan was made (another session's, or before the scope was known).
      versions.snapshotUnchangedSince(planned.mark(), entry.get().snapshot.tables().keySet())
          .ifPresent(current -> storePlan(planned, current, entry.get().fileDatasets));
    }
    return Optional.of(new ReplayedResultStream(entry.get(), streamAllocator, cancellation));
  }

  /**
   * What a miss does: replay a result a concurrent computation of the same key kept, or compute it, leading the
   * misses of that key that arrive meanwhile ({@code lead} is then set and must be ended), or alone.
   */
  record Miss(Optional<ResultStream> replay, Lead lead) {}

  /**
   * Single flight for a cacheable query: a replay when the result is cached, else, when no computation of this key
   * is running, the lead of one (the caller computes, records with {@link #recording} and the lead ends with the
   * recording). When one is running, waits for it, at most {@code maxWait} and no longer than {@code cancellation}
   * allows (a cancel throws CANCELLED), and replays the leader's result if it is fresh for this caller
   * ({@link #freshFor}): even when a write after the leader started keeps the result out of the cache, a caller that
   * arrived before that write gets it. A caller that arrived after such a write waits for the next computation of
   * the key instead (it leads it, or follows the one another such caller leads), which started after it arrived. A
   * leader that kept nothing (it failed, was cancelled or closed early, its result was over the cap) poisons no one:
   * each waiting caller then computes for itself, at once and in parallel, getting its own answer or its own error;
   * so does a caller whose wait ran out.
   */
  Miss replayOrLead(Key key, BufferAllocator streamAllocator, Cancellation cancellation, PlannedStatement planned,
      Duration maxWait) {
    // The caller's read starts now: every write acknowledged before this was published before this mark.
    DataVersions.Mark arrived = versions.mark();
    Optional<ResultStream> hit = replay(key, streamAllocator, cancellation, planned);
    if (hit.isPresent()) {
      return new Miss(hit, null);
    }
    long deadline = System.nanoTime() + maxWait.toNanos();
    for (int wait = 0; wait < FOLLOWS; wait++) {
      Lead running;
      synchronized (this) {
        if (wait > 0) {
          // A result kept by another computation since this caller's first look is current now, so fresh for it.
          Optional<Entry> kept = acquire(key);
          if (kept.isPresent()) {
            return shared(kept.get(), streamAllocator, cancellation);
          }
        }
        running = flights.get(key);
        if (running == null) {
          if (!enabled()) {
            return new Miss(Optional.empty(), null);
          }
          Lead lead = new Lead(key);
          flights.put(key, lead);
          return new Miss(Optional.empty(), lead);
        }
        running.followers++;
      }
      Follow follow = running.follow(cancellation, deadline, arrived);
      if (follow.entry() != null) {
        return shared(follow.entry(), streamAllocator, cancellation);
      }
      if (!follow.tryNext()) {
        break;
      }
    }
    return new Miss(Optional.empty(), null);
  }

  /**
   * How many computations of a key a miss waits for at most: the first may have started before a write this caller
   * must see, the next one started after the caller arrived and is fresh for it (unless its files changed again).
   */
  private static final int FOLLOWS = 2;

  /** A replay of {@code entry}, retained for it, served to a miss: counted as a hit, not a miss. */
  private Miss shared(Entry entry, BufferAllocator streamAllocator, Cancellation cancellation) {
    misses.decrement();
    hits.increment();
    return new Miss(Optional.of(new ReplayedResultStream(entry, streamAllocator, cancellation)), null);
  }

  /**
   * Whether a result computed by a leader whose reads began after {@code result.mark()} answers a caller whose read
   * began at {@code arrived}: no table it read (nor the epoch) changed in between, so it reflects every write
   * acknowledged before the caller asked. File datasets change outside DuckDB's transactions and their changes are
   * seen late (by the full check at the leader's end), so for those nothing may have moved since the leader's mark up
   * to now, as for a cached entry.
   */
  private boolean freshFor(Result result, DataVersions.Mark arrived) {
    if (!result.fileDatasets().isEmpty()) {
      return versions.snapshotUnchangedSince(result.mark(), result.tables()).isPresent();
    }
    return versions.unchangedBetween(result.mark(), arrived, result.tables());
  }

  /** How many callers wait for another's computation now. */
  int waiting() {
    synchronized (this) {
      return flights.values().stream().mapToInt(lead -> lead.followers).sum();
    }
  }

  /**
   * A leader's complete result, handed to the callers that waited for it: computed by reads that began after
   * {@code mark}, from {@code tables} ({@code fileDatasets} among them). Its entry holds one hold for the lead.
   */
  record Result(Entry entry, DataVersions.Mark mark, java.util.Set<TableName> tables,
      java.util.Set<TableName> fileDatasets) {}

  /** What a wait for a leader gave: its result, retained for the caller, or none and whether to wait for the next. */
  private record Follow(Entry entry, boolean tryNext) {}

  /** The computation of a key other misses wait for; ended once, when its result is known or will not be. */
  final class Lead {
    private final Key key;
    private final java.util.concurrent.CountDownLatch ended = new java.util.concurrent.CountDownLatch(1);
    /** The callers waiting for this lead, counted until each has taken what it needs from it (guarded by the cache). */
    private int followers;
    /** The result, set at the end, held while followers remain (guarded by the cache). */
    private Result result;
    private boolean over;

    private Lead(Key key) {
      this.key = key;
    }

    /** No result will be shared: the callers waiting compute for themselves. Idempotent. */
    void end() {
      end(null);
    }

    /**
     * The computation ended with {@code outcome} (null: none to share); the callers waiting look at it. Takes over
     * the outcome's hold on its entry. Idempotent: a later end only gives its hold back.
     */
    void end(Result outcome) {
      synchronized (ResultCache.this) {
        if (over) {
          if (outcome != null) {
            outcome.entry().release();
          }
          return;
        }
        over = true;
        flights.remove(key, this);
        if (outcome != null && followers > 0) {
          result = outcome;
        } else if (outcome != null) {
          outcome.entry().release();
        }
      }
      ended.countDown();
    }

    /**
     * Waits for the end (this caller was counted among the followers) and takes the result if it is fresh for a
     * caller that {@code arrived} then. A cancel throws CANCELLED.
     */
    private Follow follow(Cancellation cancellation, long deadline, DataVersions.Mark arrived) {
      boolean endedInTime;
      try {
        endedInTime = awaitEnd(cancellation, deadline);
      } catch (RuntimeException e) {
        leave(false, arrived);
        throw e;
      }
      return leave(endedInTime, arrived);
    }

    /** This follower is done waiting; the last one to leave gives back the lead's hold on the result. */
    private Follow leave(boolean endedInTime, DataVersions.Mark arrived) {
      synchronized (ResultCache.this) {
        followers--;
        Result outcome = result;
        Entry taken = null;
        if (endedInTime && outcome != null && enabled() && freshFor(outcome, arrived)) {
          outcome.entry().retain();
          taken = outcome.entry();
        }
        if (followers == 0 && outcome != null) {
          result = null;
          outcome.entry().release();
        }
        // A result that is not fresh for this caller: the next computation, started after it arrived, is.
        return new Follow(taken, endedInTime && taken == null && outcome != null);
      }
    }

    /** Waits for the end; false when the deadline passed first. A cancel throws CANCELLED. */
    private boolean awaitEnd(Cancellation cancellation, long deadline) {
      try {
        while (true) {
          if (cancellation.requested()) {
            throw Cancellation.cancelled(null);
          }
          long left = deadline - System.nanoTime();
          if (left <= 0) {
            return false;
          }
          // Wakes at least every FOLLOWER_POLL to notice a cancel, which has no callback to wake a waiter with.
          if (ended.await(Math.min(left, FOLLOWER_POLL.toNanos()), java.util.concurrent.TimeUnit.NANOSECONDS)) {
            return true;
          }
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw Cancellation.cancelled(e);
      }
    }
  }

  private static final Duration FOLLOWER_POLL = Duration.ofMillis(20);

  /**
   * The file datasets the result cached under {@code key} read (none when there is no such result): their files
   * must be checked in full before it is served ({@code DuckDbEngine#refreshFully}).
   */
  synchronized java.util.Set<TableName> fileDatasetsOf(Key key) {
    Entry entry = entries.get(key);
    return entry == null ? java.util.Set.of() : entry.fileDatasets;
  }

  /** The rows of the result cached under {@code key}, if one is there and current; counts nothing. */
  public Optional<Long> rows(Key key) {
    Optional<Entry> entry = acquire(key);
    entry.ifPresent(Entry::release);
    return entry.map(Entry::rows);
  }

  /**
   * The plan kept beside a cached result for {@code key}, if nothing it depends on moved since (the same rule as
   * the result's) and no command ran since it was made.
   */
  synchronized Optional<StatementPlan> plan(PlanKey key, long commandsRun) {
    if (!enabled()) {
      return Optional.empty();
    }
    PlanEntry entry = plans.get(key);
    if (entry == null) {
      return Optional.empty();
    }
    if (entry.commandsRun() != commandsRun || !versions.unchangedSince(entry.snapshot())) {
      plans.remove(key);
      return Optional.empty();
    }
    return Optional.of(entry.plan());
  }

  /** The file datasets the plan kept for {@code key} depends on (see {@link #fileDatasetsOf(Key)}). */
  synchronized java.util.Set<TableName> fileDatasetsOf(PlanKey key) {
    PlanEntry entry = plans.get(key);
    return entry == null ? java.util.Set.of() : entry.fileDatasets();
  }

  private synchronized Optional<Entry> acquire(Key key) {
    if (!enabled()) {
      return Optional.empty();
    }
    Entry entry = entries.get(key);
    if (entry == null) {
      return Optional.empty();
    }
    if (!versions.unchangedSince(entry.snapshot)) {
      remove(key, entry);
      invalidations.increment();
      return Optional.empty();
    }
    entry.retain();
    return Optional.of(entry);
  }

  /**
   * Wraps a stream DuckDB computes so that its batches are also copied into the cache as they pass; once the last
   * batch has passed, the result is kept under {@code key} if the {@code tables} it read did not change since
   * {@code mark} (taken before its DuckDB transaction began).
   */
  ResultStream recording(ResultStream computed, Key key, QueryDependencies dependencies, DataVersions.Mark mark,
      PlannedStatement planned, Lead lead, java.util.function.Consumer<java.util.Set<TableName>> filesCheck) {
    if (!enabled() || computed.schema().getFields().stream().anyMatch(ResultCache::dictionaryEncoded)) {
      // Dictionary-encoded columns (ENUM) carry their dictionaries outside the batches: not replayable as is.
      if (lead != null) {
        lead.end();
      }
      return computed;
    }
    return new RecordingResultStream(computed, new Recording(key, dependencies, mark, planned, lead,
        filesCheck));
  }

  private static boolean dictionaryEncoded(Field field) {
    return field.getDictionary() != null || field.getChildren().stream().anyMatch(ResultCache::dictionaryEncoded);
  }

  /** A result being copied into the cache batch by batch; abandoned (its copies freed) when it grows too big. */
  final class Recording {
    private final Key key;
    private final QueryDependencies dependencies;
    private final DataVersions.Mark mark;
    /** The statement's plan, kept with the result when it is as current; null when it is not known to be. */
    private final PlannedStatement planned;
    /** The misses of the same key waiting for this result, or null; ended when the recording ends. */
    private final Lead lead;
    /** Checks the files of file datasets in full ({@code DuckDbEngine#refreshFully}). */
    private final java.util.function.Consumer<java.util.Set<TableName>> filesCheck;
    private final List<ArrowRecordBatch> batches = new ArrayList<>();
    private final long maxResultBytes;
    private long rows;
    private long size;
    private boolean abandoned;

    Recording(Key key, QueryDependencies dependencies, DataVersions.Mark mark, PlannedStatement planned, Lead lead,
        java.util.function.Consumer<java.util.Set<TableName>> filesCheck) {
      this.filesCheck = filesCheck;
      this.key = key;
      this.dependencies = dependencies;
      this.mark = mark;
      this.planned = planned;
      this.lead = lead;
      CacheConfig settings = config;
      this.maxResultBytes = Math.min(settings.maxResultBytes(), settings.maxBytes());
    }

    /** Copies the batch in {@code root}; past the per-result cap the recording is abandoned. */
    void add(VectorSchemaRoot root) {
      if (abandoned) {
        return;
      }
      ArrowRecordBatch copy = copy(root);
      batches.add(copy);
      rows += root.getRowCount();
      size += copy.computeBodyLength();
      if (size > maxResultBytes) {
        abandon();
      }
    }

    /**
     * The stream reached its end: keeps the result if its data did not move meanwhile, and hands it to the callers
     * waiting for it either way (each takes it only if it is fresh for them, {@link #freshFor}).
     */
    void finish(Schema schema) {
      Result result = null;
      try {
        result = keep(schema);
      } catch (RuntimeException e) {
        // The files' check failed: what was copied is freed, and nothing is kept or shared.
        abandon();
        throw e;
      } finally {
        endLead(result);
      }
    }

    private Result keep(Schema schema) {
      if (abandoned) {
        return null;
      }
      // Files change outside DuckDB's transactions: checked in full now, a change moves their views' versions.
      filesCheck.accept(dependencies.fileDatasets());
      Optional<DataVersions.Snapshot> snapshot = versions.snapshotUnchangedSince(mark, dependencies.tables());
      Entry entry = new Entry(key, schema, List.copyOf(batches), rows, size, snapshot.orElse(null),
          dependencies.fileDatasets());
      batches.clear();
      // The entry's first hold is the lead's (when there is one); the cache takes its own when it stores it.
      Result result = lead == null ? null
          : new Result(entry, mark, dependencies.tables(), dependencies.fileDatasets());
      boolean stored = snapshot.isPresent() && store(entry);
      if (result == null) {
        entry.release();
      }
      if (stored && planned != null) {
        // The plan may be older than the result: kept only if nothing the result read moved since it was made.
        versions.snapshotUnchangedSince(planned.mark(), dependencies.tables())
            .ifPresent(current -> storePlan(planned, current, dependencies.fileDatasets()));
      }
      return result;
    }

    /** The stream failed or was closed early: nothing is kept. */
    void abandon() {
      abandoned = true;
      batches.forEach(ArrowRecordBatch::close);
      batches.clear();
      endLead();
    }

    private void endLead() {
      endLead(null);
    }

    private void endLead(Result result) {
      if (lead != null) {
        lead.end(result);
      }
    }

    private ArrowRecordBatch copy(VectorSchemaRoot root) {
      try (ArrowRecordBatch unloaded = new VectorUnloader(root).getRecordBatch()) {
        List<ArrowBuf> copies = new ArrayList<>(unloaded.getBuffers().size());
        try {
          for (ArrowBuf buffer : unloaded.getBuffers()) {
            long length = buffer.readableBytes();
            ArrowBuf copied = allocator.buffer(length);
            copied.setBytes(0, buffer, buffer.readerIndex(), length);
            copied.writerIndex(length);
            copies.add(copied);
          }
          // The batch takes its own reference to every copy.
          return new ArrowRecordBatch(unloaded.getLength(), unloaded.getNodes(), copies);
        } finally {
          copies.forEach(ArrowBuf::close);
        }
      }
    }
  }

  private synchronized boolean store(Entry entry) {
    CacheConfig settings = config;
    if (closed || !settings.enabled() || entry.bytes > Math.min(settings.maxResultBytes(), settings.maxBytes())) {
      return false;
    }
    Entry previous = entries.remove(entry.key);
    if (previous != null) {
      bytes -= previous.bytes;
      previous.release();
    }
    evictDownTo(settings.maxBytes() - entry.bytes);
    entry.retain();
    entries.put(entry.key, entry);
    bytes += entry.bytes;
    return true;
  }

  private synchronized void storePlan(PlannedStatement planned, DataVersions.Snapshot snapshot,
      java.util.Set<TableName> fileDatasets) {
    PlanEntry kept = plans.get(planned.key());
    if (!closed && config.enabled() && (kept == null || !kept.snapshot().equals(snapshot)
        || kept.commandsRun() != planned.commandsRun())) {
      plans.put(planned.key(), new PlanEntry(planned.plan(), snapshot, planned.commandsRun(), fileDatasets));
    }
  }

  /** Evicts least recently used entries until at most {@code limit} bytes are held. */
  private void evictDownTo(long limit) {
    Iterator<Map.Entry<Key, Entry>> eldest = entries.entrySet().iterator();
    while (bytes > limit && eldest.hasNext()) {
      Entry entry = eldest.next().getValue();
      eldest.remove();
      bytes -= entry.bytes;
      entry.release();
      evictions.increment();
    }
  }

  private void remove(Key key, Entry entry) {
    entries.remove(key);
    bytes -= entry.bytes;
    entry.release();
  }

  /** Drops the entries a committed change made stale, so that their memory is freed now. */
  private void changed(DataVersions.Change change) {
    synchronized (this) {
      Iterator<Map.Entry<Key, Entry>> all = entries.entrySet().iterator();
      while (all.hasNext()) {
        Entry entry = all.next().getValue();
        boolean stale = change.writes().unknown()
            || change.writes().tables().stream().anyMatch(entry.snapshot.tables()::containsKey);
        if (stale) {
          all.remove();
          bytes -= entry.bytes;
          entry.release();
          invalidations.increment();
        }
      }
      plans.values().removeIf(plan -> change.writes().unknown()
          || change.writes().tables().stream().anyMatch(plan.snapshot().tables()::containsKey));
    }
  }

  /** Drops every entry and closes the allocator; replays still reading keep their batches until they end. */
  @Override
  public void close() {
    synchronized (this) {
      if (closed) {
        return;
      }
      closed = true;
      evictDownTo(-1);
      plans.clear();
    }
    try {
      listening.close();
    } catch (Exception e) {
      log.debug("stopping the cache's data-version listener failed: {}", e.toString());
    }
    long left = allocator.getAllocatedMemory();
    if (left == 0) {
      allocator.close();
    } else {
      log.warn("the result cache still holds {} bytes at shutdown (replays in progress); not closing its allocator",
          left);
    }
  }

  /** One cached result: its batches, released when the cache and every replay let go of it. */
  static final class Entry {
    private final Key key;
    private final Schema schema;
    private final List<ArrowRecordBatch> batches;
    private final long rows;
    private final long bytes;
    private final DataVersions.Snapshot snapshot;
    /** The file datasets among the snapshot's tables: their files are checked in full before a replay. */
    private final java.util.Set<TableName> fileDatasets;
    /**
     * The cache's hold (while it keeps the entry), the lead's (while callers that waited for its computation may
     * take it) and one per replay reading it; the batches are freed when none is left.
     */
    private final AtomicInteger holds = new AtomicInteger(1);

    Entry(Key key, Schema schema, List<ArrowRecordBatch> batches, long rows, long bytes,
        DataVersions.Snapshot snapshot, java.util.Set<TableName> fileDatasets) {
      this.fileDatasets = fileDatasets;
      this.key = key;
      this.schema = schema;
      this.batches = batches;
      this.rows = rows;
      this.bytes = bytes;
      this.snapshot = snapshot;
    }

    Schema schema() {
      return schema;
    }

    List<ArrowRecordBatch> batches() {
      return batches;
    }

    long rows() {
      return rows;
    }

    /** Called under the cache's lock, while the cache or a lead still holds the entry: the count is above zero. */
    void retain() {
      holds.incrementAndGet();
    }

    void release() {
      if (holds.decrementAndGet() == 0) {
        batches.forEach(ArrowRecordBatch::close);
      }
    }
  }
}
