package dev.bridge.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bridge.config.DatabaseConfig;
import dev.bridge.config.LimitsConfig;
import dev.bridge.identity.Principal;
import dev.bridge.identity.Role;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The statement queue's order and bypasses, with sessions of a real (in-memory) DuckDB. */
class StatementQueueTest {
  private static final LimitsConfig ONE_AT_A_TIME = new LimitsConfig(null, null, 1, 0, Duration.ofSeconds(30));

  private DuckDbEngine engine;
  private final List<Session> sessions = new CopyOnWriteArrayList<>();

  @BeforeEach
  void open() {
    engine = DuckDbEngine.open(DatabaseConfig.DEFAULT.withPath(DatabaseConfig.IN_MEMORY));
  }

  @AfterEach
  void close() {
    sessions.forEach(Session::close);
    engine.close();
  }

  private Session session(String user) {
    Session session = new Session("s" + sessions.size(), new Principal(user, Role.READER), engine,
        () -> Duration.ofSeconds(1));
    sessions.add(session);
    return session;
  }

  /** Waits until {@code count} statements are queued. */
  private static void awaitQueued(StatementQueue queue, int count) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (queue.state().queued() < count && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertThat(queue.state().queued()).isEqualTo(count);
  }

  @Test
  void waitingStatementsAreServedInTurnAcrossUsersAndInOrderWithinOne() throws Exception {
    StatementQueue queue = new StatementQueue(ONE_AT_A_TIME, () -> false);
    StatementQueue.Permit first = queue.admit(session("holder"), () -> false);
    List<String> served = new CopyOnWriteArrayList<>();
    List<Thread> threads = new CopyOnWriteArrayList<>();
    // Alice queues three statements before Bob queues one: Bob is served second, not fourth.
    for (String name : List.of("alice-1", "alice-2", "alice-3", "bob-1")) {
      Session session = session(name.substring(0, name.indexOf('-')));
      Thread thread = new Thread(() -> {
        try (StatementQueue.Permit permit = queue.admit(session, () -> false)) {
          served.add(name);
        }
      });
      threads.add(thread);
      thread.start();
      awaitQueued(queue, threads.size());
    }
    assertThat(queue.waitingSessionIds()).hasSize(4);
    first.close();
    for (Thread thread : threads) {
      thread.join(10_000);
    }
    assertThat(served).containsExactly("alice-1", "bob-1", "alice-2", "alice-3");
    assertThat(queue.state().running()).isZero();
  }

  @Test
  void aSessionInATransactionOrHoldingAPlaceIsNeverQueued() {
    StatementQueue queue = new StatementQueue(ONE_AT_A_TIME, () -> false);
    Session reading = session("carol");
    try (StatementQueue.Permit stream = queue.admit(reading, () -> false);
         StatementQueue.Permit second = queue.admit(reading, () -> false)) {
      assertThat(stream.lane()).isEqualTo(StatementQueue.Lane.MAIN);
      assertThat(second.lane()).isEqualTo(StatementQueue.Lane.UNQUEUED);
      Session inTransaction = session("dave");
      try (UnitOfWork work = inTransaction.workOnOwnConnection(UnitOfWork.Mode.AUTO_COMMIT)) {
        work.beginSessionTransaction();
      }
      try (StatementQueue.Permit permit = queue.admit(inTransaction, () -> false)) {
        assertThat(permit.lane()).isEqualTo(StatementQueue.Lane.UNQUEUED);
      }
    }
    assertThat(queue.state().running()).isZero();
  }

  @Test
  void aSmallStatementTakesASmallPlaceWhenTheMainLaneIsFull() {
    StatementQueue queue = new StatementQueue(new LimitsConfig(null, null, 1, 1, Duration.ofMillis(200)), () -> false);
    try (StatementQueue.Permit big = queue.admit(session("erin"), () -> false);
         StatementQueue.Permit small = queue.admit(session("frank"), () -> true)) {
      assertThat(small.lane()).isEqualTo(StatementQueue.Lane.SMALL);
      assertThat(queue.state().runningSmall()).isEqualTo(1);
      // The one small place is taken: the next small statement waits like any other, and times out here.
      assertThatThrownBy(() -> queue.admit(session("gina"), () -> true))
          .isInstanceOfSatisfying(EngineException.class, e -> {
            assertThat(e.kind()).isEqualTo(ErrorKind.RESOURCE_EXHAUSTED);
            assertThat(e.getMessage()).contains("limits.max_running_statements", "limits.queue_timeout");
            assertThat(e.retryAfter()).contains(Duration.ofSeconds(1));
          });
    }
    assertThat(queue.state().queued()).isZero();
  }

  @Test
  void aWaiterWhoseClientIsGoneLeavesAndAPlaceFreedLaterGoesToTheNext() throws Exception {
    AtomicBoolean gone = new AtomicBoolean();
    StatementQueue queue = new StatementQueue(ONE_AT_A_TIME, gone::get);
    StatementQueue.Permit holder = queue.admit(session("hal"), () -> false);
    CountDownLatch left = new CountDownLatch(1);
    Thread waiter = new Thread(() -> {
      try {
        queue.admit(session("ivy"), () -> false).close();
      } catch (EngineException e) {
        if (e.kind() == ErrorKind.CANCELLED) {
          left.countDown();
        }
      }
    });
    waiter.start();
    awaitQueued(queue, 1);
    gone.set(true);
    assertThat(left.await(10, TimeUnit.SECONDS)).isTrue();
    assertThat(queue.state().queued()).isZero();
    gone.set(false);
    holder.close();
    try (StatementQueue.Permit next = queue.admit(session("jack"), () -> false)) {
      assertThat(next.lane()).isEqualTo(StatementQueue.Lane.MAIN);
    }
  }
}
