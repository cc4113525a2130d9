package dev.bridge.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bridge.config.DatabaseConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Set;
import org.duckdb.DuckDBConnection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What DuckDB's parse and plan of a query say its answer depends on, case by case. */
class QueryDependenciesTest {
  @TempDir
  static Path data;

  private DuckDbEngine engine;
  private DuckDBConnection connection;
  private Set<String> consistent;
  private String db;

  @BeforeEach
  void open() throws SQLException {
    engine = DuckDbEngine.open(DatabaseConfig.DEFAULT.withPath(DatabaseConfig.IN_MEMORY)
        .withDataDirectories(List.of(data.toString())));
    connection = engine.connect();
    run("CREATE TABLE t(a INTEGER, b VARCHAR)");
    run("CREATE SCHEMA s");
    run("CREATE TABLE s.u(a INTEGER)");
    run("CREATE VIEW v AS SELECT a FROM t WHERE a > 0");
    run("CREATE VIEW vv AS SELECT v.a FROM v JOIN s.u USING (a)");
    run("CREATE VIEW noisy AS SELECT a, random() AS r FROM t");
    run("CREATE SEQUENCE seq");
    run("CREATE TEMP TABLE scratch(a INTEGER)");
    run("CREATE MACRO twice(x) AS x * 2");
    run("SET VARIABLE threshold = 3");
    consistent = QueryDependencies.consistentFunctions(connection);
    try (var statement = connection.createStatement(); var rs = statement.executeQuery("SELECT current_database()")) {
      rs.next();
      db = rs.getString(1);
    }
  }

  @AfterEach
  void close() throws SQLException {
    connection.close();
    engine.close();
  }

  @Test
  void aQueryOfATableDependsOnThatTable() {
    assertThat(of("SELECT a, count(*) FROM t GROUP BY a ORDER BY a").tables()).containsExactly(table("main", "t"));
  }

  @Test
  void aViewDependsOnTheTablesUnderIt() {
    assertThat(of("SELECT * FROM vv").tables()).containsExactlyInAnyOrder(table("main", "t"), table("s", "u"));
  }

  @Test
  void subqueriesCtesAndJoinsAddTheirTables() {
    QueryDependencies dependencies = of("WITH x AS (SELECT a FROM s.u) SELECT * FROM t WHERE a IN (SELECT a FROM x)"
        + " AND EXISTS (SELECT 1 FROM v)");
    assertThat(dependencies.cacheable()).isTrue();
    assertThat(dependencies.tables()).containsExactlyInAnyOrder(table("main", "t"), table("s", "u"));
  }

  @Test
  void aQueryOfNoTableDependsOnNothing() {
    QueryDependencies dependencies = of("SELECT 1 + 2 AS three, 'x' || 'y', sum(i) FROM range(10) r(i)");
    assertThat(dependencies.cacheable()).isTrue();
    assertThat(dependencies.tables()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {
      "SELECT random()",
      "SELECT a FROM t ORDER BY random()",
      "SELECT now()",
      "SELECT current_timestamp",
      "SELECT current_date",
      "SELECT uuid()",
      "SELECT gen_random_uuid()",
      "SELECT nextval('seq')",
      "SELECT setseed(0.5)",
      "SELECT current_query()",
      "SELECT * FROM noisy",
      "SELECT getvariable('threshold')",
      "SELECT a FROM t WHERE a > getvariable('threshold')",
      "SELECT twice(a) FROM t",
      "SELECT * FROM scratch",
      "SELECT * FROM t JOIN scratch USING (a)",
      "SELECT * FROM t USING SAMPLE 10%",
      "SELECT * FROM t TABLESAMPLE 5 ROWS",
      "EXPLAIN ANALYZE SELECT * FROM t",
      "EXPLAIN SELECT * FROM t",
      "SELECT * FROM duckdb_tables()",
      "SELECT 1; SELECT 2",
      "INSERT INTO t VALUES (1, 'x') RETURNING a",
      "PRAGMA table_info('t')",
  })
  void isNeverCached(String sql) {
    QueryDependencies dependencies = of(sql);
    assertThat(dependencies.cacheable()).as(sql).isFalse();
    assertThat(dependencies.notCacheable()).isNotBlank();
  }

  @Test
  void aFileScanIsNotCachedForItsPlanCannotNameWhatItReads() throws Exception {
    Path file = data.resolve("x.parquet");
    Files.deleteIfExists(file);
    run("COPY (SELECT 1 AS a) TO '" + file + "' (FORMAT parquet)");
    run("CREATE VIEW files AS SELECT * FROM read_parquet(['" + file + "'])");
    assertThat(of("SELECT * FROM read_parquet(['" + file + "'])").cacheable()).isFalse();
    assertThat(of("SELECT * FROM files").cacheable()).isFalse();
  }

  @Test
  void aFileDatasetsViewIsReadFromTheParseWhenItsNameIsUnambiguous() throws Exception {
    Path file = data.resolve("y.parquet");
    Files.deleteIfExists(file);
    run("COPY (SELECT 1 AS a) TO '" + file + "' (FORMAT parquet)");
    run("CREATE SCHEMA files");
    run("CREATE VIEW files.trips AS SELECT * FROM read_parquet(['" + file + "'])");
    run("CREATE VIEW files.mine AS SELECT * FROM read_parquet(['" + file + "'])");
    TableName trips = table("files", "trips");
    java.util.function.Predicate<TableName> datasets = trips::equals;

    QueryDependencies direct = QueryDependencies.of(connection,
        "SELECT count(*) FROM files.trips JOIN t USING (a) WHERE a IN (SELECT a FROM s.u)", consistent, datasets);
    assertThat(direct.cacheable()).as(direct.notCacheable()).isTrue();
    assertThat(direct.tables()).containsExactlyInAnyOrder(trips, table("main", "t"), table("s", "u"));
    assertThat(direct.fileDatasets()).containsExactly(trips);
    QueryDependencies unqualified = QueryDependencies.of(connection,
        "WITH c AS (SELECT * FROM trips) SELECT * FROM c", consistent, datasets);
    assertThat(unqualified.fileDatasets()).as(unqualified.notCacheable()).containsExactly(trips);

    for (String refused : List.of(
        "SELECT * FROM files.mine",                                   // a view that is no dataset
        "SELECT * FROM files.trips, read_parquet(['" + file + "'])",  // a file read directly
        "SELECT * FROM files.trips, scratch",                         // a temporary table
        "SELECT * FROM files.trips, v",                               // a user's view
        "WITH t AS (SELECT 1 AS a) SELECT * FROM files.trips, t",     // a CTE name that also names a table
        "SELECT random() FROM files.trips")) {                        // a volatile function
      assertThat(QueryDependencies.of(connection, refused, consistent, datasets).cacheable()).as(refused).isFalse();
    }
    run("CREATE SCHEMA other");
    run("CREATE TABLE other.trips(a INTEGER)");
    assertThat(QueryDependencies.of(connection, "SELECT * FROM trips", consistent, datasets).cacheable())
        .as("trips now names two objects").isFalse();
    assertThat(QueryDependencies.of(connection, "SELECT * FROM files.trips", consistent, datasets).cacheable())
        .isTrue();
  }

  private QueryDependencies of(String sql) {
    return QueryDependencies.of(connection, sql, consistent);
  }

  private TableName table(String schema, String name) {
    return new TableName(db, schema, name);
  }

  private void run(String sql) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }
}
