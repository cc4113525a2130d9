package dev.bridge.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bridge.config.DatabaseConfig;
import dev.bridge.config.LimitsConfig;
import dev.bridge.identity.Principal;
import dev.bridge.identity.Role;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.duckdb.DuckDBConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class StatementPlannerTest {
  private BufferAllocator allocator;
  private DuckDbEngine engine;
  private QueryTimeouts timeouts;
  private StatementPlanner planner;
  private Session writer;
  private Session reader;

  @BeforeEach
  void open() throws SQLException {
    allocator = new RootAllocator();
    engine = DuckDbEngine.open(DatabaseConfig.DEFAULT.withPath(DatabaseConfig.IN_MEMORY));
    timeouts = new QueryTimeouts(LimitsConfig.DEFAULT);
    planner = new StatementPlanner(allocator, timeouts);
    writer = new Session("w", new Principal("w", Role.WRITER), engine, () -> Duration.ofMillis(50));
    reader = new Session("r", new Principal("r", Role.READER), engine, () -> Duration.ofMillis(50));
    try (DuckDBConnection connection = engine.connect(); Statement statement = connection.createStatement()) {
      statement.execute("CREATE TABLE t(i INTEGER NOT NULL, s VARCHAR)");
    }
  }

  @AfterEach
  void close() {
    writer.close();
    reader.close();
    timeouts.close();
    engine.close();
    allocator.close();
  }

  private StatementPlan plan(Session session, String sql) {
    try (UnitOfWork work = session.work(UnitOfWork.Mode.AUTO_COMMIT)) {
      StatementEffects effects = session.principal().role().mayWrite()
          ? StatementEffects.of(new StatementText(work.connection(), sql)) : StatementEffects.NONE;
      return planner.plan(session, work, sql, effects, PlanCache.NONE, ReusableStatements.NONE);
    }
  }

  @Test
  void aQueryIsDescribedWithTheExactArrowSchemaItWillStream() {
    StatementPlan plan = plan(writer, "SELECT i, s FROM t WHERE i > ?");
    assertThat(plan.kind()).isEqualTo(StatementKind.QUERY);
    assertThat(plan.parameterTypes()).containsExactly("INTEGER");
    assertThat(plan.resultSchema().getFields()).extracting(field -> field.getName()).containsExactly("i", "s");
    assertThat(plan.resultSchema().getFields().get(0).getType()).isEqualTo(new ArrowType.Int(32, true));
    assertThat(plan.effects()).isEqualTo(StatementEffects.NONE);
  }

  @Test
  void updatesAndCommandsAreToldApartAndNameWhatTheyWrite() {
    StatementPlan insert = plan(writer, "INSERT INTO t VALUES (1, 'a')");
    assertThat(insert.kind()).isEqualTo(StatementKind.UPDATE);
    assertThat(insert.resultSchema()).isNull();
    assertThat(insert.effects().writes().tables()).extracting(TableName::name).containsExactly("t");
    assertThat(plan(writer, "CREATE TABLE u(i INTEGER)").kind()).isEqualTo(StatementKind.COMMAND);
  }

  @Test
  void aReadersPlanWritesNothing() {
    assertThat(plan(reader, "SELECT count(*) FROM t").effects()).isEqualTo(StatementEffects.NONE);
  }

  @Test
  void aStatementDescribedByARunLeavesNothingBehind() throws SQLException {
    StatementPlan plan = plan(writer, "INSERT INTO t VALUES (7, 'x') RETURNING i");
    assertThat(plan.kind()).isEqualTo(StatementKind.QUERY);
    assertThat(plan.resultSchema().getFields()).extracting(field -> field.getName()).containsExactly("i");
    assertThat(plan.effects().writes().tables()).extracting(TableName::name).containsExactly("t");
    try (DuckDBConnection connection = engine.connect(); Statement statement = connection.createStatement();
         ResultSet rs = statement.executeQuery("SELECT count(*) FROM t")) {
      rs.next();
      assertThat(rs.getLong(1)).as("planning ran the insert in a transaction it rolled back").isZero();
    }
  }

  @Test
  void anEmptyOrBrokenStatementIsRefusedWithDuckDbsReason() {
    assertThatThrownBy(() -> plan(writer, "  ")).isInstanceOfSatisfying(EngineException.class,
        e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_ARGUMENT)).hasMessageContaining("empty");
    assertThatThrownBy(() -> plan(writer, "SELECT * FROM missing_table")).isInstanceOf(EngineException.class)
        .hasMessageContaining("missing_table");
  }

  @Test
  void parametersThatFixTheResultTypeAreDescribedWithTheirValues() {
    StatementPlan plan = plan(writer, "SELECT ? AS v");
    try (UnitOfWork work = writer.work(UnitOfWork.Mode.AUTO_COMMIT)) {
      assertThat(planner.describe(writer, work, plan, List.of(5)).getFields().get(0).getName()).isEqualTo("v");
    }
  }
}
