package dev.bridge.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.adbc.core.AdbcConnection;
import org.apache.arrow.adbc.core.AdbcDatabase;
import org.apache.arrow.adbc.core.AdbcException;
import org.apache.arrow.adbc.core.AdbcStatement;
import org.apache.arrow.adbc.core.AdbcStatusCode;
import org.apache.arrow.flight.Action;
import org.apache.arrow.flight.CloseSessionRequest;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStatusCode;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.sql.FlightSqlClient;
import org.apache.arrow.flight.sql.FlightSqlClient.Transaction;
import org.apache.arrow.flight.sql.impl.FlightSql.ActionEndTransactionRequest;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Transactions through every client: SQL text ({@code BEGIN}, {@code COMMIT}, {@code ROLLBACK}) from the Flight SQL
 * JDBC driver, the only kind that driver can carry, and from ADBC Java, whose driver has no transaction methods;
 * BeginTransaction/EndTransaction from Arrow Java's FlightSqlClient. The session's unit of work keeps "a transaction
 * is open" for all of them (dev.bridge.engine.UnitOfWork).
 */
class TransactionsTest {
  @RegisterExtension
  static final TestServer server = TestServer.perClass();
  @RegisterExtension
  final FlightSqlClientFixture flightSql = FlightSqlClientFixture.perTest(server);

  // ---- The Flight SQL JDBC driver: transactions as SQL text --------------------------------------------------------

  /**
   * The 18.3 driver's {@code setAutoCommit(false)}, {@code commit()} and {@code rollback()} send nothing to the server
   * (its ArrowFlightMetaImpl.commit and rollback are empty), so a JDBC user's transaction is SQL text: it runs on the
   * session's connection and holds across statements.
   */
  @Test
  void sqlTransactionsCommitAndRollBack() throws SQLException {
    try (Connection writer = connect(); Connection reader = connect();
         Statement statement = writer.createStatement()) {
      statement.execute("CREATE TABLE jdbc_txn(id BIGINT)");
      statement.execute("BEGIN TRANSACTION");
      statement.executeUpdate("INSERT INTO jdbc_txn VALUES (1), (2)");
      assertThat(count(writer, "jdbc_txn")).isEqualTo(2);
      assertThat(count(reader, "jdbc_txn")).isZero();
      statement.execute("COMMIT");
      assertThat(count(reader, "jdbc_txn")).isEqualTo(2);
      statement.execute("BEGIN TRANSACTION");
      try (PreparedStatement insert = writer.prepareStatement("INSERT INTO jdbc_txn VALUES (?)")) {
        insert.setLong(1, 3);
        insert.addBatch();
        insert.setLong(1, 4);
        insert.addBatch();
        insert.executeBatch();
      }
      assertThat(count(writer, "jdbc_txn")).isEqualTo(4);
      statement.execute("ROLLBACK");
      assertThat(count(writer, "jdbc_txn")).isEqualTo(2);
      assertThat(count(reader, "jdbc_txn")).isEqualTo(2);
    }
  }

  /**
   * What DBeaver's manual-commit mode does: {@code setAutoCommit(false)}, a DELETE, {@code rollback()}. Driver 18.3.0
   * sends nothing for either call, so the DELETE is committed the moment it runs; the server therefore tells the
   * driver it has no transactions, and tools that ask (DBeaver, Tableau) stay in auto-commit instead of offering a
   * rollback that would undo nothing. If this test ever sees the rows come back, a driver started to send
   * commit/rollback and SqlInfos can announce JDBC transactions again.
   */
  @Test
  void theDriversOwnRollbackCannotUndoAnythingSoTheServerAnnouncesNoJdbcTransactions() throws SQLException {
    try (Connection connection = connect(); Statement statement = connection.createStatement()) {
      assertThat(connection.getMetaData().supportsTransactions()).isFalse();
      statement.execute("CREATE TABLE jdbc_driver_rollback(id BIGINT)");
      statement.executeUpdate("INSERT INTO jdbc_driver_rollback VALUES (1), (2), (3)");
      connection.setAutoCommit(false);
      statement.executeUpdate("DELETE FROM jdbc_driver_rollback");
      connection.rollback();
      connection.setAutoCommit(true);
      assertThat(count(connection, "jdbc_driver_rollback")).isZero();
    }
  }

