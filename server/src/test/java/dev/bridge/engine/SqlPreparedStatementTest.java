package dev.bridge.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.duckdb.DuckDBConnection;
import org.duckdb.DuckDBPreparedStatement;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class SqlPreparedStatementTest {
  private static final String INSERT = "INSERT INTO t VALUES (?, ? + INTERVAL 1 DAY, ?, ?, ?, ?, octet_length(?))";
  /** The open positions of INSERT that take a NULL only typed. */
  private static final Map<Integer, String> CASTS = Map.of(2, "TIMESTAMP", 7, "BLOB");

  private DuckDBConnection connection;

  @BeforeEach
  void connect() throws SQLException {
    connection = (DuckDBConnection) DriverManager.getConnection("jdbc:duckdb:");
    run("CREATE TABLE t (id INTEGER, seen TIMESTAMP, b BLOB, d DECIMAL(38,10), tz TIMESTAMPTZ, s VARCHAR, n BIGINT)");
  }

  @AfterEach
  void disconnect() throws SQLException {
    connection.close();
  }

  private void run(String sql) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }

  private List<String> rows(String sql) throws SQLException {
    List<String> rows = new ArrayList<>();
    try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(sql)) {
      while (rs.next()) {
        StringBuilder row = new StringBuilder();
        for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) {
          row.append(i > 1 ? " | " : "").append(rs.getString(i));
        }
        rows.add(row.toString());
      }
    }
    return rows;
  }

  @Test
  void everyValueReachesTheStatementWithTheTypeAndContentsItsJdbcBindingGives() throws SQLException {
    List<Object> row = Arrays.asList("7", new TypedNull("TIMESTAMP", "Timestamp(MICROSECOND, null)"),
        new byte[] {0, (byte) 0xff, '\''}, new BigDecimal("1234567890123456789012345678.0123456789"),
        OffsetDateTime.of(2024, 1, 2, 3, 4, 5, 123_456_000, ZoneOffset.ofHours(2)), "it's '); DROP TABLE t; --",
        new TypedNull("BLOB", "Binary"));
    try (SqlPreparedStatement typed = SqlPreparedStatement.prepare(connection, INSERT)) {
      for (Object id : List.of("7", 8)) {
        List<Object> values = new ArrayList<>(row);
        values.set(0, id);
        try (DuckDBPreparedStatement execution = typed.execution(values, CASTS)) {
          assertThat(execution.executeLargeUpdate()).isEqualTo(1);
        }
      }
    }
    assertThat(rows("SELECT id, seen, b, d, tz, s, n FROM t ORDER BY id")).containsExactly(
        "7 | null | \\x00\\xFF\\x27 | 1234567890123456789012345678.0123456789 | 2024-01-02T01:04:05.123456Z"
            + " | it's '); DROP TABLE t; -- | null",
        "8 | null | \\x00\\xFF\\x27 | 1234567890123456789012345678.0123456789 | 2024-01-02T01:04:05.123456Z"
            + " | it's '); DROP TABLE t; -- | null");
  }

  @Test
  void closingLeavesNeitherThePreparedStatementNorTheValuesOnTheConnection() throws SQLException {
    try (SqlPreparedStatement typed = SqlPreparedStatement.prepare(connection, INSERT);
         DuckDBPreparedStatement execution = typed.execution(Arrays.asList(1, null, null, null,
             LocalDate.of(2024, 1, 1), "secret", null), CASTS)) {
      execution.executeLargeUpdate();
      assertThat(rows("SELECT count(*) FROM duckdb_prepared_statements() WHERE name = '__bridge_typed_nulls'")).containsExactly("1");
      assertThat(rows("SELECT count(*) FROM duckdb_variables() WHERE name = '__bridge_parameters'")).containsExactly("1");
    }
    assertThat(rows("SELECT count(*) FROM duckdb_prepared_statements() WHERE name = '__bridge_typed_nulls'")).containsExactly("0");
    assertThat(rows("SELECT count(*) FROM duckdb_variables() WHERE name = '__bridge_parameters'")).containsExactly("0");
  }

  @Test
  void aNullOfATypeThePositionCannotTakeFailsWithDuckDbsErrorAndIsCleanedUp() throws SQLException {
    try (SqlPreparedStatement typed = SqlPreparedStatement.prepare(connection, INSERT)) {
      assertThatThrownBy(() -> {
        try (DuckDBPreparedStatement execution = typed.execution(Arrays.asList(1, null, null, null, null, "x",
            null), Map.of(2, "VARCHAR", 7, "BLOB"))) {
          execution.executeLargeUpdate();
        }
      }).isInstanceOf(SQLException.class).hasMessageContaining("+(VARCHAR, INTERVAL)");
    }
    assertThat(rows("SELECT count(*) FROM duckdb_prepared_statements() WHERE name = '__bridge_typed_nulls'")).containsExactly("0");
    assertThat(rows("SELECT count(*) FROM duckdb_variables() WHERE name = '__bridge_parameters'")).containsExactly("0");
    assertThat(rows("SELECT count(*) FROM t")).containsExactly("0");
  }

  @Test
  void aTextOfSeveralStatementsIsRefusedBeforeItsLastStatementRuns() throws SQLException {
    assertThatThrownBy(() -> SqlPreparedStatement.prepare(connection,
        "INSERT INTO t (id) VALUES (1); INSERT INTO t (id, seen) VALUES (?, ? + INTERVAL 1 DAY)"))
        .isInstanceOf(EngineException.class)
        .hasMessage("a NULL parameter needs its type here, which Bridge gives it for a single statement only; this"
            + " text has several: send its statements one by one, or CAST the parameter in SQL");
    assertThat(rows("SELECT count(*) FROM t")).containsExactly("0");
    assertThat(rows("SELECT count(*) FROM duckdb_prepared_statements() WHERE name = '__bridge_typed_nulls'"))
        .containsExactly("0");
  }
}
