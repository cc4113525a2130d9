package dev.bridge.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.LocalDate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The Arrow Flight SQL JDBC driver (18.3.0, shaded, as BI tools load it) against Bridge. */
class JdbcQueryTest {
  @RegisterExtension
  static final TestServer server = TestServer.perClass();

  private static Connection connect() throws SQLException {
    return DriverManager.getConnection(server.jdbcUrl());
  }

  @Test
  void selectsRowsThroughThePreparedPath() throws SQLException {
    try (Connection connection = connect(); Statement statement = connection.createStatement();
         ResultSet rs = statement.executeQuery("SELECT range AS i, 'row ' || range AS label FROM range(3)")) {
      ResultSetMetaData metadata = rs.getMetaData();
      assertThat(metadata.getColumnCount()).isEqualTo(2);
      assertThat(metadata.getColumnName(1)).isEqualTo("i");
      assertThat(rs.next()).isTrue();
      assertThat(rs.getLong(1)).isZero();
      assertThat(rs.getString(2)).isEqualTo("row 0");
      assertThat(rs.next()).isTrue();
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString("label")).isEqualTo("row 2");
      assertThat(rs.next()).isFalse();
    }
  }

  @Test
  void runsDdlAndDmlExactlyOnce() throws SQLException {
    try (Connection connection = connect(); Statement statement = connection.createStatement()) {
      assertThat(statement.execute("CREATE TABLE jdbc_once(i INTEGER)")).isFalse();
      assertThat(statement.executeUpdate("INSERT INTO jdbc_once VALUES (1), (2), (3)")).isEqualTo(3);
      assertThat(statement.executeUpdate("UPDATE jdbc_once SET i = i * 10 WHERE i > 1")).isEqualTo(2);
      try (ResultSet rs = statement.executeQuery("SELECT count(*), sum(i) FROM jdbc_once")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getLong(1)).isEqualTo(3);
        assertThat(rs.getLong(2)).isEqualTo(51);
      }
    }
  }

  @Test
  void bindsParametersOfPreparedStatements() throws SQLException {
    try (Connection connection = connect()) {
      try (Statement statement = connection.createStatement()) {
        statement.execute("CREATE TABLE jdbc_params(id INTEGER, name VARCHAR, amount DECIMAL(18,2), day DATE)");
      }
      try (PreparedStatement insert = connection.prepareStatement("INSERT INTO jdbc_params VALUES (?, ?, ?, ?)")) {
        insert.setInt(1, 7);
        insert.setString(2, "seven");
        insert.setBigDecimal(3, new BigDecimal("12.34"));
        insert.setDate(4, java.sql.Date.valueOf(LocalDate.of(2024, 2, 29)));
        assertThat(insert.executeUpdate()).isEqualTo(1);
      }
      try (PreparedStatement query = connection.prepareStatement(
          "SELECT name, amount, day FROM jdbc_params WHERE id = ?")) {
        query.setInt(1, 7);
        try (ResultSet rs = query.executeQuery()) {
          assertThat(rs.next()).isTrue();
          assertThat(rs.getString(1)).isEqualTo("seven");
          assertThat(rs.getBigDecimal(2)).isEqualByComparingTo("12.34");
          assertThat(rs.getDate(3).toLocalDate()).isEqualTo(LocalDate.of(2024, 2, 29));
          assertThat(rs.next()).isFalse();
        }
      }
    }
  }

  @Test
  void executesBatchesOfParameterRows() throws SQLException {
    try (Connection connection = connect()) {
      try (Statement statement = connection.createStatement()) {
        statement.execute("CREATE TABLE jdbc_batch(id INTEGER)");
      }
      try (PreparedStatement insert = connection.prepareStatement("INSERT INTO jdbc_batch VALUES (?)")) {
        for (int i = 0; i < 5; i++) {
          insert.setInt(1, i);
          insert.addBatch();
        }
        int[] counts = insert.executeBatch();
        assertThat(counts).isNotEmpty();
      }
      try (Statement statement = connection.createStatement();
           ResultSet rs = statement.executeQuery("SELECT count(*) FROM jdbc_batch")) {
        rs.next();
        assertThat(rs.getLong(1)).isEqualTo(5);
      }
    }
  }

  @Test
  void readsEnumsAsTheirLabels() throws SQLException {
    try (Connection connection = connect(); Statement statement = connection.createStatement()) {
      statement.execute("CREATE TYPE jdbc_mood AS ENUM ('sad', 'ok', 'happy')");
      try (ResultSet rs = statement.executeQuery("SELECT 'happy'::jdbc_mood AS mood")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString(1)).isEqualTo("happy");
        assertThat(rs.getObject(1)).hasToString("happy");
      }
    }
  }

  @Test
  void reportsSyntaxErrorsWithDuckDbsMessage() throws SQLException {
    try (Connection connection = connect(); Statement statement = connection.createStatement()) {
      assertThatThrownBy(() -> statement.executeQuery("SELEC 1"))
          .isInstanceOf(SQLException.class)
          .hasMessageContaining("syntax error");
      assertThatThrownBy(() -> statement.executeQuery("SELECT * FROM no_such_table"))
          .hasMessageContaining("no_such_table");
      // The connection survives errors.
      try (ResultSet rs = statement.executeQuery("SELECT 1")) {
        assertThat(rs.next()).isTrue();
      }
    }
  }
}
