package dev.bridge.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.sql.FlightSqlClient;
import org.apache.arrow.flight.sql.FlightSqlClient.Transaction;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A transaction begun while the session's connection still streams a result (a client that has not finished reading
 * it, or whose stream the server has not yet released) must open on that connection once it is free, never on a
 * spare connection that is closed straight after: the statements that follow would then run outside any transaction
 * and a rollback would undo nothing.
 */
class TransactionWhileStreamingTest {
  @RegisterExtension
  static final TestServer server = TestServer.perClass();
  private BufferAllocator allocator;
  private FlightSqlClient client;

  @BeforeEach
  void connect() {
    allocator = new RootAllocator();
    client = server.flightSqlClient(allocator);
  }

  @AfterEach
  void disconnect() throws Exception {
    client.close();
    allocator.close();
  }

  @Test
  void beginTransactionWaitsForTheSessionsConnection() throws Exception {
    client.executeUpdate("CREATE TABLE streaming_flight_txn AS SELECT range AS id FROM range(10)");
    Transaction transaction = whileAResultStreams(() -> client.beginTransaction());
    assertThat(client.executeUpdate("DELETE FROM streaming_flight_txn", transaction)).isEqualTo(10);
    client.rollback(transaction);
    assertThat(count("streaming_flight_txn")).isEqualTo(10);
  }

  @Test
  void sqlBeginWaitsForTheSessionsConnection() throws Exception {
    client.executeUpdate("CREATE TABLE streaming_sql_txn AS SELECT range AS id FROM range(10)");
    whileAResultStreams(() -> client.executeUpdate("BEGIN TRANSACTION"));
    assertThat(client.executeUpdate("DELETE FROM streaming_sql_txn")).isEqualTo(10);
    client.executeUpdate("ROLLBACK");
    assertThat(count("streaming_sql_txn")).isEqualTo(10);
  }

  private interface Call<T> {
    T call();
  }

  /** Makes {@code call} while the session's connection streams a large result, then cancels that stream. */
  private <T> T whileAResultStreams(Call<T> call) throws Exception {
    FlightInfo large = client.execute("SELECT range AS n FROM range(50000000)");
    CompletableFuture<T> result;
    try (FlightStream stream = client.getStream(large.getEndpoints().get(0).getTicket())) {
      assertThat(stream.next()).isTrue();
      result = CompletableFuture.supplyAsync(call::call);
      // Give the call time to reach the server while the connection is held; it must wait for it.
      Thread.sleep(300);
      stream.cancel("the test has what it needs", null);
    }
    return result.get(30, TimeUnit.SECONDS);
  }

  private long count(String table) throws Exception {
    FlightInfo info = client.execute("SELECT count(*) FROM " + table);
    try (FlightStream stream = client.getStream(info.getEndpoints().get(0).getTicket())) {
      assertThat(stream.next()).isTrue();
      return ((Number) stream.getRoot().getVector(0).getObject(0)).longValue();
    }
  }
}