  /**
   * Preparing a statement whose parameter DuckDB leaves open makes the server try candidate types, most of which
   * DuckDB refuses; inside a SQL transaction they run elsewhere, so the transaction keeps its writes and commits.
   */
  @Test
  void preparingAnOpenParameterInsideASqlTransactionKeepsItsWrites() throws SQLException {
    try (Connection writer = connect(); Connection reader = connect();
         Statement statement = writer.createStatement()) {
      statement.execute("CREATE TABLE jdbc_txn_open(id BIGINT, n BIGINT)");
      statement.execute("BEGIN TRANSACTION");
      statement.executeUpdate("INSERT INTO jdbc_txn_open VALUES (1, NULL)");
      try (PreparedStatement select = writer.prepareStatement("SELECT CAST(? + INTERVAL 1 DAY AS VARCHAR) AS v")) {
        select.setTimestamp(1, Timestamp.valueOf("2024-03-01 00:00:00"));
        try (ResultSet result = select.executeQuery()) {
          assertThat(result.next()).isTrue();
          assertThat(result.getString(1)).isEqualTo("2024-03-02 00:00:00");
        }
      }
      try (PreparedStatement update = writer.prepareStatement("UPDATE jdbc_txn_open SET n = ? + 1 WHERE id = 1")) {
        update.setDouble(1, 41);
        assertThat(update.executeUpdate()).isEqualTo(1);
      }
      statement.executeUpdate("INSERT INTO jdbc_txn_open VALUES (2, NULL)");
      assertThat(count(reader, "jdbc_txn_open")).isZero();
      statement.execute("COMMIT");
      assertThat(count(reader, "jdbc_txn_open")).isEqualTo(2);
      try (Statement read = reader.createStatement();
           ResultSet result = read.executeQuery("SELECT n FROM jdbc_txn_open WHERE id = 1")) {
        assertThat(result.next()).isTrue();
        assertThat(result.getLong(1)).isEqualTo(42);
      }
    }
  }

  /**
   * A failed statement inside a SQL transaction aborts it: the statements after it are refused with DuckDB's own
   * message until the client ends the transaction, and nothing the transaction wrote is applied, even by COMMIT.
   */
  @Test
  void aFailedStatementInsideASqlTransactionLeavesNothingApplied() throws SQLException {
    try (Connection writer = connect(); Connection reader = connect();
         Statement statement = writer.createStatement()) {
      statement.execute("CREATE TABLE jdbc_txn_failure(id BIGINT PRIMARY KEY)");
      statement.execute("BEGIN TRANSACTION");
      statement.executeUpdate("INSERT INTO jdbc_txn_failure VALUES (1), (2)");
      assertThatThrownBy(() -> statement.executeUpdate("INSERT INTO jdbc_txn_failure VALUES (2)"))
          .isInstanceOf(SQLException.class)
          .hasMessageContaining("Constraint Error").hasMessageContaining("duplicate key \"2\"");
      assertThatThrownBy(() -> statement.executeUpdate("INSERT INTO jdbc_txn_failure VALUES (3)"))
          .isInstanceOf(SQLException.class).hasMessageContaining("transaction is aborted");
      // DuckDB, like PostgreSQL, ends an aborted transaction on COMMIT by rolling it back.
      statement.execute("COMMIT");
      assertThat(count(reader, "jdbc_txn_failure")).isZero();
      // The session is out of the transaction: the next statement runs and commits on its own.
      statement.executeUpdate("INSERT INTO jdbc_txn_failure VALUES (7)");
      assertThat(count(reader, "jdbc_txn_failure")).isEqualTo(1);
    }
  }

