package dev.bridge.engine.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bridge.engine.EngineException;
import dev.bridge.engine.ErrorKind;
import dev.bridge.engine.StatementKind;
import java.util.List;
import org.junit.jupiter.api.Test;

class SparkStatementsTest {
  @Test
  void queriesAndStatementsThatOnlyShowSomethingAreQueries() {
    for (String sql : List.of("SELECT 1", "select * from t where x > 1", "WITH a AS (SELECT 1) SELECT * FROM a",
        "(SELECT 1) UNION ALL (SELECT 2)", "VALUES (1), (2)", "SHOW TABLES", "SHOW DATABASES", "DESCRIBE TABLE t",
        "EXPLAIN SELECT 1", "FROM t SELECT x")) {
      assertThat(SparkStatements.parse(sql).kind()).as(sql).isEqualTo(StatementKind.QUERY);
    }
  }

  @Test
  void writesAreUpdatesAndEverythingElseIsACommand() {
    assertThat(SparkStatements.parse("INSERT INTO t SELECT 1").kind()).isEqualTo(StatementKind.UPDATE);
    for (String sql : List.of("CREATE TABLE t USING parquet AS SELECT 1 AS x", "CREATE TABLE t (x INT) USING parquet",
        "DROP TABLE IF EXISTS t", "USE db", "SET spark.sql.shuffle.partitions = 4", "CREATE DATABASE d",
        "CACHE TABLE t", "CREATE TEMPORARY VIEW v AS SELECT 1")) {
      assertThat(SparkStatements.parse(sql).kind()).as(sql).isEqualTo(StatementKind.COMMAND);
    }
  }

  @Test
  void theTablesAStatementReadsAreNamedWithTheirUnquotedParts() {
    assertThat(SparkStatements.parse("SELECT * FROM a.b.c JOIN `my db`.`t``x` ON true JOIN t2 ON true").tables())
        .containsExactly(List.of("a", "b", "c"), List.of("my db", "t`x"), List.of("t2"));
  }

  @Test
  void parameterMarkersAreReadInOrderWithTheTypeTheyAreCastTo() {
    assertThat(SparkStatements.parse("SELECT ? + 1, CAST(? AS INT), ?::date, CAST(? + 1 AS BIGINT), '?' AS q"
        + " FROM t WHERE x = ? LIMIT ?").markers()).containsExactly(
            new SparkStatements.Marker(null, null), new SparkStatements.Marker(null, "INT"),
            new SparkStatements.Marker(null, "date"), new SparkStatements.Marker(null, null),
            new SparkStatements.Marker(null, null), new SparkStatements.Marker(null, null));
    assertThat(SparkStatements.parse("SELECT :a, CAST(:b AS DECIMAL(10, 2)), :a + 1").markers()).containsExactly(
        new SparkStatements.Marker("a", null), new SparkStatements.Marker("b", "DECIMAL(10,2)"),
        new SparkStatements.Marker("a", null));
  }

  @Test
  void namedMarkersAreParametersOncePerNameAndDeclaredByTheirCast() {
    List<SparkStatements.Marker> parameters = SparkParameters.distinct(
        SparkStatements.parse("SELECT :low + 1, :who, CAST(:low AS SMALLINT)").markers());
    assertThat(parameters).extracting(SparkStatements.Marker::name).containsExactly("low", "who");
    assertThat(SparkParameters.declaredTypes(parameters)).containsExactly("SMALLINT", "VARCHAR");
    assertThat(SparkParameters.declaredTypes(SparkStatements.parse(
        "SELECT CAST(? AS DECIMAL(12,3)), ?::timestamp, ?::timestamp_ntz, ?::string, ?::binary, ?").markers()))
        .containsExactly("DECIMAL(12,3)", "TIMESTAMP WITH TIME ZONE", "TIMESTAMP", "VARCHAR", "BLOB", "VARCHAR");
  }

  @Test
  void aStatementSparksGrammarRejectsIsRefusedNamingWhere() {
    assertThatThrownBy(() -> SparkStatements.parse("SELEC 1"))
        .isInstanceOfSatisfying(EngineException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_ARGUMENT))
        .hasMessageStartingWith("Spark cannot parse the statement: ")
        .hasMessageContaining("line 1");
  }
}
