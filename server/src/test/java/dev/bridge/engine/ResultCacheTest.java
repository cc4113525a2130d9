package dev.bridge.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bridge.config.CacheConfig;
import dev.bridge.config.DatabaseConfig;
import dev.bridge.config.LimitsConfig;
import dev.bridge.config.SessionConfig;
import dev.bridge.identity.Principal;
import dev.bridge.identity.Role;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The result cache under the executor: hits, exact invalidation, what is never kept, its bounds and its memory. */
class ResultCacheTest {
  private BufferAllocator allocator;
  private DuckDbEngine engine;
  private SessionManager sessions;
  private QueryTimeouts timeouts;
  private ResultCache cache;
  private StatementExecutor statements;
  private Session writer;
  private Session reader;

  @BeforeEach
  void start() {
    allocator = new RootAllocator();
    engine = DuckDbEngine.open(DatabaseConfig.DEFAULT.withPath(DatabaseConfig.IN_MEMORY));
    sessions = new SessionManager(engine, SessionConfig.DEFAULT);
    timeouts = new QueryTimeouts(LimitsConfig.DEFAULT);
    cache = new ResultCache(allocator, engine.dataVersions(), CacheConfig.DEFAULT);
    statements = new StatementExecutor(allocator, timeouts, new StatementQueue(LimitsConfig.DEFAULT, () -> false),
        AccessPolicy.ALLOW_ALL, cache);
    writer = sessions.session("w", new Principal("w", Role.WRITER));
    reader = sessions.session("r", new Principal("r", Role.READER));
    update(writer, "CREATE TABLE t(i INTEGER, s VARCHAR)");
    update(writer, "INSERT INTO t SELECT i, 'row ' || i FROM range(1000) r(i)");
  }

  @AfterEach
  void stop() {
    sessions.close();
    cache.close();
    timeouts.close();
    engine.close();
    allocator.close();
  }

  @Test
  void aRepeatedQueryIsAnsweredFromTheCacheWithTheSameRows() {
    String sql = "SELECT i % 7 AS k, count(*) AS n, max(s) AS m FROM t GROUP BY k ORDER BY k";
    Answer first = query(reader, sql);
    Answer second = query(reader, sql);
    assertThat(first.fromCache()).isFalse();
    assertThat(second.fromCache()).isTrue();
    assertThat(second.rows()).isEqualTo(first.rows()).hasSize(7);
    assertThat(cache.stats().hits()).isEqualTo(1);
    assertThat(query(writer, sql).fromCache()).as("another session, same scope").isTrue();
  }

  @Test
  void aCommittedWriteMakesTheNextAnswerFreshAndDropsTheEntry() {
    String sql = "SELECT count(*), sum(i) FROM t";
    query(reader, sql);
    assertThat(cache.stats().entries()).isEqualTo(1);
    update(writer, "INSERT INTO t VALUES (5000, 'new')");
    assertThat(cache.stats().entries()).as("dropped when the version moved").isZero();
    assertThat(cache.stats().invalidations()).isEqualTo(1);
    Answer after = query(reader, sql);
    assertThat(after.fromCache()).isFalse();
    assertThat(after.rows()).containsExactly(List.of("1001", "504500"));
  }

  @Test
  void aWriteToAnotherTableKeepsTheEntry() {
    update(writer, "CREATE TABLE other(i INTEGER)");
    String sql = "SELECT count(*) FROM t";
    query(reader, sql);
    update(writer, "INSERT INTO other VALUES (1)");
    assertThat(query(reader, sql).fromCache()).isTrue();
  }

  @Test
  void nothingIsCachedInsideATransactionNorWhenBypassed() {
    String sql = "SELECT count(*) FROM t";
    update(writer, "BEGIN TRANSACTION");
    update(writer, "INSERT INTO t VALUES (-1, 'uncommitted')");
    assertThat(query(writer, sql).rows()).containsExactly(List.of("1001"));
    assertThat(cache.stats().entries()).isZero();
    update(writer, "ROLLBACK");
    assertThat(query(reader, sql).rows()).containsExactly(List.of("1000"));
    try (ResultStream bypassed = statements.openQuery(reader, statements.plan(reader, sql), List.of(), 100,
        new Cancellation(), false)) {
      assertThat(bypassed.fromCache()).isFalse();
    }
    reader.setCacheOff(true);
    assertThat(query(reader, sql).fromCache()).isFalse();
  }