  @Test
  void rollbackAfterAFailedStatementEndsTheTransaction() throws SQLException {
    try (Connection writer = connect(); Statement statement = writer.createStatement()) {
      statement.execute("CREATE TABLE jdbc_txn_rollback_failure(id INTEGER)");
      statement.execute("BEGIN TRANSACTION");
      statement.executeUpdate("INSERT INTO jdbc_txn_rollback_failure VALUES (1)");
      assertThatThrownBy(() -> statement.executeUpdate("INSERT INTO jdbc_txn_rollback_failure VALUES ('x')"))
          .isInstanceOf(SQLException.class).hasMessageContaining("Conversion Error");
      statement.execute("ROLLBACK");
      assertThat(count(writer, "jdbc_txn_rollback_failure")).isZero();
    }
  }

  /** A failed statement followed by ROLLBACK: the session is usable at once and nothing was applied. */
  /**
   * A client that goes away inside a SQL transaction: closing the connection ends its session, whose DuckDB
   * connection rolls the transaction back whole, and the rows it touched are free for others to write.
   */
  @Test
  void closingTheConnectionWithATransactionOpenRollsItBack() throws Exception {
    try (Connection other = connect(); Statement otherStatement = other.createStatement()) {
      otherStatement.execute("CREATE TABLE jdbc_txn_abandoned(id BIGINT PRIMARY KEY, v VARCHAR)");
      otherStatement.executeUpdate("INSERT INTO jdbc_txn_abandoned VALUES (1, 'kept')");
      Connection leaving = connect();
      try (Statement statement = leaving.createStatement()) {
        statement.execute("BEGIN TRANSACTION");
        statement.executeUpdate("INSERT INTO jdbc_txn_abandoned VALUES (2, 'half')");
        statement.executeUpdate("UPDATE jdbc_txn_abandoned SET v = 'changed' WHERE id = 1");
      }
      leaving.close();
      // The session closes as the driver's CloseSession (or the connection's end) arrives; allow it a moment.
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (true) {
        try {
          // Conflicts with the open transaction's update until it is rolled back.
          otherStatement.executeUpdate("UPDATE jdbc_txn_abandoned SET v = 'after' WHERE id = 1");
          break;
        } catch (SQLException conflict) {
          if (System.nanoTime() > deadline) {
            throw conflict;
          }
          Thread.sleep(100);
        }
      }
      assertThat(count(other, "jdbc_txn_abandoned")).isEqualTo(1);
      try (ResultSet rs = otherStatement.executeQuery("SELECT v FROM jdbc_txn_abandoned WHERE id = 1")) {
        rs.next();
        assertThat(rs.getString(1)).isEqualTo("after");
      }
    }
  }

  // ---- Arrow Java's FlightSqlClient: BeginTransaction/EndTransaction, and SQL text on the same session ---------------

  @Test
  void ingestInATransactionCommitsOrRollsBack() throws Exception {
    try (VectorSchemaRoot root = FlightSqlClientIngestTest.rows(flightSql.allocator(), 10, 0)) {
      Transaction committed = client().beginTransaction();
      assertThat(client().executeIngest(root, FlightSqlClientIngestTest.create("java_txn"), committed)).isEqualTo(10);
      assertThat(count("java_txn", committed)).isEqualTo(10);
      client().commit(committed);
      assertThat(count("java_txn", null)).isEqualTo(10);

      Transaction rolledBack = client().beginTransaction();
      client().executeIngest(root, FlightSqlClientIngestTest.append("java_txn"), rolledBack);
      assertThat(client().executeUpdate("DELETE FROM java_txn WHERE id < 5", rolledBack)).isEqualTo(10);
      client().rollback(rolledBack);
      assertThat(count("java_txn", null)).isEqualTo(10);

      assertThatThrownBy(() -> client().commit(rolledBack))
          .isInstanceOfSatisfying(FlightRuntimeException.class,
              e -> assertThat(e.status().code()).isEqualTo(FlightStatusCode.NOT_FOUND));
    }
  }

