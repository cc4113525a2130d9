package dev.bridge.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bridge.config.PartitionSetting;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.arrow.adbc.core.AdbcConnection;
import org.apache.arrow.adbc.core.AdbcDatabase;
import org.apache.arrow.adbc.core.AdbcStatement;
import org.apache.arrow.flight.CallOption;
import org.apache.arrow.flight.CancelFlightInfoRequest;
import org.apache.arrow.flight.FlightCallHeaders;
import org.apache.arrow.flight.FlightEndpoint;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStatusCode;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.HeaderCallOption;
import org.apache.arrow.flight.sql.FlightSqlClient;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * One query, several endpoints on one node: a union-safe query over a large table is split into partitions that
 * clients read in parallel (the JDBC driver with its thread pool, Arrow's FlightSqlClient one stream per endpoint,
 * Java ADBC one after another), and together they return exactly the one-endpoint answer.
 */
class PartitionsTest {
  private static final int PARTITIONS = 4;
  /** Nine row groups of DuckDB's 122,880 rows, less some: enough for four partitions of at least 100,000 rows. */
  private static final long ROWS = 1_000_000;

  @RegisterExtension
  static final TestServer server = TestServer.perClass(config -> config.withFlight(config.flight()
      .withPartitions(PartitionSetting.named(Integer.toString(PARTITIONS)), 100_000)));
  private static final RestClient rest = new RestClient(server);
  private static BufferAllocator allocator;
  private static FlightSqlClient client;

  private static final List<String> UNION_SAFE = List.of(
      "SELECT id, k, v FROM big",
      "SELECT id * 2 AS twice, upper(v) AS u FROM big AS b WHERE b.k = 3",
      "SELECT * FROM big WHERE k IN (1, 2) OR v LIKE 'v1%'",
      "SELECT CASE WHEN k > 3 THEN v END AS c, id FROM main.big WHERE id BETWEEN 1000 AND 900000");

  private static final List<String> NOT_UNION_SAFE = List.of(
      "SELECT count(*) FROM big", "SELECT k, sum(id) FROM big GROUP BY k",
      "SELECT id, row_number() OVER (ORDER BY id) FROM big", "SELECT DISTINCT k FROM big",
      "SELECT id FROM big ORDER BY id", "SELECT id FROM big LIMIT 500000", "SELECT id FROM big OFFSET 10",
      "SELECT id FROM big UNION ALL SELECT id FROM big", "SELECT id FROM big INTERSECT SELECT id FROM big",
      "SELECT big.id FROM big JOIN small ON big.k = small.k", "SELECT id, random() AS r FROM big",
      "SELECT id FROM big WHERE random() < 0.5", "SELECT id, now() AS t FROM big",
      "SELECT id FROM big WHERE id IN (SELECT k FROM small)");

  @BeforeAll
  static void createTables() throws Exception {
    allocator = new RootAllocator();
    client = server.flightSqlClient(allocator);
    client.executeUpdate("CREATE TABLE big AS SELECT range AS id, range % 7 AS k, 'v' || range AS v FROM range("
        + ROWS + ")");
    client.executeUpdate("CREATE TABLE small AS SELECT range AS k FROM range(7)");
  }

  @AfterAll
  static void close() throws Exception {
    client.close();
    allocator.close();
  }

  private static CallOption partitions(String value) {
    FlightCallHeaders headers = new FlightCallHeaders();
    headers.insert("x-bridge-partitions", value);
    return new HeaderCallOption(headers);
  }

  /** Every row of every endpoint of {@code info}, read at once (one thread per endpoint), as sorted text. */
  private static List<String> readAll(FlightInfo info) throws Exception {
    ExecutorService threads = Executors.newFixedThreadPool(info.getEndpoints().size());
    try {
      List<Future<List<String>>> parts = new ArrayList<>();
      for (FlightEndpoint endpoint : info.getEndpoints()) {
        parts.add(threads.submit(() -> {
          try (FlightStream stream = client.getStream(endpoint.getTicket())) {
            List<String> rows = new ArrayList<>();
            while (stream.next()) {
              rows.addAll(rows(stream.getRoot()));
            }
            return rows;
          }
        }));
      }
      List<String> rows = new ArrayList<>();
      for (Future<List<String>> part : parts) {
        rows.addAll(part.get());
      }
      Collections.sort(rows);
      return rows;
    } finally {
      threads.shutdown();
    }
  }

