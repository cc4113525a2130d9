package dev.bridge.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Arrays;
import java.util.List;
import org.duckdb.DuckDBConnection;
import org.duckdb.DuckDBPreparedStatement;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class TypedNullsTest {
  private static final TypedNull TIMESTAMP_NULL = new TypedNull("TIMESTAMP", "Timestamp(MICROSECOND, null)");

  private DuckDBConnection connection;
  private final TypedNulls typedNulls = new TypedNulls(8);

  @BeforeEach
  void connect() throws SQLException {
    connection = (DuckDBConnection) DriverManager.getConnection("jdbc:duckdb:");
    try (Statement statement = connection.createStatement()) {
      statement.execute("CREATE TABLE t (id INTEGER, seen TIMESTAMP)");
    }
  }

  @AfterEach
  void disconnect() throws SQLException {
    connection.close();
  }

  private String sqlFor(String sql, List<Object> parameters, long commandsRun) {
    TypedNulls.Rewrite rewrite = typedNulls.rewriteFor(connection, sql, parameters, commandsRun);
    assertThat(rewrite.throughExecute()).isFalse();
    return rewrite.sql();
  }

  /** The first column's DuckDB type and value when {@code sql} runs with these parameters. */
  private String typeAndValue(String sql, List<Object> parameters) throws SQLException {
    try (DuckDBPreparedStatement statement = connection.prepare(sql)) {
      ParameterBinder.bind(statement, parameters);
      try (ResultSet rs = statement.executeQuery()) {
        rs.next();
        return rs.getMetaData().getColumnTypeName(1) + " " + rs.getObject(1);
      }
    }
  }

  @Test
  void aTypedNullWhereDuckDbLeavesTheTypeOpenRunsCastToItsTypeKeepingTheAlias() throws SQLException {
    String sql = "SELECT ? + INTERVAL 1 DAY AS v";
    String rewritten = sqlFor(sql, List.of(TIMESTAMP_NULL), 0);

    assertThat(typeAndValue(rewritten, List.of(TIMESTAMP_NULL))).isEqualTo("TIMESTAMP null");
    try (DuckDBPreparedStatement statement = connection.prepare(rewritten)) {
      assertThat(statement.getMetaData().getColumnName(1)).isEqualTo("v");
    }
    assertThatThrownBy(() -> typeAndValue(sql, List.of(TIMESTAMP_NULL))).hasMessageContaining("type casts");
  }

  @Test
  void theRewriteIsMadeOncePerStatementAndNullTypesAndAgainAfterACommand() {
    String sql = "SELECT ? + INTERVAL 1 DAY AS v";
    String first = sqlFor(sql, List.of(TIMESTAMP_NULL), 0);

    assertThat(sqlFor(sql, List.of(TIMESTAMP_NULL), 0)).isSameAs(first);
    assertThat(sqlFor(sql, List.of(TIMESTAMP_NULL), 1)).isNotSameAs(first).isEqualTo(first);
    assertThat(sqlFor(sql, List.of(new TypedNull("DATE", "Date(DAY)")), 0))
        .isNotEqualTo(first);
  }

  @Test
  void onlyOpenPositionsAreCastAndOnlyForTypedNulls() throws SQLException {
    String sql = "SELECT count(*) FROM t WHERE id = ? AND seen < ? + INTERVAL 1 DAY";
    // The typed position takes the NULL as DuckDB types it there, whatever the client's column was.
    String rewritten = sqlFor(sql,
        Arrays.asList(new TypedNull("VARCHAR", "Utf8"), TIMESTAMP_NULL), 0);
    assertThat(typeAndValue(rewritten, Arrays.asList(null, null))).isEqualTo("BIGINT 0");

    assertThat(sqlFor(sql, Arrays.asList(1, java.time.LocalDateTime.of(2024, 1, 1, 0, 0)), 0))
        .isSameAs(sql);
    assertThat(sqlFor(sql, Arrays.asList(new TypedNull("VARCHAR", "Utf8"), null), 0))
        .isSameAs(sql);
  }

  @Test
  void aStatementDuckDbCannotSerializeRunsThroughExecuteWithTheOpenPositionsNullsCast() throws SQLException {
    String sql = "INSERT INTO t VALUES (?, ? + INTERVAL 1 DAY) RETURNING id, seen";
    List<Object> row = Arrays.asList(new TypedNull("INTEGER", "Int(32, true)"), TIMESTAMP_NULL);
    TypedNulls.Rewrite rewrite = typedNulls.rewriteFor(connection, sql, row, 0);

    // Position 1 is typed by its column: its NULL binds untyped, as usual.
    assertThat(rewrite.sql()).isSameAs(sql);
    assertThat(rewrite.executeCasts()).isEqualTo(java.util.Map.of(2, "TIMESTAMP"));
    assertThat(typedNulls.rewriteFor(connection, sql, row, 0)).isSameAs(rewrite);
    try (SqlPreparedStatement typed = SqlPreparedStatement.prepare(connection, sql);
         DuckDBPreparedStatement execution = typed.execution(row, rewrite.executeCasts());
         ResultSet rs = execution.executeQuery()) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getMetaData().getColumnTypeName(2)).isEqualTo("TIMESTAMP");
      assertThat(rs.getObject(1)).isNull();
      assertThat(rs.getObject(2)).isNull();
    }
  }

  @Test
  void aNullOfATypeDuckDbDoesNotHaveIsRefusedNamingTheParameterAndItsArrowType() {
    TypedNull unknown = new TypedNull("RunEndEncoded", "RunEndEncoded");
    for (String sql : List.of("SELECT ? + INTERVAL 1 DAY", "UPDATE t SET seen = ? + INTERVAL 1 DAY")) {
      assertThatThrownBy(() -> typedNulls.rewriteFor(connection, sql, List.of(unknown), 0))
          .isInstanceOf(EngineException.class)
          .hasMessage("parameter 1 is a NULL of Arrow type RunEndEncoded, which has no DuckDB type, in a position"
              + " where DuckDB needs one; bind it with another type or CAST it in SQL");
    }
  }

  @Test
  void aQueryWithATypedNullStaysCacheableAndItsKeyDependsOnTheNullsType() {
    // The NULL's type decides the result's type (`SELECT ?` answers a TIMESTAMP or a DATE column).
    assertThat(ResultCache.parameterKey(List.of(TIMESTAMP_NULL))).isPresent()
        .isEqualTo(ResultCache.parameterKey(List.of(new TypedNull("TIMESTAMP", "Timestamp(MICROSECOND, null)"))))
        .isNotEqualTo(ResultCache.parameterKey(List.of(new TypedNull("DATE", "Date(DAY)"))));
  }
}