  @Test
  void savepointsAreUnimplemented() {
    Transaction transaction = client().beginTransaction();
    try {
      assertThatThrownBy(() -> client().beginSavepoint(transaction, "sp"))
          .isInstanceOfSatisfying(FlightRuntimeException.class, e -> {
            assertThat(e.status().code()).isEqualTo(FlightStatusCode.UNIMPLEMENTED);
            assertThat(e.getMessage()).contains("savepoints");
          });
    } finally {
      client().rollback(transaction);
    }
  }

  @Test
  void closingTheSessionRollsBackItsTransactionAndDropsItsPreparedStatements() {
    client().executeUpdate("CREATE TABLE IF NOT EXISTS ledger(x INTEGER)");
    FlightSqlClient.PreparedStatement prepared = client().prepare("SELECT count(*) FROM ledger");
    client().executeUpdate("BEGIN TRANSACTION");
    client().executeUpdate("INSERT INTO ledger VALUES (1), (2)");
    assertThat(firstValue("SELECT count(*)::VARCHAR FROM ledger")).isEqualTo("2");
    client().closeSession(new CloseSessionRequest());
    assertThat(firstValue("SELECT count(*)::VARCHAR FROM ledger")).isEqualTo("0");
    assertThatThrownBy(prepared::execute)
        .isInstanceOf(FlightRuntimeException.class)
        .hasMessageContaining("unknown prepared statement handle");
  }

  @Test
  void endTransactionWithoutCommitOrRollbackIsRefusedAndLeavesTheTransactionOpen() throws Exception {
    client().executeUpdate("CREATE TABLE end_unspecified(id INTEGER)");
    Transaction transaction = client().beginTransaction();
    client().executeUpdate("INSERT INTO end_unspecified VALUES (1)", transaction);
    ActionEndTransactionRequest request = ActionEndTransactionRequest.newBuilder()
        .setTransactionId(ByteString.copyFrom(transaction.getTransactionId()))
        .setAction(ActionEndTransactionRequest.EndTransaction.END_TRANSACTION_UNSPECIFIED).build();
    try (FlightClient flight = server.flightClient(flightSql.allocator())) {
      assertThatThrownBy(() -> flight.doAction(new Action("EndTransaction", Any.pack(request).toByteArray()))
          .hasNext())
          .isInstanceOfSatisfying(FlightRuntimeException.class, e -> {
            assertThat(e.status().code()).isEqualTo(FlightStatusCode.INVALID_ARGUMENT);
            assertThat(e.getMessage()).contains("EndTransaction needs action COMMIT or ROLLBACK");
          });
    }
    assertThat(count("end_unspecified", transaction)).isEqualTo(1);
    client().rollback(transaction);
    assertThat(count("end_unspecified", null)).isZero();
  }

  /**
   * A transaction begun while the session's connection still streams a result (a client that has not finished reading
   * it, or whose stream the server has not yet released) must open on that connection once it is free, never on a
   * spare connection that is closed straight after: the statements that follow would then run outside any transaction
   * and a rollback would undo nothing.
   */
  @Test
  void beginTransactionWaitsForTheSessionsConnection() throws Exception {
    client().executeUpdate("CREATE TABLE streaming_flight_txn AS SELECT range AS id FROM range(10)");
    Transaction transaction = whileAResultStreams(() -> client().beginTransaction());
    assertThat(client().executeUpdate("DELETE FROM streaming_flight_txn", transaction)).isEqualTo(10);
    client().rollback(transaction);
    assertThat(count("streaming_flight_txn", null)).isEqualTo(10);
  }

  @Test
  void sqlBeginWaitsForTheSessionsConnection() throws Exception {
    client().executeUpdate("CREATE TABLE streaming_sql_txn AS SELECT range AS id FROM range(10)");
    whileAResultStreams(() -> client().executeUpdate("BEGIN TRANSACTION"));
    assertThat(client().executeUpdate("DELETE FROM streaming_sql_txn")).isEqualTo(10);
    client().executeUpdate("ROLLBACK");
    assertThat(count("streaming_sql_txn", null)).isEqualTo(10);
  }

  // ---- The Java ADBC driver: its transaction methods are not implemented (0.20), so SQL text carries them ----------

