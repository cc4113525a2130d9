package dev.bridge.engine.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bridge.config.DatabaseConfig;
import dev.bridge.config.SessionConfig;
import dev.bridge.engine.EngineException;
import dev.bridge.engine.DuckDbEngine;
import dev.bridge.engine.Session;
import dev.bridge.engine.SessionManager;
import dev.bridge.engine.TableName;
import dev.bridge.engine.UnitOfWork;
import dev.bridge.identity.Principal;
import dev.bridge.identity.Role;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The one rule that turns a client's table path into a table, for reads and writes alike. */
class CatalogReaderTest {
  private final CatalogReader catalog = new CatalogReader();
  private DuckDbEngine engine;
  private SessionManager sessions;
  private Session session;

  @BeforeEach
  void open() {
    engine = DuckDbEngine.open(DatabaseConfig.DEFAULT.withPath(DatabaseConfig.IN_MEMORY));
    sessions = new SessionManager(engine, SessionConfig.DEFAULT);
    session = sessions.session("k", new Principal("w", Role.WRITER));
    run("CREATE SCHEMA a");
    run("CREATE SCHEMA b");
    run("CREATE TABLE main.here(i INTEGER)");
    run("CREATE TABLE a.here(i INTEGER)");
    run("CREATE TABLE a.only_a(i INTEGER)");
    run("CREATE TABLE a.twice(i INTEGER)");
    run("CREATE TABLE b.twice(i INTEGER)");
  }

  @AfterEach
  void close() {
    sessions.close();
    engine.close();
  }

  @Test
  void aOnePartPathPrefersTheCurrentSchemaThenTheOnlyTableOfThatNameThenWhereAWriteCreatesIt() {
    String db = session.currentSchema().catalog();
    assertThat(catalog.resolve(session, List.of("here"))).isEqualTo(new TableName(db, "main", "here"));
    assertThat(catalog.resolve(session, List.of("only_a"))).isEqualTo(new TableName(db, "a", "only_a"));
    assertThat(catalog.resolve(session, List.of("new_one"))).isEqualTo(new TableName(db, "main", "new_one"));
    assertThat(catalog.find(session, List.of("only_a"))).contains(new TableName(db, "a", "only_a"));
    assertThat(catalog.find(session, List.of("new_one"))).isEmpty();
  }

  @Test
  void twoAndThreePartPathsNameTheTableExactly() {
    String db = session.currentSchema().catalog();
    assertThat(catalog.resolve(session, List.of("b", "twice"))).isEqualTo(new TableName(db, "b", "twice"));
    assertThat(catalog.resolve(session, List.of(db, "a", "here"))).isEqualTo(new TableName(db, "a", "here"));
    assertThat(catalog.find(session, List.of("b", "here"))).isEmpty();
  }

  @Test
  void aOnePartNameInTwoOtherSchemasIsAmbiguous() {
    assertThatThrownBy(() -> catalog.resolve(session, List.of("twice")))
        .isInstanceOf(EngineException.class).hasMessageContaining("ambiguous")
        .hasMessageContaining("a.twice").hasMessageContaining("b.twice");
  }

  @Test
  void aPathOfNoneOrMoreThanThreePartsIsRefused() {
    assertThatThrownBy(() -> catalog.resolve(session, List.of()))
        .isInstanceOf(EngineException.class).hasMessageContaining("got 0 part(s)");
    assertThatThrownBy(() -> catalog.resolve(session, List.of("w", "x", "y", "z")))
        .isInstanceOf(EngineException.class).hasMessageContaining("got 4 part(s)");
  }

  @Test
  void describeMatchesNamesExactlyNotAsPatterns() {
    run("CREATE TABLE a.here_x(i INTEGER, s VARCHAR NOT NULL)");
    run("CREATE TABLE a.hereXx(i INTEGER)");
    List<TableDescription> tables = catalog.describe(session, null, "a", "here_x");
    assertThat(tables).hasSize(1);
    assertThat(tables.get(0).type()).isEqualTo("TABLE");
    assertThat(tables.get(0).columns()).extracting(ColumnInfo::name).containsExactly("i", "s");
    assertThat(tables.get(0).columns()).extracting(ColumnInfo::nullable).containsExactly(true, false);
  }

  private void run(String sql) {
    try (UnitOfWork work = session.work(UnitOfWork.Mode.AUTO_COMMIT);
         Statement statement = work.connection().createStatement()) {
      statement.execute(sql);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }
}