  @Test
  void volatileQueriesAndTemporaryTablesAreNeverKept() {
    update(writer, "CREATE TEMP TABLE scratch AS SELECT 1 AS a");
    query(writer, "SELECT random() FROM t LIMIT 1");
    query(writer, "SELECT * FROM scratch");
    query(writer, "SELECT now()");
    assertThat(cache.stats().entries()).isZero();
  }

  @Test
  void differentSchemasAndSearchPathsNeverShareAnEntry() {
    update(writer, "CREATE SCHEMA other");
    update(writer, "CREATE TABLE other.t(i INTEGER, s VARCHAR)");
    update(writer, "INSERT INTO other.t VALUES (1, 'other')");
    String sql = "SELECT count(*) FROM t";
    assertThat(query(reader, sql).rows()).containsExactly(List.of("1000"));
    update(writer, "USE other");
    assertThat(query(writer, sql).rows()).containsExactly(List.of("1"));
    update(writer, "USE memory.main");
    update(writer, "SET search_path = 'other'");
    Answer viaPath = query(writer, "SELECT count(*) FROM other.t");
    assertThat(viaPath.rows()).containsExactly(List.of("1"));
    assertThat(query(reader, sql).rows()).containsExactly(List.of("1000"));
  }

  @Test
  void parametersAreOfTheKey() {
    String sql = "SELECT count(*) FROM t WHERE i < ?";
    StatementPlan plan = statements.plan(reader, sql);
    assertThat(rows(reader, plan, List.of(10))).containsExactly(List.of("10"));
    assertThat(rows(reader, plan, List.of(20))).containsExactly(List.of("20"));
    assertThat(rows(reader, plan, List.of(10))).containsExactly(List.of("10"));
    assertThat(cache.stats().hits()).isEqualTo(1);
  }

  @Test
  void theLeastRecentlyUsedResultGoesFirstAndTheBytesStayBounded() {
    long one = resultBytes("SELECT i, s FROM t WHERE i < 500");
    cache.configure(new CacheConfig(true, 2 * one + one / 2, one * 2));
    long evictionsBefore = cache.stats().evictions();
    query(reader, "SELECT i, s FROM t WHERE i < 500");
    query(reader, "SELECT i, s FROM t WHERE i >= 500");
    assertThat(query(reader, "SELECT i, s FROM t WHERE i < 500").fromCache()).isTrue();
    query(reader, "SELECT i, s FROM t WHERE i >= 250 AND i < 750");
    assertThat(cache.stats().evictions() - evictionsBefore).isEqualTo(1);
    assertThat(cache.stats().bytes()).isLessThanOrEqualTo(2 * one + one / 2);
    assertThat(query(reader, "SELECT i, s FROM t WHERE i < 500").fromCache()).as("used recently: kept").isTrue();
    assertThat(query(reader, "SELECT i, s FROM t WHERE i >= 500").fromCache()).as("least recently used").isFalse();
  }

  @Test
  void aResultOverThePerResultCapIsStreamedButNotKept() {
    cache.configure(new CacheConfig(true, 1L << 30, 1024L));
    Answer big = query(reader, "SELECT i, s FROM t");
    assertThat(big.rows()).hasSize(1000);
    assertThat(cache.stats().entries()).isZero();
    assertThat(cache.allocatedBytes()).as("the copies made before the cap are freed").isZero();
  }

  @Test
  void aReplayOutlivesTheEvictionOfItsEntryAndEveryBufferIsReleased() {
    String sql = "SELECT i, s FROM t";
    query(reader, sql);
    try (ResultStream replay = statements.openQuery(reader, statements.plan(reader, sql), List.of(), 100)) {
      assertThat(replay.fromCache()).isTrue();
      cache.configure(new CacheConfig(false, 0L, 0L));
      assertThat(cache.stats().entries()).isZero();
      long rows = 0;
      while (replay.next()) {
        rows += replay.root().getRowCount();
        assertThat(((org.apache.arrow.vector.IntVector) replay.root().getVector(0)).get(0)).isNotNegative();
      }
      assertThat(rows).isEqualTo(1000);
    }
    assertThat(cache.allocatedBytes()).isZero();
  }

  @Test
  void closingTheCacheReleasesEveryBuffer() {
    query(reader, "SELECT i, s FROM t");
    assertThat(cache.allocatedBytes()).isPositive();
    cache.close();
    assertThat(allocator.getAllocatedMemory()).isZero();
  }

  @Test
  void liveReloadTurnsTheCacheOffAndOnAgain() {
    String sql = "SELECT count(*) FROM t";
    cache.configure(new CacheConfig(false, 1L << 20, 1L << 20));
    query(reader, sql);
    assertThat(query(reader, sql).fromCache()).isFalse();
    cache.configure(CacheConfig.DEFAULT);
    query(reader, sql);
    assertThat(query(reader, sql).fromCache()).isTrue();
  }