  private static List<String> rows(VectorSchemaRoot root) {
    List<String> rows = new ArrayList<>(root.getRowCount());
    for (int r = 0; r < root.getRowCount(); r++) {
      StringBuilder row = new StringBuilder();
      for (FieldVector vector : root.getFieldVectors()) {
        row.append(vector.getObject(r)).append('|');
      }
      rows.add(row.toString());
    }
    return rows;
  }

  /** The answer of one endpoint: the query asked with partitions off. */
  private static List<String> oneEndpoint(String sql) throws Exception {
    FlightInfo info = client.execute(sql, partitions("off"));
    assertThat(info.getEndpoints()).hasSize(1);
    return readAll(info);
  }

  @Test
  void aUnionSafeQueryGetsOneUnorderedEndpointPerPartitionAndTheirRowsAreTheOneEndpointAnswer() throws Exception {
    for (String sql : UNION_SAFE) {
      FlightInfo info = client.execute(sql);
      assertThat(info.getEndpoints()).as(sql).hasSize(PARTITIONS);
      assertThat(info.getOrdered()).as(sql).isFalse();
      assertThat(readAll(info)).as(sql).isEqualTo(oneEndpoint(sql));
    }
    assertThat(client.execute("SELECT id FROM big").getRecords()).isEqualTo(ROWS);
    assertThat(client.execute("SELECT id FROM big WHERE k = 1").getRecords()).as("unknown before it runs")
        .isEqualTo(-1);
  }

  @Test
  void everyShapeThatIsNotAPlainUnionGetsOneEndpoint() {
    for (String sql : NOT_UNION_SAFE) {
      assertThat(client.execute(sql).getEndpoints()).as(sql).hasSize(1);
    }
    assertThat(client.execute("SELECT k FROM small").getEndpoints()).as("a small input").hasSize(1);
  }

  @Test
  void theHeaderChoosesTheCountPerCall() {
    assertThat(client.execute("SELECT id FROM big", partitions("2")).getEndpoints()).hasSize(2);
    assertThat(client.execute("SELECT id FROM big", partitions("1")).getEndpoints()).hasSize(1);
    // auto is one per core, within the table's nine row groups.
    int cores = Runtime.getRuntime().availableProcessors();
    assertThat(client.execute("SELECT id FROM big", partitions("auto")).getEndpoints())
        .hasSize(cores < 2 ? 1 : Math.min(cores, 9));
  }

  @Test
  void aBadHeaderValueIsInvalidArgumentNamingTheHeader() throws Exception {
    for (String bad : List.of("many", "0", "-3", "257", "")) {
      assertThatThrownBy(() -> client.execute("SELECT id FROM big", partitions(bad)))
          .as(bad).isInstanceOfSatisfying(FlightRuntimeException.class, e -> {
            assertThat(e.status().code()).isEqualTo(FlightStatusCode.INVALID_ARGUMENT);
            assertThat(e.getMessage()).contains("x-bridge-partitions").contains("off, auto or a number from 1 to 256");
          });
    }
    assertThatThrownBy(() -> jdbcRows(server.jdbcUrl() + "&x-bridge-partitions=lots", "SELECT id FROM big"))
        .isInstanceOf(SQLException.class).hasStackTraceContaining("x-bridge-partitions");
  }

  @Test
  void aWriteBetweenPlanningAndAPartitionsFetchFailsThatPartitionWithAborted() throws Exception {
    client.executeUpdate("CREATE TABLE moving AS SELECT * FROM big");
    FlightInfo info = client.execute("SELECT id FROM moving");
    assertThat(info.getEndpoints()).hasSize(PARTITIONS);
    long first = 0;
    try (FlightStream stream = client.getStream(info.getEndpoints().get(0).getTicket())) {
      while (stream.next()) {
        first += stream.getRoot().getRowCount();
      }
    }
    assertThat(first).isPositive();
    client.executeUpdate("UPDATE moving SET id = -id WHERE id = 999999");
    assertThatThrownBy(() -> {
      try (FlightStream stream = client.getStream(info.getEndpoints().get(1).getTicket())) {
        while (stream.next()) {
          // The rows of a later snapshot must never arrive.
        }
      }
    })
        // The server answers ABORTED (test_partitions.py reads the gRPC code); Arrow Java's Flight client has no
        // such code.
        .isInstanceOf(FlightRuntimeException.class)
        .hasMessageContaining("the table memory.main.moving changed since the query was planned; run it again");
    assertThat(readAll(client.execute("SELECT id FROM moving"))).as("planned again, it runs").hasSize((int) ROWS);
  }

