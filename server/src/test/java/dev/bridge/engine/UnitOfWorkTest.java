package dev.bridge.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bridge.config.DatabaseConfig;
import dev.bridge.identity.Principal;
import dev.bridge.identity.Role;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.duckdb.DuckDBConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class UnitOfWorkTest {
  private static final Principal WRITER = new Principal("w", Role.WRITER);
  private static final Principal READER = new Principal("r", Role.READER);

  private DuckDbEngine engine;
  private final List<Session> sessions = new ArrayList<>();
  private TableName t;

  @BeforeEach
  void openDatabase() throws SQLException {
    engine = DuckDbEngine.open(DatabaseConfig.DEFAULT.withPath(DatabaseConfig.IN_MEMORY));
    try (DuckDBConnection connection = engine.connect(); Statement statement = connection.createStatement()) {
      statement.execute("CREATE TABLE t(i INTEGER)");
      try (ResultSet rs = statement.executeQuery("SELECT current_database()")) {
        rs.next();
        t = new TableName(rs.getString(1), "main", "t");
      }
    }
  }

  @AfterEach
  void closeDatabase() {
    sessions.forEach(Session::close);
    engine.close();
  }

  private Session session(Principal principal) {
    Session session = new Session("s" + sessions.size(), principal, engine, () -> Duration.ofMillis(50));
    sessions.add(session);
    return session;
  }

  @Test
  void anAtomicWorkCommitsItsOwnTransactionAndMovesTheVersionsOfWhatItWrote() throws SQLException {
    Session session = session(WRITER);
    long before = engine.dataVersions().version(t);
    try (UnitOfWork work = session.work(UnitOfWork.Mode.ATOMIC)) {
      execute(work.connection(), "INSERT INTO t VALUES (1)");
      work.wrote(Writes.of(t));
      assertThat(engine.dataVersions().version(t)).as("not before the commit").isEqualTo(before);
      work.commit();
    }
    assertThat(engine.dataVersions().version(t)).isGreaterThan(before);
    assertThat(count("t")).isEqualTo(1);
  }

  @Test
  void anAutoCommittedWriteIsInFlightFromBeforeDuckDbCommitsUntilItsVersionsMoved() throws SQLException {
    Session session = session(WRITER);
    DataVersions.Snapshot before = engine.dataVersions().snapshot(Set.of(t));
    try (UnitOfWork work = session.work(UnitOfWork.Mode.AUTO_COMMIT)) {
      StatementEffects insert = new StatementEffects(StatementEffects.TransactionEffect.NONE, Writes.of(t), false);
      work.running(insert);
      execute(work.connection(), "INSERT INTO t VALUES (1)");
      work.ran(insert);
      // DuckDB committed; the versions move when the work ends. In between the table counts as changed.
      assertThat(count("t")).isEqualTo(1);
      assertThat(engine.dataVersions().version(t)).isEqualTo(before.tables().get(t));
      assertThat(engine.dataVersions().unchangedSince(before)).isFalse();
    }
    assertThat(engine.dataVersions().unchangedSince(before)).isFalse();
    assertThat(engine.dataVersions().unchangedSince(engine.dataVersions().snapshot(Set.of(t)))).isTrue();
  }

  @Test
  void anAtomicCommitAndASessionCommitAreInFlightUntilTheirVersionsMoved() throws Exception {
    Session session = session(WRITER);
    List<Boolean> settledWhenMoved = new ArrayList<>();
    // Heard on the committing thread just after the versions moved: the commit must still be marked in flight.
    try (AutoCloseable listening = engine.dataVersions().listen(change -> settledWhenMoved.add(
        engine.dataVersions().unchangedSince(engine.dataVersions().snapshot(Set.of(t)))))) {
      try (UnitOfWork work = session.work(UnitOfWork.Mode.ATOMIC)) {
        execute(work.connection(), "INSERT INTO t VALUES (1)");
        work.wrote(Writes.of(t));
        work.commit();
      }
      try (UnitOfWork work = session.workOnOwnConnection(UnitOfWork.Mode.AUTO_COMMIT)) {
        work.beginSessionTransaction();
        execute(work.connection(), "INSERT INTO t VALUES (2)");
        work.wrote(Writes.of(t));
        work.endSessionTransaction(true);
      }
    }
    assertThat(settledWhenMoved).containsExactly(false, false);
    assertThat(engine.dataVersions().unchangedSince(engine.dataVersions().snapshot(Set.of(t)))).isTrue();
  }

  @Test
  void anAtomicWorkClosedWithoutCommitRollsBackAndMovesNothing() throws SQLException {
    Session session = session(WRITER);
    DataVersions.Snapshot before = engine.dataVersions().snapshot(Set.of(t));
    try (UnitOfWork work = session.work(UnitOfWork.Mode.ATOMIC)) {
      execute(work.connection(), "INSERT INTO t VALUES (1)");
      work.wrote(Writes.of(t));
    }
    assertThat(count("t")).isZero();
    assertThat(engine.dataVersions().unchangedSince(before)).isTrue();
  }

  @Test
  void aWorkInsideTheSessionsTransactionJoinsItAndItsWritesCountAtTheSessionsCommit() throws SQLException {
    Session session = session(WRITER);
    try (UnitOfWork work = session.workOnOwnConnection(UnitOfWork.Mode.AUTO_COMMIT)) {
      work.beginSessionTransaction();
    }
    assertThat(session.inTransaction()).isTrue();
    long before = engine.dataVersions().version(t);
    try (UnitOfWork work = session.work(UnitOfWork.Mode.ATOMIC)) {
      assertThat(work.inSessionTransaction()).isTrue();
      execute(work.connection(), "INSERT INTO t VALUES (1)");
      work.wrote(Writes.of(t));
      work.commit();
    }
    assertThat(count("t")).as("joined work does not commit the session's transaction").isZero();
    assertThat(engine.dataVersions().version(t)).isEqualTo(before);
    try (UnitOfWork work = session.workOnOwnConnection(UnitOfWork.Mode.AUTO_COMMIT)) {
      work.endSessionTransaction(true);
    }
    assertThat(session.inTransaction()).isFalse();
    assertThat(count("t")).isEqualTo(1);
    assertThat(engine.dataVersions().version(t)).isGreaterThan(before);
  }

  @Test
  void aRolledBackSessionTransactionMovesNoVersion() throws SQLException {
    Session session = session(WRITER);
    DataVersions.Snapshot before = engine.dataVersions().snapshot(Set.of(t));
    try (UnitOfWork work = session.workOnOwnConnection(UnitOfWork.Mode.AUTO_COMMIT)) {
      work.beginSessionTransaction();
      execute(work.connection(), "INSERT INTO t VALUES (1)");
      work.wrote(Writes.of(t));
      work.endSessionTransaction(false);
    }
    assertThat(count("t")).isZero();
    assertThat(engine.dataVersions().unchangedSince(before)).isTrue();
  }

  @Test
  void sqlBeginAndCommitAreSeenFromDuckDbsPlanOfTheStatement() throws SQLException {
    Session session = session(WRITER);
    long before = engine.dataVersions().version(t);
    runSql(session, "BEGIN TRANSACTION");
    assertThat(session.inTransaction()).isTrue();
    runSql(session, "INSERT INTO t VALUES (1)");
    assertThat(engine.dataVersions().version(t)).isEqualTo(before);
    runSql(session, "-- load\n/* step 2 */ COMMIT");
    assertThat(session.inTransaction()).isFalse();
    assertThat(engine.dataVersions().version(t)).isGreaterThan(before);
  }

  @Test
  void aTransactionDuckDbCannotDescribeIsAskedAboutAfterTheRun() throws SQLException {
    Session session = session(WRITER);
    try (UnitOfWork work = session.workOnOwnConnection(UnitOfWork.Mode.AUTO_COMMIT)) {
      execute(work.connection(), "BEGIN TRANSACTION");
      work.ran(new StatementEffects(StatementEffects.TransactionEffect.UNKNOWN, Writes.UNKNOWN, true));
    }
    assertThat(session.inTransaction()).isTrue();
    long epoch = engine.dataVersions().epoch();
    try (UnitOfWork work = session.workOnOwnConnection(UnitOfWork.Mode.AUTO_COMMIT)) {
      execute(work.connection(), "COMMIT");
      work.ran(new StatementEffects(StatementEffects.TransactionEffect.UNKNOWN, Writes.NONE, true));
    }
    assertThat(session.inTransaction()).isFalse();
    assertThat(engine.dataVersions().epoch()).as("unknown writes move the epoch at commit").isGreaterThan(epoch);
  }

  @Test
  void aReadersWorkRunsReadOnlySoDuckDbRefusesHiddenWrites() throws SQLException {
    Session session = session(READER);
    try (UnitOfWork work = session.work(UnitOfWork.Mode.READ_ONLY_FOR_READERS)) {
      assertThatThrownBy(() -> execute(work.connection(), "INSERT INTO t VALUES (1)"))
          .isInstanceOf(SQLException.class).hasMessageContaining("read-only");
    }
    assertThat(count("t")).isZero();
    try (UnitOfWork work = session.work(UnitOfWork.Mode.AUTO_COMMIT)) {
      assertThat(work.inSessionTransaction()).isFalse();
    }
  }

  @Test
  void aBusyConnectionGivesASpareOutsideATransactionAndWaitsInsideOne() throws SQLException {
    Session session = session(WRITER);
    try (UnitOfWork streaming = session.work(UnitOfWork.Mode.AUTO_COMMIT)) {
      try (UnitOfWork second = session.work(UnitOfWork.Mode.AUTO_COMMIT)) {
        assertThat(second.onOwnConnection()).isFalse();
        assertThat(second.connection()).isNotSameAs(streaming.connection());
      }
      assertThatThrownBy(() -> session.workOnOwnConnection(UnitOfWork.Mode.AUTO_COMMIT))
          .isInstanceOf(EngineException.class).hasMessageContaining("is busy");
      streaming.beginSessionTransaction();
      assertThatThrownBy(() -> session.work(UnitOfWork.Mode.AUTO_COMMIT))
          .isInstanceOf(EngineException.class).hasMessageContaining("open transaction");
      streaming.endSessionTransaction(false);
    }
  }

  @Test
  void aRolledBackProbeLeavesNothingBehindAndNeverTouchesTheSessionsTransaction() throws SQLException {
    Session session = session(WRITER);
    try (UnitOfWork work = session.workOnOwnConnection(UnitOfWork.Mode.AUTO_COMMIT)) {
      work.rolledBack(connection -> execute(connection, "INSERT INTO t VALUES (1)"));
      work.beginSessionTransaction();
      execute(work.connection(), "INSERT INTO t VALUES (2)");
      work.rolledBack(connection -> {
        assertThat(connection).isNotSameAs(work.connection());
        return execute(connection, "INSERT INTO t VALUES (3)");
      });
      work.endSessionTransaction(true);
    }
    assertThat(count("t")).isEqualTo(1);
  }

  @Test
  void aRerunAfterAReadersFailureEndsTheAbortedTransactionAndRunsReadOnlyAgain() throws SQLException {
    Session session = session(READER);
    try (UnitOfWork work = session.work(UnitOfWork.Mode.READ_ONLY_FOR_READERS)) {
      assertThatThrownBy(() -> execute(work.connection(), "SELECT error('first run')"))
          .isInstanceOf(SQLException.class);
      assertThatThrownBy(() -> work.rerunRolledBack(connection -> {
        assertThat(connection).isSameAs(work.connection());
        return execute(connection, "INSERT INTO t VALUES (1)");
      })).isInstanceOf(SQLException.class).hasMessageContaining("read-only");
    }
    assertThat(count("t")).isZero();
    try (UnitOfWork work = session.work(UnitOfWork.Mode.READ_ONLY_FOR_READERS)) {
      assertThat(execute(work.connection(), "SELECT 1")).as("the connection is out of every transaction").isTrue();
    }
  }

  @Test
  void aRerunInsideTheSessionsTransactionRunsElsewhereAndLeavesTheTransactionToTheClient() throws SQLException {
    Session session = session(WRITER);
    try (UnitOfWork work = session.workOnOwnConnection(UnitOfWork.Mode.AUTO_COMMIT)) {
      work.beginSessionTransaction();
      execute(work.connection(), "INSERT INTO t VALUES (1)");
      long seen = work.rerunRolledBack(connection -> {
        assertThat(connection).isNotSameAs(work.connection());
        execute(connection, "INSERT INTO t VALUES (2)");
        try (Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery("SELECT count(*) FROM t")) {
          rs.next();
          return rs.getLong(1);
        }
      });
      assertThat(seen).as("the rerun does not see the transaction's writes").isEqualTo(1);
      assertThat(session.inTransaction()).isTrue();
      work.endSessionTransaction(true);
    }
    assertThat(count("t")).as("the rerun's write was rolled back, the transaction's committed").isEqualTo(1);
  }

  @Test
  void aFailedCommitEndsTheTransactionWithoutMovingVersions() throws SQLException {
    Session session = session(WRITER);
    DataVersions.Snapshot before = engine.dataVersions().snapshot(Set.of(t));
    try (UnitOfWork work = session.workOnOwnConnection(UnitOfWork.Mode.AUTO_COMMIT)) {
      work.beginSessionTransaction();
      work.wrote(Writes.of(t));
      assertThatThrownBy(() -> execute(work.connection(), "SELECT error('boom')")).isInstanceOf(SQLException.class);
      work.failed(new StatementEffects(StatementEffects.TransactionEffect.COMMITS, Writes.NONE, false));
    }
    assertThat(session.inTransaction()).isFalse();
    assertThat(engine.dataVersions().unchangedSince(before)).isTrue();
  }

  /** Plans and runs SQL text as the executor does: effects from DuckDB's plan, then the run, then the note. */
  private static void runSql(Session session, String sql) throws SQLException {
    try (UnitOfWork work = session.workOnOwnConnection(UnitOfWork.Mode.AUTO_COMMIT)) {
      StatementEffects effects = StatementEffects.of(work.connection(), sql);
      execute(work.connection(), sql);
      work.ran(effects);
      work.commit();
    }
  }

  private long count(String table) throws SQLException {
    try (DuckDBConnection connection = engine.connect(); Statement statement = connection.createStatement();
         ResultSet rs = statement.executeQuery("SELECT count(*) FROM " + table)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  private static boolean execute(DuckDBConnection connection, String sql) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      return statement.execute(sql);
    }
  }
}