  @Test
  void anUnknownOptionValueIsRefusedByName() {
    assertThat(ResultCache.usedWhen("OFF")).isFalse();
    assertThat(ResultCache.usedWhen(" on ")).isTrue();
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> ResultCache.usedWhen("sometimes"))
        .isInstanceOf(EngineException.class).hasMessageContaining("x-bridge-cache")
        .hasMessageContaining("sometimes");
  }

  private long resultBytes(String sql) {
    query(reader, sql);
    long bytes = cache.stats().bytes();
    cache.configure(new CacheConfig(false, 0L, 0L));
    return bytes;
  }

  private record Answer(List<List<String>> rows, boolean fromCache) {}

  @Test
  void aCachedQuerysPlanIsAnsweredWithoutAskingDuckDbAgain() {
    CountingPolicy checks = new CountingPolicy();
    StatementExecutor counted = executor(checks);
    String sql = "SELECT i % 3 AS k, count(*) AS n FROM t GROUP BY k ORDER BY k";
    // The first query reads the session's scope; the second plans with it known, and its hit keeps the plan.
    query(counted, reader, sql);
    query(counted, reader, sql);
    int planned = checks.count;
    StatementPlan kept = counted.plan(reader, sql);
    assertThat(checks.count).as("no access check, so no DuckDB planning").isEqualTo(planned);
    assertThat(counted.plan(reader, sql)).isSameAs(kept);
    assertThat(query(counted, reader, sql).fromCache()).isTrue();
    counted.plan(reader, sql, false);
    assertThat(checks.count).as("x-bridge-cache: off plans with DuckDB").isEqualTo(planned + 1);
    counted.plan(writer, sql);
    assertThat(checks.count).as("another role is checked for itself").isEqualTo(planned + 2);
  }

  @Test
  void aCachedPlanIsMadeAgainOnceItsTableChanges() {
    CountingPolicy checks = new CountingPolicy();
    StatementExecutor counted = executor(checks);
    String sql = "SELECT * FROM t ORDER BY i LIMIT 2";
    query(counted, reader, sql);
    query(counted, reader, sql);
    int planned = checks.count;
    assertThat(counted.plan(reader, sql).resultSchema().getFields()).hasSize(2);
    assertThat(checks.count).isEqualTo(planned);
    update(writer, "ALTER TABLE t ADD COLUMN extra INTEGER DEFAULT 7");
    StatementPlan fresh = counted.plan(reader, sql);
    assertThat(checks.count).as("planned by DuckDB again").isEqualTo(planned + 1);
    assertThat(fresh.resultSchema().getFields()).hasSize(3);
    assertThat(query(counted, reader, sql).rows()).containsExactly(List.of("0", "row 0", "7"),
        List.of("1", "row 1", "7"));
    query(counted, reader, sql);
    int replanned = checks.count;
    counted.plan(reader, sql);
    assertThat(checks.count).as("kept again").isEqualTo(replanned);
    update(writer, "INSERT INTO t VALUES (-1, 'first', 0)");
    counted.plan(reader, sql);
    assertThat(checks.count).as("a write to its table").isEqualTo(replanned + 1);
  }

  @Test
  void simultaneousMissesOfOneQueryRunItOnceAndTheOthersReplayIt() throws Exception {
    String sql = "SELECT i % 5 AS k, sum(i) AS total FROM t GROUP BY k ORDER BY k";
    List<Session> followers = followers(3);
    query(reader, "SELECT 42");
    long hitsBefore = cache.stats().hits();
    ResultStream leader = statements.openQuery(reader, statements.plan(reader, sql), List.of(), 100);
    List<java.util.concurrent.Future<Answer>> waiting = new ArrayList<>();
    var pool = java.util.concurrent.Executors.newFixedThreadPool(followers.size());
    try {
      for (Session follower : followers) {
        waiting.add(pool.submit(() -> query(follower, sql)));
      }
      awaitWaiting(followers.size());
      List<List<String>> led;
      try (leader) {
        led = read(leader);
      }
      for (var answer : waiting) {
        Answer shared = answer.get(30, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(shared.fromCache()).as("replayed what the leader kept").isTrue();
        assertThat(shared.rows()).isEqualTo(led).hasSize(5);
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(cache.stats().hits() - hitsBefore).isEqualTo(followers.size());
  }

  @Test
  void aLeaderThatKeepsNothingLetsItsFollowersComputeForThemselves() throws Exception {
    String sql = "SELECT count(*) AS n, max(i) AS m FROM t";
    Session follower = followers(1).get(0);
    query(reader, "SELECT 42");
    ResultStream leader = statements.openQuery(reader, statements.plan(reader, sql), List.of(), 100);
    var pool = java.util.concurrent.Executors.newSingleThreadExecutor();
    try {
      var answer = pool.submit(() -> query(follower, sql));
      awaitWaiting(1);
      leader.close();
      Answer own = answer.get(30, java.util.concurrent.TimeUnit.SECONDS);
      assertThat(own.fromCache()).as("the leader was closed before its end: nothing to replay").isFalse();
      assertThat(own.rows()).containsExactly(List.of("1000", "999"));
      assertThat(query(reader, sql).fromCache()).as("the follower's own run was kept").isTrue();
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aFollowerThatAskedBeforeAWriteTakesTheLeadersAnswerAndOneThatAskedAfterItSeesTheWrite() throws Exception {
    String sql = "SELECT count(*) AS n, sum(i) AS total FROM t";
    List<Session> followers = followers(2);
    query(reader, "SELECT 42");
    long hitsBefore = cache.stats().hits();
    ResultStream leader = statements.openQuery(reader, statements.plan(reader, sql), List.of(), 100);
    var pool = java.util.concurrent.Executors.newFixedThreadPool(2);
    try {
      var before = pool.submit(() -> query(followers.get(0), sql));
      awaitWaiting(1);
      // Acknowledged to the writer now: a query asked from here on must see the row.
      update(writer, "INSERT INTO t VALUES (1000, 'new')");
      var after = pool.submit(() -> query(followers.get(1), sql));
      awaitWaiting(2);
      List<List<String>> led;
      try (leader) {
        led = read(leader);
      }
      assertThat(led).as("the leader's reads began before the write").containsExactly(List.of("1000", "499500"));
      Answer early = before.get(30, java.util.concurrent.TimeUnit.SECONDS);
      assertThat(early.fromCache()).as("asked before the write: the leader's answer is fresh for it").isTrue();
      assertThat(early.rows()).isEqualTo(led);
      Answer late = after.get(30, java.util.concurrent.TimeUnit.SECONDS);
      assertThat(late.fromCache()).as("asked after the write: computed again").isFalse();
      assertThat(late.rows()).containsExactly(List.of("1001", "500500"));
    } finally {
      pool.shutdownNow();
    }
    assertThat(cache.stats().hits() - hitsBefore).isEqualTo(1);
    Answer next = query(reader, sql);
    assertThat(next.fromCache()).as("the leader's result was not kept (its table moved); the late one's was").isTrue();
    assertThat(next.rows()).containsExactly(List.of("1001", "500500"));
    assertThat(cache.waiting()).isZero();
  }

  @Test
  void followersTurnedAwayByAWriteWaitForOneNewComputationRatherThanEachRunningTheirOwn() throws Exception {
    String sql = "SELECT max(i) AS top FROM t";
    List<Session> followers = followers(3);
    query(reader, "SELECT 42");
    ResultStream leader = statements.openQuery(reader, statements.plan(reader, sql), List.of(), 100);
    var pool = java.util.concurrent.Executors.newFixedThreadPool(3);
    try {
      update(writer, "INSERT INTO t VALUES (5000, 'newest')");
      List<java.util.concurrent.Future<Answer>> answers = new ArrayList<>();
      for (Session follower : followers) {
        answers.add(pool.submit(() -> query(follower, sql)));
      }
      awaitWaiting(followers.size());
      try (leader) {
        assertThat(read(leader)).containsExactly(List.of("999"));
      }
      int computed = 0;
      for (var answer : answers) {
        Answer fresh = answer.get(30, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(fresh.rows()).containsExactly(List.of("5000"));
        computed += fresh.fromCache() ? 0 : 1;
      }
      assertThat(computed).as("one of them computes again, the others take its answer").isEqualTo(1);
    } finally {
      pool.shutdownNow();
    }
    assertThat(cache.waiting()).isZero();
  }

  @Test
  void aWriteToATableTheQueryDoesNotReadLeavesTheLeadersAnswerFreshForEveryFollower() throws Exception {
    String sql = "SELECT count(*) AS n FROM t";
    update(writer, "CREATE TABLE other(i INTEGER)");
    Session follower = followers(1).get(0);
    query(reader, "SELECT 42");
    ResultStream leader = statements.openQuery(reader, statements.plan(reader, sql), List.of(), 100);
    var pool = java.util.concurrent.Executors.newSingleThreadExecutor();
    try {
      update(writer, "INSERT INTO other VALUES (1)");
      var answer = pool.submit(() -> query(follower, sql));
      awaitWaiting(1);
      try (leader) {
        read(leader);
      }
      Answer shared = answer.get(30, java.util.concurrent.TimeUnit.SECONDS);
      assertThat(shared.fromCache()).isTrue();
      assertThat(shared.rows()).containsExactly(List.of("1000"));
    } finally {
      pool.shutdownNow();
    }
    assertThat(query(reader, sql).fromCache()).as("and it was kept").isTrue();
  }

  @Test
  void aWaitingFollowerIsCancelledAtOnceAndBoundedByItsQueryTimeout() throws Exception {
    String sql = "SELECT sum(i) FROM t";
    List<Session> followers = followers(2);
    query(reader, "SELECT 42");
    try (ResultStream leader = statements.openQuery(reader, statements.plan(reader, sql), List.of(), 100)) {
      Cancellation cancellation = new Cancellation();
      var pool = java.util.concurrent.Executors.newSingleThreadExecutor();
      try {
        Session first = followers.get(0);
        var cancelled = pool.submit(() -> statements.openQuery(first, statements.plan(first, sql), List.of(), 100,
            cancellation, true));
        awaitWaiting(1);
        cancellation.cancel();
        assertThat(org.assertj.core.api.Assertions.catchThrowable(
            () -> cancelled.get(5, java.util.concurrent.TimeUnit.SECONDS)))
            .hasCauseInstanceOf(EngineException.class).cause()
            .satisfies(e -> assertThat(((EngineException) e).kind()).isEqualTo(ErrorKind.CANCELLED));
      } finally {
        pool.shutdownNow();
      }
      Session bounded = followers.get(1);
      bounded.setQueryTimeout(java.time.Duration.ofMillis(300));
      Answer own = query(bounded, sql);
      assertThat(own.fromCache()).as("computed once its wait ran out, the leader still streaming").isFalse();
      assertThat(own.rows()).containsExactly(List.of("499500"));
      assertThat(cache.waiting()).isZero();
    }
  }

  /** Sessions whose cache scope is known (each ran a query), so that their misses can wait for another's. */
  private List<Session> followers(int count) {
    List<Session> followers = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Session follower = sessions.session("f" + i, new Principal("f" + i, Role.READER));
      query(follower, "SELECT 42");
      followers.add(follower);
    }
    return followers;
  }

  private void awaitWaiting(int count) throws InterruptedException {
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(30);
    while (cache.waiting() < count) {
      assertThat(System.nanoTime()).as("%d callers waiting", count).isLessThan(deadline);
      Thread.sleep(5);
    }
  }

  private StatementExecutor executor(AccessPolicy policy) {
    return new StatementExecutor(allocator, timeouts, new StatementQueue(LimitsConfig.DEFAULT, () -> false), policy,
        cache);
  }

  /** Counts the statements checked: each one DuckDB plans is checked first, a plan from the cache is not. */
  private static final class CountingPolicy implements AccessPolicy {
    int count;

    @Override
    public void checkStatement(Principal principal, StatementText text) {
      count++;
    }

    @Override
    public void checkWrite(Principal principal, String what) {}
  }

  private Answer query(StatementExecutor executor, Session session, String sql) {
    StatementPlan plan = executor.plan(session, sql);
    try (ResultStream stream = executor.openQuery(session, plan, List.of(), 100)) {
      return new Answer(read(stream), stream.fromCache());
    }
  }

  private Answer query(Session session, String sql) {
    StatementPlan plan = statements.plan(session, sql);
    try (ResultStream stream = statements.openQuery(session, plan, List.of(), 100)) {
      return new Answer(read(stream), stream.fromCache());
    }
  }

  private List<List<String>> rows(Session session, StatementPlan plan, List<Object> parameters) {
    try (ResultStream stream = statements.openQuery(session, plan, parameters, 100)) {
      return read(stream);
    }
  }

  private static List<List<String>> read(ResultStream stream) {
    List<List<String>> rows = new ArrayList<>();
    while (stream.next()) {
      for (int row = 0; row < stream.root().getRowCount(); row++) {
        List<String> values = new ArrayList<>();
        for (FieldVector vector : stream.root().getFieldVectors()) {
          values.add(String.valueOf(vector.getObject(row)));
        }
        rows.add(values);
      }
    }
    return rows;
  }

  private void update(Session session, String sql) {
    statements.executeUpdate(session, statements.plan(session, sql), List.of());
  }
}
