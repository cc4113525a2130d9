package dev.bridge.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Flight SQL JDBC driver writing: batched prepared INSERTs (its transactions, SQL text: TransactionsTest).
 */
class JdbcWriteTest {
  @RegisterExtension
  static final TestServer server = TestServer.perClass();

  private static Connection connect() throws SQLException {
    return DriverManager.getConnection(server.jdbcUrl());
  }

  /** {@code SELECT count(*)} of a table through the JDBC driver. */
  static long count(Connection connection, String table) throws SQLException {
    try (Statement statement = connection.createStatement();
         ResultSet rs = statement.executeQuery("SELECT count(*) FROM " + table)) {
      rs.next();
      return rs.getLong(1);
    }
  }

  @Test
  void executeBatchInsertsEveryRow() throws SQLException {
    try (Connection connection = connect()) {
      try (Statement statement = connection.createStatement()) {
        statement.execute("CREATE TABLE jdbc_batch(id BIGINT, name VARCHAR)");
      }
      try (PreparedStatement insert = connection.prepareStatement("INSERT INTO jdbc_batch VALUES (?, ?)")) {
        for (int i = 0; i < 1000; i++) {
          insert.setLong(1, i);
          insert.setString(2, "n" + i);
          insert.addBatch();
        }
        int[] counts = insert.executeBatch();
        // The driver sends the whole batch as one parameter batch and reports its total as one count.
        assertThat(IntStream.of(counts).sum()).isEqualTo(1000);
      }
      assertThat(count(connection, "jdbc_batch")).isEqualTo(1000);
    }
  }

}
