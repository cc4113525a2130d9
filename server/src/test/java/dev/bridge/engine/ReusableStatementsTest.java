package dev.bridge.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import org.duckdb.DuckDBConnection;
import org.duckdb.DuckDBPreparedStatement;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ReusableStatementsTest {
  private DuckDBConnection connection;

  @BeforeEach
  void connect() throws SQLException {
    connection = (DuckDBConnection) DriverManager.getConnection("jdbc:duckdb:");
  }

  @AfterEach
  void disconnect() throws SQLException {
    connection.close();
  }

  @Test
  void aKeptStatementIsTakenOnceAndRunsAgain() throws SQLException {
    ReusableStatements statements = new ReusableStatements(4);
    DuckDBPreparedStatement statement = connection.prepare("SELECT 42");
    statements.keep("SELECT 42", statement, 0);

    DuckDBPreparedStatement taken = statements.take("SELECT 42", 0).orElseThrow();
    assertThat(taken).isSameAs(statement);
    assertThat(statements.take("SELECT 42", 0)).isEmpty();
    try (ResultSet rs = taken.executeQuery()) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getInt(1)).isEqualTo(42);
    }
  }

  @Test
  void aStatementPreparedBeforeTheLastCommandIsClosedInsteadOfTaken() throws SQLException {
    ReusableStatements statements = new ReusableStatements(4);
    DuckDBPreparedStatement statement = connection.prepare("SELECT 1");
    statements.keep("SELECT 1", statement, 3);

    assertThat(statements.take("SELECT 1", 4)).isEmpty();
    assertThat(statement.isClosed()).isTrue();
    assertThat(statements.size()).isZero();
  }

  @Test
  void keepingBeyondTheCapacityClosesTheLeastRecentlyKept() throws SQLException {
    ReusableStatements statements = new ReusableStatements(2);
    DuckDBPreparedStatement first = connection.prepare("SELECT 1");
    DuckDBPreparedStatement second = connection.prepare("SELECT 2");
    DuckDBPreparedStatement third = connection.prepare("SELECT 3");
    statements.keep("SELECT 1", first, 0);
    statements.keep("SELECT 2", second, 0);
    statements.keep("SELECT 3", third, 0);

    assertThat(first.isClosed()).isTrue();
    assertThat(statements.size()).isEqualTo(2);
    assertThat(statements.take("SELECT 2", 0)).containsSame(second);
    assertThat(statements.take("SELECT 3", 0)).containsSame(third);
  }

  @Test
  void keepingTheSameSqlAgainClosesTheStatementItReplaces() throws SQLException {
    ReusableStatements statements = new ReusableStatements(4);
    DuckDBPreparedStatement older = connection.prepare("SELECT 1");
    DuckDBPreparedStatement newer = connection.prepare("SELECT 1");
    statements.keep("SELECT 1", older, 0);
    statements.keep("SELECT 1", newer, 0);

    assertThat(older.isClosed()).isTrue();
    assertThat(statements.take("SELECT 1", 0)).containsSame(newer);
  }

  @Test
  void aClosedStatementIsNeitherKeptNorTaken() throws SQLException {
    ReusableStatements statements = new ReusableStatements(4);
    DuckDBPreparedStatement statement = connection.prepare("SELECT 1");
    statement.close();
    statements.keep("SELECT 1", statement, 0);

    assertThat(statements.take("SELECT 1", 0)).isEmpty();
  }

  @Test
  void clearAndCloseCloseTheIdleStatementsAndCloseRefusesLaterOnes() throws SQLException {
    ReusableStatements statements = new ReusableStatements(4);
    DuckDBPreparedStatement cleared = connection.prepare("SELECT 1");
    statements.keep("SELECT 1", cleared, 0);
    statements.clear();
    assertThat(cleared.isClosed()).isTrue();

    DuckDBPreparedStatement idle = connection.prepare("SELECT 2");
    statements.keep("SELECT 2", idle, 0);
    statements.close();
    assertThat(idle.isClosed()).isTrue();

    DuckDBPreparedStatement late = connection.prepare("SELECT 3");
    statements.keep("SELECT 3", late, 0);
    assertThat(late.isClosed()).isTrue();
    assertThat(statements.size()).isZero();
  }

  @Test
  void noneKeepsNothing() throws SQLException {
    DuckDBPreparedStatement statement = connection.prepare("SELECT 1");
    ReusableStatements.NONE.keep("SELECT 1", statement, 0);

    assertThat(statement.isClosed()).isTrue();
    assertThat(ReusableStatements.NONE.take("SELECT 1", 0)).isEmpty();
  }
}
