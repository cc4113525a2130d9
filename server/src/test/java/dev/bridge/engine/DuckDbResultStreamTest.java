package dev.bridge.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bridge.config.DatabaseConfig;
import dev.bridge.config.LimitsConfig;
import dev.bridge.config.SessionConfig;
import dev.bridge.identity.Principal;
import dev.bridge.identity.Role;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VarCharVector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * DuckDB's results as the doors read them, while DuckDB exports the next batches ahead on another thread: order,
 * every buffer released however the stream ends (its end, a close before the end, a cancel, a failure), and the
 * session's connection usable afterwards.
 */
class DuckDbResultStreamTest {
  private static final String ENDLESS = "SELECT range AS i, md5(range::VARCHAR) AS h FROM range(1000000000)";
  private BufferAllocator allocator;
  private DuckDbEngine engine;
  private SessionManager sessions;
  private QueryTimeouts timeouts;
  private StatementExecutor statements;
  private Session session;

  @BeforeEach
  void start() {
    allocator = new RootAllocator();
    engine = DuckDbEngine.open(DatabaseConfig.DEFAULT.withPath(DatabaseConfig.IN_MEMORY));
    sessions = new SessionManager(engine, SessionConfig.DEFAULT);
    timeouts = new QueryTimeouts(LimitsConfig.DEFAULT);
    statements = new StatementExecutor(allocator, timeouts, new StatementQueue(LimitsConfig.DEFAULT, () -> false),
        AccessPolicy.ALLOW_ALL);
    session = sessions.session("s", new Principal("s", Role.READER));
  }

  @AfterEach
  void stop() {
    sessions.close();
    timeouts.close();
    engine.close();
    allocator.close();
  }

  @Test
  void everyBatchArrivesInDuckDbsOrderWhileTheNextOnesAreExportedAhead() {
    long expected = 0;
    int batches = 0;
    try (ResultStream stream = open("SELECT i, 'v' || i AS s FROM range(300000) t(i) ORDER BY i", 1000)) {
      while (stream.next()) {
        batches++;
        BigIntVector ids = (BigIntVector) stream.root().getVector("i");
        VarCharVector texts = (VarCharVector) stream.root().getVector("s");
        for (int row = 0; row < stream.root().getRowCount(); row++, expected++) {
          assertThat(ids.get(row)).isEqualTo(expected);
          assertThat(texts.getObject(row).toString()).isEqualTo("v" + expected);
        }
      }
      assertThat(stream.rows()).isEqualTo(300_000);
    }
    assertThat(expected).isEqualTo(300_000);
    assertThat(batches).isGreaterThanOrEqualTo(300);
    assertThat(allocator.getAllocatedMemory()).isZero();
  }

  @Test
  void closingBeforeTheEndStopsTheExportAndReleasesEveryBufferAtOnce() {
    try (ResultStream stream = open(ENDLESS, 1000)) {
      for (int i = 0; i < 3; i++) {
        assertThat(stream.next()).isTrue();
      }
    }
    // close() waited for the batch being exported and released the ones read ahead: nothing is left, no waiting.
    assertThat(allocator.getAllocatedMemory()).isZero();
    assertThat(firstValue("SELECT 41 + 1")).isEqualTo(42L);
  }

  @Test
  void aCancelMidStreamEndsTheStreamAsCancelledAndReleasesEveryBuffer() {
    try (ResultStream stream = open(ENDLESS, 1000)) {
      assertThat(stream.next()).isTrue();
      stream.cancel();
      assertThatThrownBy(stream::next).isInstanceOf(EngineException.class)
          .satisfies(e -> assertThat(((EngineException) e).kind()).isEqualTo(ErrorKind.CANCELLED));
    }
    assertThat(allocator.getAllocatedMemory()).isZero();
    assertThat(firstValue("SELECT 7")).isEqualTo(7L);
  }

  @Test
  void aFailureWhileExportingArrivesAfterTheRowsBeforeItWithDuckDbsMessage() {
    long expected = 0;
    try (ResultStream stream = open(
        "SELECT CASE WHEN i = 5000000 THEN error('broken row ' || i) ELSE i END AS v FROM range(6000000) t(i)", 1000)) {
      assertThatThrownBy(() -> {
        while (stream.next()) {
          // Rows are checked below as they arrive; the failure ends the loop.
          for (int row = 0; row < stream.root().getRowCount(); row++) {
            assertThat(((BigIntVector) stream.root().getVector(0)).get(row)).isLessThan(5_000_000L);
          }
        }
      }).isInstanceOf(EngineException.class).hasMessageContaining("broken row 5000000");
      expected = stream.rows();
    }
    assertThat(expected).as("rows before the failing one arrived first").isGreaterThan(0).isLessThanOrEqualTo(5_000_000);
    assertThat(allocator.getAllocatedMemory()).isZero();
    assertThat(firstValue("SELECT 8")).isEqualTo(8L);
  }

  private ResultStream open(String sql, int batchRows) {
    return statements.openQuery(session, statements.plan(session, sql), List.of(), batchRows);
  }

  private Object firstValue(String sql) {
    try (ResultStream stream = open(sql, 100)) {
      assertThat(stream.next()).isTrue();
      Object value = stream.root().getVector(0).getObject(0);
      return value instanceof Integer i ? Long.valueOf(i) : value;
    }
  }
}
