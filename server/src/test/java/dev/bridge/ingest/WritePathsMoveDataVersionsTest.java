package dev.bridge.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bridge.auth.StatementRoles;
import dev.bridge.config.DatabaseConfig;
import dev.bridge.config.LimitsConfig;
import dev.bridge.config.SessionConfig;
import dev.bridge.engine.DataVersions;
import dev.bridge.engine.DuckDbEngine;
import dev.bridge.engine.EngineException;
import dev.bridge.engine.QueryTimeouts;
import dev.bridge.engine.ResultStream;
import dev.bridge.engine.Session;
import dev.bridge.engine.SessionManager;
import dev.bridge.engine.StatementExecutor;
import dev.bridge.engine.StatementQueue;
import dev.bridge.engine.TableName;
import dev.bridge.engine.TransactionManager;
import dev.bridge.engine.catalog.CatalogReader;
import dev.bridge.identity.Principal;
import dev.bridge.identity.Role;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Every write path moves the data version of what it wrote once, at its commit, and never before. */
class WritePathsMoveDataVersionsTest {
  private BufferAllocator allocator;
  private DuckDbEngine engine;
  private SessionManager sessions;
  private QueryTimeouts timeouts;
  private StatementExecutor statements;
  private TransactionManager transactions;
  private ArrowIngest ingest;
  private Session session;
  private DataVersions versions;
  private TableName t;

  @BeforeEach
  void start() {
    allocator = new RootAllocator();
    engine = DuckDbEngine.open(DatabaseConfig.DEFAULT.withPath(DatabaseConfig.IN_MEMORY));
    sessions = new SessionManager(engine, SessionConfig.DEFAULT);
    timeouts = new QueryTimeouts(LimitsConfig.DEFAULT);
    statements = new StatementExecutor(allocator, timeouts,
        new StatementQueue(LimitsConfig.DEFAULT, () -> false), new StatementRoles());
    transactions = new TransactionManager(Duration.ofMinutes(5));
    ingest = new ArrowIngest(allocator, new StatementRoles(), new CatalogReader());
    session = sessions.session("k", new Principal("w", Role.WRITER));
    versions = engine.dataVersions();
    update("CREATE TABLE t(i INTEGER)");
    t = new TableName(query("SELECT current_database()"), "main", "t");
  }

  @AfterEach
  void stop() {
    transactions.close();
    sessions.close();
    timeouts.close();
    engine.close();
    allocator.close();
  }

  @Test
  void anUpdateMovesItsTablesVersion() {
    long before = versions.version(t);
    update("INSERT INTO t VALUES (1)");
    assertThat(versions.version(t)).isGreaterThan(before);
  }

  @Test
  void ddlMovesTheVersionOfTheTableItCreatesOrDrops() {
    update("CREATE TABLE fresh(i INTEGER)");
    TableName fresh = new TableName(t.catalog(), "main", "fresh");
    long created = versions.version(fresh);
    assertThat(created).isPositive();
    update("DROP TABLE fresh");
    assertThat(versions.version(fresh)).isGreaterThan(created);
  }

  @Test
  void sqlInATransactionMovesVersionsAtCommitOnly() {
    update("BEGIN TRANSACTION");
    long before = versions.version(t);
    update("INSERT INTO t VALUES (1)");
    assertThat(versions.version(t)).isEqualTo(before);
    update("COMMIT");
    assertThat(versions.version(t)).isGreaterThan(before);
  }

  @Test
  void aRolledBackTransactionMovesNothing() {
    String id = transactions.begin(session);
    DataVersions.Snapshot before = versions.snapshot(Set.of(t));
    update("INSERT INTO t VALUES (1)");
    transactions.end(session, id, false);
    assertThat(versions.unchangedSince(before)).isTrue();
  }

  @Test
  void anIngestMovesItsTargetsVersionAtItsCommitAndAJoinedOneAtTheSessionsCommit() throws Exception {
    long before = versions.version(t);
    assertThat(ingest.ingest(session, IngestTarget.table("t"), IngestMode.APPEND, batch(3))).isEqualTo(3);
    long afterOwn = versions.version(t);
    assertThat(afterOwn).isGreaterThan(before);
    String id = transactions.begin(session);
    ingest.ingest(session, IngestTarget.table("t"), IngestMode.APPEND, batch(2));
    assertThat(versions.version(t)).isEqualTo(afterOwn);
    transactions.end(session, id, true);
    assertThat(versions.version(t)).isGreaterThan(afterOwn);
  }

  @Test
  void attachDetachAndViewsMoveTheEpoch() {
    Session admin = sessions.session("admin", new Principal("a", Role.ADMIN));
    long epoch = versions.epoch();
    statements.executeUpdate(admin, statements.plan(admin, "ATTACH ':memory:' AS other"), List.of());
    assertThat(versions.epoch()).isGreaterThan(epoch);
    epoch = versions.epoch();
    statements.executeUpdate(admin, statements.plan(admin, "DETACH other"), List.of());
    assertThat(versions.epoch()).isGreaterThan(epoch);
    epoch = versions.epoch();
    update("CREATE VIEW v AS SELECT * FROM t");
    assertThat(versions.epoch()).isGreaterThan(epoch);
  }

  @Test
  void aFailedUpdateMovesNothing() {
    DataVersions.Snapshot before = versions.snapshot(Set.of(t));
    assertThatThrownBy(() -> update("INSERT INTO t VALUES ('not a number')")).isInstanceOf(EngineException.class);
    assertThat(versions.unchangedSince(before)).isTrue();
  }

  private void update(String sql) {
    statements.executeUpdate(session, statements.plan(session, sql), List.of());
  }

  private String query(String sql) {
    try (ResultStream stream = statements.openQuery(session, statements.plan(session, sql), List.of(), 10)) {
      stream.next();
      return stream.root().getVector(0).getObject(0).toString();
    }
  }

  /** A one-batch stream of {@code rows} INTEGER values. */
  private CountingReader batch(int rows) {
    return new CountingReader(new ArrowReader(allocator) {
      private boolean sent;

      @Override
      public boolean loadNextBatch() throws java.io.IOException {
        if (sent) {
          return false;
        }
        sent = true;
        VectorSchemaRoot root = getVectorSchemaRoot();
        IntVector column = (IntVector) root.getVector(0);
        column.allocateNew(rows);
        for (int i = 0; i < rows; i++) {
          column.set(i, i);
        }
        root.setRowCount(rows);
        return true;
      }

      @Override
      public long bytesRead() {
        return 0;
      }

      @Override
      protected void closeReadSource() {}

      @Override
      protected Schema readSchema() {
        return new Schema(List.of(org.apache.arrow.vector.types.pojo.Field.nullable("i",
            new org.apache.arrow.vector.types.pojo.ArrowType.Int(32, true))));
      }
    });
  }
}
