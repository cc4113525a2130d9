package dev.bridge.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.ManagedChannel;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.flight.FlightGrpcUtils;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.sql.FlightSqlClient;
import org.apache.arrow.flight.sql.impl.FlightSql.SqlInfo;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.UInt4Vector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * CommandGetSqlInfo answered to what each client can read: a Java client as old as the JDBC drivers 15 to 17 (told
 * by the grpc-java version in its user agent) gets the two ingestion ids only when it lists them.
 */
class SqlInfoPerClientTest {
  @RegisterExtension
  static final TestServer server = TestServer.perClass();

  private static final int BULK_INGESTION = SqlInfo.FLIGHT_SQL_SERVER_BULK_INGESTION_VALUE;
  private static final int INGEST_TRANSACTIONS = SqlInfo.FLIGHT_SQL_SERVER_INGEST_TRANSACTIONS_SUPPORTED_VALUE;

  @Test
  void aClientAsOldAsJdbcDriver16AskingForEverythingGetsOnlyIdsItsEnumKnows() throws Exception {
    Set<Integer> ids = answeredIds("grpc-java-netty/1.63.0");
    assertThat(ids).contains(SqlInfo.FLIGHT_SQL_SERVER_NAME_VALUE, SqlInfo.FLIGHT_SQL_SERVER_CANCEL_VALUE,
        SqlInfo.SQL_KEYWORDS_VALUE, SqlInfo.SQL_TRANSACTIONS_SUPPORTED_VALUE);
    assertThat(ids).doesNotContain(BULK_INGESTION, INGEST_TRANSACTIONS);
  }

  @Test
  void anOldClientThatListsTheIngestionIdsGetsThem() throws Exception {
    assertThat(answeredIds("grpc-java-netty/1.60.0", SqlInfo.FLIGHT_SQL_SERVER_BULK_INGESTION,
        SqlInfo.FLIGHT_SQL_SERVER_INGEST_TRANSACTIONS_SUPPORTED)).containsExactlyInAnyOrder(BULK_INGESTION,
        INGEST_TRANSACTIONS);
  }

  @Test
  void aCurrentJavaClientAskingForEverythingGetsEveryId() throws Exception {
    assertThat(answeredIds(null)).contains(BULK_INGESTION, INGEST_TRANSACTIONS,
        SqlInfo.FLIGHT_SQL_SERVER_NAME_VALUE);
  }

  /** The ids answered to a client whose user agent starts with {@code userAgent} (grpc-java's own when null). */
  private static Set<Integer> answeredIds(String userAgent, SqlInfo... requested) throws Exception {
    NettyChannelBuilder builder = NettyChannelBuilder.forAddress("127.0.0.1", server.port()).usePlaintext();
    if (userAgent != null) {
      // grpc-java puts its own agent after this one; the server reads the first grpc-java version it finds.
      builder.userAgent(userAgent);
    }
    ManagedChannel channel = builder.build();
    Set<Integer> ids = new HashSet<>();
    try (BufferAllocator allocator = new RootAllocator();
         FlightSqlClient client = new FlightSqlClient(FlightGrpcUtils.createFlightClient(allocator, channel))) {
      FlightInfo info = client.getSqlInfo(requested);
      try (FlightStream stream = client.getStream(info.getEndpoints().get(0).getTicket())) {
        while (stream.next()) {
          UInt4Vector names = (UInt4Vector) stream.getRoot().getVector("info_name");
          for (int row = 0; row < stream.getRoot().getRowCount(); row++) {
            ids.add(names.get(row));
          }
        }
      }
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    return ids;
  }
}