  @Test
  void theJdbcDriverReadsThePartitionsWithItsThreadPool() throws Exception {
    for (String sql : UNION_SAFE) {
      List<String> rows = jdbcRows(server.jdbcUrl() + "&threadPoolSize=4", sql);
      assertThat(rows).as(sql).isEqualTo(oneEndpoint(sql));
    }
  }

  @Test
  void javaAdbcReadsEveryPartition() throws Exception {
    try (BufferAllocator adbcAllocator = new RootAllocator();
         AdbcDatabase database = server.adbcDatabase(adbcAllocator);
         AdbcConnection connection = database.connect();
         AdbcStatement statement = connection.createStatement()) {
      String sql = UNION_SAFE.get(1);
      statement.setSqlQuery(sql);
      List<String> rows = new ArrayList<>();
      try (AdbcStatement.QueryResult result = statement.executeQuery()) {
        ArrowReader reader = result.getReader();
        while (reader.loadNextBatch()) {
          rows.addAll(rows(reader.getVectorSchemaRoot()));
        }
      }
      Collections.sort(rows);
      assertThat(rows).isEqualTo(oneEndpoint(sql));
    }
  }

  @Test
  void aCancelledPartitionReleasesEveryBufferAndTheQueryIsLoggedOnce() throws Exception {
    double before = queriesTotal("error") + queriesTotal("cancelled");
    FlightInfo info = client.execute("SELECT id, v FROM big", partitions("2"));
    try (FlightStream stream = client.getStream(info.getEndpoints().get(0).getTicket())) {
      assertThat(stream.next()).isTrue();
      stream.cancel("enough", null);
    }
    // The server may have sent the whole partition before the stream's cancel reached it (gRPC and Netty buffer
    // megabytes): the partition then ended well, and the query, whose other partition nobody fetches, would stay
    // open until that ticket expires. A client that gives up a query says so with CancelFlightInfo, which ends it
    // as cancelled in either order.
    client.cancelFlightInfo(new CancelFlightInfoRequest(info));
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (server.server().allocatedBytes() > 0 && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertThat(server.server().allocatedBytes()).isZero();
    // The server learns of the cancel on its own thread, and may release the buffers before it ends the query's
    // trace: wait for the outcome to be counted (a query never counted still fails below, after the deadline).
    while (queriesTotal("error") + queriesTotal("cancelled") - before < 1 && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }

    double ok = queriesTotal("ok");
    assertThat(readAll(client.execute("SELECT id FROM big", partitions("3")))).hasSize((int) ROWS);
    assertThat(queriesTotal("ok") - ok).as("three partitions, one query").isEqualTo(1);
    assertThat(queriesTotal("error") + queriesTotal("cancelled") - before).isEqualTo(1);
  }

  /** bridge_queries_total of Flight queries with this outcome. */
  private static double queriesTotal(String outcome) {
    return rest.counter("bridge_queries_total", "protocol=\"flight\"", "kind=\"query\"",
        "outcome=\"" + outcome + "\"");
  }

  private static List<String> jdbcRows(String url, String sql) throws SQLException {
    List<String> rows = new ArrayList<>();
    try (Connection connection = DriverManager.getConnection(url);
         Statement statement = connection.createStatement();
         ResultSet result = statement.executeQuery(sql)) {
      int columns = result.getMetaData().getColumnCount();
      while (result.next()) {
        StringBuilder row = new StringBuilder();
        for (int c = 1; c <= columns; c++) {
          row.append(result.getObject(c)).append('|');
        }
        rows.add(row.toString());
      }
    }
    Collections.sort(rows);
    return rows;
  }

}
