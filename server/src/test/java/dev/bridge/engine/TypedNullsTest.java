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
    String rewritten = typedNulls.sqlFor(connection, sql, List.of(TIMESTAMP_NULL), 0);

    assertThat(typeAndValue(rewritten, List.of(TIMESTAMP_NULL))).isEqualTo("TIMESTAMP null");
    try (DuckDBPreparedStatement statement = connection.prepare(rewritten)) {
      assertThat(statement.getMetaData().getColumnName(1)).isEqualTo("v");
    }
    assertThatThrownBy(() -> typeAndValue(sql, List.of(TIMESTAMP_NULL))).hasMessageContaining("type casts");
  }

  @Test
  void theRewriteIsMadeOncePerStatementAndNullTypesAndAgainAfterACommand() {
    String sql = "SELECT ? + INTERVAL 1 DAY AS v";
    String first = typedNulls.sqlFor(connection, sql, List.of(TIMESTAMP_NULL), 0);

    assertThat(typedNulls.sqlFor(connection, sql, List.of(TIMESTAMP_NULL), 0)).isSameAs(first);
    assertThat(typedNulls.sqlFor(connection, sql, List.of(TIMESTAMP_NULL), 1)).isNotSameAs(first).isEqualTo(first);
    assertThat(typedNulls.sqlFor(connection, sql, List.of(new TypedNull("DATE", "Date(DAY)")), 0))
        .isNotEqualTo(first);
  }

  @Test
  void onlyOpenPositionsAreCastAndOnlyForTypedNulls() throws SQLException {
    String sql = "SELECT count(*) FROM t WHERE id = ? AND seen < ? + INTERVAL 1 DAY";
    // The typed position takes the NULL as DuckDB types it there, whatever the client's column was.
    String rewritten = typedNulls.sqlFor(connection, sql,
        Arrays.asList(new TypedNull("VARCHAR", "Utf8"), TIMESTAMP_NULL), 0);
    assertThat(typeAndValue(rewritten, Arrays.asList(null, null))).isEqualTo("BIGINT 0");

    assertThat(typedNulls.sqlFor(connection, sql, Arrays.asList(1, java.time.LocalDateTime.of(2024, 1, 1, 0, 0)), 0))
        .isSameAs(sql);
    assertThat(typedNulls.sqlFor(connection, sql, Arrays.asList(new TypedNull("VARCHAR", "Utf8"), null), 0))
        .isSameAs(sql);
  }

  @Test
  void aStatementDuckDbCannotSerializeRunsAsWritten() {
    String sql = "INSERT INTO t VALUES (1, ? + INTERVAL 1 DAY)";
    assertThat(typedNulls.sqlFor(connection, sql, List.of(TIMESTAMP_NULL), 0)).isSameAs(sql);
  }

  @Test
  void aNullOfATypeDuckDbDoesNotHaveIsRefusedNamingTheParameterAndItsArrowType() {
    TypedNull unknown = new TypedNull("RunEndEncoded", "RunEndEncoded");
    assertThatThrownBy(() -> typedNulls.sqlFor(connection, "SELECT ? + INTERVAL 1 DAY", List.of(unknown), 0))
        .isInstanceOf(EngineException.class)
        .hasMessage("parameter 1 is a NULL of Arrow type RunEndEncoded, which has no DuckDB type, in a position where"
            + " DuckDB needs one; bind it with another type or CAST it in SQL");
  }

  @Test
  void aQueryWithATypedNullStaysCacheableAndItsKeyDependsOnTheNullsType() {
    // The NULL's type decides the result's type (`SELECT ?` answers a TIMESTAMP or a DATE column).
    assertThat(ResultCache.parameterKey(List.of(TIMESTAMP_NULL))).isPresent()
        .isEqualTo(ResultCache.parameterKey(List.of(new TypedNull("TIMESTAMP", "Timestamp(MICROSECOND, null)"))))
        .isNotEqualTo(ResultCache.parameterKey(List.of(new TypedNull("DATE", "Date(DAY)"))));
  }
}