  /**
   * ADBC Java's Flight SQL driver (0.20) refuses {@code setAutoCommit(false)} itself, without asking the server; its
   * users write transactions as SQL text, which hold across the connection's statements because they share one
   * session. If the driver ever implements the methods, this test fails at the first assertion and the class gains
   * an ADBC Begin/EndTransaction test.
   */
  @Test
  void adbcCarriesTransactionsAsSqlTextBecauseItsDriverHasNoTransactionMethods() throws Exception {
    try (BufferAllocator allocator = new RootAllocator(); AdbcDatabase database = server.adbcDatabase(allocator);
         AdbcConnection writer = database.connect(); AdbcConnection reader = database.connect()) {
      assertThatThrownBy(() -> writer.setAutoCommit(false))
          .isInstanceOfSatisfying(AdbcException.class,
              e -> assertThat(e.getStatus()).isEqualTo(AdbcStatusCode.NOT_IMPLEMENTED));
      update(writer, "CREATE TABLE adbc_txn(id BIGINT)");
      update(writer, "BEGIN TRANSACTION");
      update(writer, "INSERT INTO adbc_txn VALUES (1), (2)");
      assertThat(count(writer, "adbc_txn")).isEqualTo(2);
      assertThat(count(reader, "adbc_txn")).isZero();
      update(writer, "COMMIT");
      assertThat(count(reader, "adbc_txn")).isEqualTo(2);
      update(writer, "BEGIN TRANSACTION");
      update(writer, "DELETE FROM adbc_txn");
      assertThat(count(writer, "adbc_txn")).isZero();
      update(writer, "ROLLBACK");
      assertThat(count(writer, "adbc_txn")).isEqualTo(2);
      assertThat(count(reader, "adbc_txn")).isEqualTo(2);
    }
  }

  // ---- Helpers -------------------------------------------------------------------------------------------------------

  private static Connection connect() throws SQLException {
    return DriverManager.getConnection(server.jdbcUrl());
  }

  private static long count(Connection connection, String table) throws SQLException {
    return JdbcWriteTest.count(connection, table);
  }

  private FlightSqlClient client() {
    return flightSql.client();
  }

  private long count(String table, Transaction transaction) throws Exception {
    FlightInfo info = transaction == null ? client().execute("SELECT count(*) FROM " + table)
        : client().execute("SELECT count(*) FROM " + table, transaction);
    try (FlightStream stream = client().getStream(info.getEndpoints().get(0).getTicket())) {
      assertThat(stream.next()).isTrue();
      return ((BigIntVector) stream.getRoot().getVector(0)).get(0);
    }
  }

  private String firstValue(String sql) {
    return FirstColumn.of(client(), sql).get(0);
  }

  private interface Call<T> {
    T call();
  }

  /** Makes {@code call} while the session's connection streams a large result, then cancels that stream. */
  private <T> T whileAResultStreams(Call<T> call) throws Exception {
    FlightInfo large = client().execute("SELECT range AS n FROM range(50000000)");
    CompletableFuture<T> result;
    try (FlightStream stream = client().getStream(large.getEndpoints().get(0).getTicket())) {
      assertThat(stream.next()).isTrue();
      result = CompletableFuture.supplyAsync(call::call);
      // Give the call time to reach the server while the connection is held; it must wait for it.
      Thread.sleep(300);
      stream.cancel("the test has what it needs", null);
    }
    return result.get(30, TimeUnit.SECONDS);
  }

  private static void update(AdbcConnection connection, String sql) throws Exception {
    try (AdbcStatement statement = connection.createStatement()) {
      statement.setSqlQuery(sql);
      statement.executeUpdate();
    }
  }

  private static long count(AdbcConnection connection, String table) throws Exception {
    try (AdbcStatement statement = connection.createStatement()) {
      statement.setSqlQuery("SELECT count(*) FROM " + table);
      try (AdbcStatement.QueryResult result = statement.executeQuery()) {
        ArrowReader reader = result.getReader();
        assertThat(reader.loadNextBatch()).isTrue();
        return ((BigIntVector) reader.getVectorSchemaRoot().getVector(0)).get(0);
      }
    }
  }
}
