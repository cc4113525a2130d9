package dev.bridge.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bridge.config.BridgeConfig;
import dev.bridge.config.ClusterConfig;
import dev.bridge.config.DatasetConfig;
import dev.bridge.config.PartitionSetting;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.adbc.core.AdbcConnection;
import org.apache.arrow.adbc.core.AdbcDatabase;
import org.apache.arrow.adbc.core.AdbcStatement;
import org.apache.arrow.adbc.driver.flightsql.FlightSqlDriver;
import org.apache.arrow.flight.CallHeaders;
import org.apache.arrow.flight.CallOption;
import org.apache.arrow.flight.FlightCallHeaders;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.HeaderCallOption;
import org.apache.arrow.flight.sql.FlightSqlClient;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A coordinator and three workers (and a single node for the reference answers) over the same hive-partitioned
 * Parquet files, through the Flight SQL JDBC driver and Java ADBC: the clients follow the endpoint's location to a
 * worker (the workers' sent-rows counters move, the coordinator's do not), and the answers equal the single node's.
 * The process-level cases (workers killed, forged and expired tickets, TLS) are in test_cluster.py and
 * ClusterTlsTest.
 */
class ClusterTest {
  private static final String KEY = "java-cluster-test-ticket-key-0123456789";
  private static final String AGGREGATE = "SELECT year, count(*) AS n, sum(fare) AS total FROM files.trips "
      + "GROUP BY year ORDER BY year";
  private static final String SCAN = "SELECT id, fare, year FROM files.trips WHERE fare > 10 ORDER BY id";
  private static final String UNORDERED_SCAN = "SELECT id, fare, year FROM files.trips WHERE fare > 10";
  /** A scan of the dataset of one file, which has fewer files than workers: it splits into runs of row groups. */
  private static final String ONE_FILE_SCAN = "SELECT id, fare FROM files.journal WHERE fare > 10";

  @TempDir
  static Path data;
  private static final List<TestServer> workers = new ArrayList<>();
  private static TestServer coordinator;
  private static TestServer single;

  @BeforeAll
  static void startCluster() throws Exception {
    try (DataFiles files = new DataFiles(data)) {
      for (int year = 2021; year <= 2023; year++) {
        for (int month = 1; month <= 2; month++) {
          files.parquet("trips/year=" + year + "/month=" + month + "/part.parquet", "SELECT range + "
              + (year * 100 + month) * 100_000L + " AS id, (range % 64) / 2.0 AS fare FROM range(20000)");
        }
      }
      // 120,000 rows in 12 row groups, outside the trips dataset's pattern.
      files.write("journal/all.parquet", "SELECT range AS id, (range % 64) / 2.0 AS fare FROM range(120000)",
          "FORMAT parquet, ROW_GROUP_SIZE 10000");
    }
    for (int i = 0; i < 3; i++) {
      workers.add(TestServer.start(config -> withTrips(config).withCluster(ClusterConfig.worker(KEY))));
    }
    List<String> locations = workers.stream().map(TestServer::grpcUri).toList();
    // Slices of at least 10,000 rows: the 120,000 rows of the six files split over the three workers.
    coordinator = TestServer.start(config -> withTrips(config).withCluster(ClusterConfig.coordinator(locations, KEY))
        .withFlight(config.flight().withPartitions(PartitionSetting.OFF, 10_000)));
    single = TestServer.start(ClusterTest::withTrips);
    awaitPlacement();
  }

  @AfterAll
  static void stopCluster() {
    for (TestServer server : List.of(coordinator, single)) {
      server.close();
    }
    workers.forEach(TestServer::close);
  }

  private static BridgeConfig withTrips(BridgeConfig config) {
    DatasetConfig trips = new DatasetConfig("trips", List.of("trips/**/*.parquet"), null, true, null, null);
    DatasetConfig journal = new DatasetConfig("journal", List.of("journal/*.parquet"), null, false, null, null);
    return DatasetsTest.withDatasets(config, data, List.of(trips, journal));
  }

  /** Waits until the coordinator has seen a worker live: a query's endpoint then names a worker. */
  private static void awaitPlacement() throws Exception {
    long deadline = System.nanoTime() + 30_000_000_000L;
    try (BufferAllocator allocator = new RootAllocator(); FlightSqlClient client = coordinator.flightSqlClient(allocator)) {
      while (client.execute(AGGREGATE).getEndpoints().get(0).getLocations().isEmpty()) {
        assertThat(System.nanoTime()).as("a worker became live").isLessThan(deadline);
        Thread.sleep(100);
      }
    }
  }

  @Test
  void theFlightInfoOfADatasetQueryNamesAWorkerAndOfAConstantQueryToo() throws Exception {
    List<String> locations = workers.stream().map(TestServer::grpcUri).toList();
    try (BufferAllocator allocator = new RootAllocator(); FlightSqlClient client = coordinator.flightSqlClient(allocator)) {
      FlightInfo info = client.execute(AGGREGATE);
      assertThat(info.getEndpoints()).hasSize(1);
      assertThat(locations).contains(info.getEndpoints().get(0).getLocations().get(0).getUri().toString());
    }
  }

  @Test
  void theJdbcDriverFollowsTheEndpointToAWorkerAndGetsTheSingleNodeAnswer() throws Exception {
    for (String sql : List.of(AGGREGATE, SCAN)) {
      double workerRowsBefore = workerRowsSent();
      double coordinatorRowsBefore = rowsSent(coordinator);
      List<List<Object>> clustered = jdbc(coordinator.jdbcUrl() + "&threadPoolSize=4", sql);
      assertThat(clustered).isEqualTo(jdbc(single.jdbcUrl(), sql)).isNotEmpty();
      assertThat(workerRowsSent() - workerRowsBefore).isEqualTo(clustered.size());
      assertThat(rowsSent(coordinator)).isEqualTo(coordinatorRowsBefore);
    }
  }

  @Test
  void theJdbcDriverInProxyModeReadsEverythingThroughTheCoordinator() throws Exception {
    double workerRowsBefore = workerRowsSent();
    List<List<Object>> proxied = jdbc(coordinator.jdbcUrl() + "&x-bridge-proxy=true", SCAN);
    assertThat(proxied).isEqualTo(jdbc(single.jdbcUrl(), SCAN));
    // The worker streamed the rows to the coordinator, which relayed them.
    assertThat(workerRowsSent() - workerRowsBefore).isEqualTo(proxied.size());
  }

  @Test
  void javaAdbcFollowsTheEndpointToAWorkerAndGetsTheSingleNodeAnswer() throws Exception {
    double workerRowsBefore = workerRowsSent();
    List<List<Object>> clustered = adbc(coordinator, Map.of(), SCAN);
    assertThat(clustered).isEqualTo(adbc(single, Map.of(), SCAN)).isNotEmpty();
    assertThat(workerRowsSent() - workerRowsBefore).isEqualTo(clustered.size());
  }

  @Test
  void javaAdbcInProxyModeGetsTheSameAnswer() throws Exception {
    assertThat(adbc(coordinator, Map.of("adbc.flight.sql.rpc.call_header.x-bridge-proxy", "true"), AGGREGATE))
        .isEqualTo(adbc(single, Map.of(), AGGREGATE));
  }

  @Test
  void aUnionSafeScanIsSplitIntoOneSliceOnEachWorkerWithTheSingleNodeRows() throws Exception {
    List<String> locations = workers.stream().map(TestServer::grpcUri).toList();
    try (BufferAllocator allocator = new RootAllocator(); FlightSqlClient client = coordinator.flightSqlClient(allocator)) {
      FlightInfo info = client.execute(UNORDERED_SCAN, partitions("auto"));
      List<String> placed = info.getEndpoints().stream()
          .map(endpoint -> endpoint.getLocations().get(0).getUri().toString()).toList();
      assertThat(placed).hasSize(3).doesNotHaveDuplicates();
      assertThat(locations).containsAll(placed);
      assertThat(info.getOrdered()).isFalse();
      // A prepared statement (how the JDBC driver and ADBC run every query) is split the same way.
      try (FlightSqlClient.PreparedStatement prepared = client.prepare(UNORDERED_SCAN, partitions("auto"))) {
        List<String> preparedPlaced = prepared.execute(partitions("auto")).getEndpoints().stream()
            .map(endpoint -> endpoint.getLocations().get(0).getUri().toString()).toList();
        assertThat(preparedPlaced).hasSize(3).doesNotHaveDuplicates();
      }
      // Shapes whose result is not a union of per-file results run whole on one worker.
      for (String sql : List.of(AGGREGATE, SCAN, UNORDERED_SCAN + " LIMIT 5", "SELECT DISTINCT year FROM files.trips")) {
        FlightInfo whole = client.execute(sql, partitions("auto"));
        assertThat(whole.getEndpoints()).as(sql).hasSize(1);
        assertThat(locations).contains(whole.getEndpoints().get(0).getLocations().get(0).getUri().toString());
      }
    }
  }

  @Test
  void theJdbcDriverReadsTheSlicesFromTheWorkersInParallelAndGetsTheSingleNodeRows() throws Exception {
    double workerRowsBefore = workerRowsSent();
    double coordinatorRowsBefore = rowsSent(coordinator);
    List<List<Object>> clustered = jdbc(coordinator.jdbcUrl() + "&threadPoolSize=4&x-bridge-partitions=auto",
        UNORDERED_SCAN);
    assertThat(multiset(clustered)).isEqualTo(multiset(jdbc(single.jdbcUrl(), UNORDERED_SCAN)));
    assertThat(clustered).isNotEmpty();
    assertThat(workerRowsSent() - workerRowsBefore).isEqualTo(clustered.size());
    assertThat(rowsSent(coordinator)).isEqualTo(coordinatorRowsBefore);
  }

  @Test
  void theJdbcDriverReadsTheRowGroupRunsOfADatasetOfOneFileFromEveryWorkerAndGetsTheSingleNodeRows()
      throws Exception {
    try (BufferAllocator allocator = new RootAllocator(); FlightSqlClient client = coordinator.flightSqlClient(allocator)) {
      List<String> placed = client.execute(ONE_FILE_SCAN, partitions("auto")).getEndpoints().stream()
          .map(endpoint -> endpoint.getLocations().get(0).getUri().toString()).toList();
      assertThat(placed).hasSize(3).doesNotHaveDuplicates();
    }
    double workerRowsBefore = workerRowsSent();
    List<List<Object>> clustered = jdbc(coordinator.jdbcUrl() + "&threadPoolSize=4&x-bridge-partitions=auto",
        ONE_FILE_SCAN);
    assertThat(multiset(clustered)).isEqualTo(multiset(jdbc(single.jdbcUrl(), ONE_FILE_SCAN)));
    assertThat(workerRowsSent() - workerRowsBefore).isEqualTo(clustered.size());
  }

  @Test
  void javaAdbcReadsEverySliceFromTheWorkersAndGetsTheSingleNodeRows() throws Exception {
    double workerRowsBefore = workerRowsSent();
    List<List<Object>> clustered = adbc(coordinator,
        Map.of("adbc.flight.sql.rpc.call_header.x-bridge-partitions", "auto"), UNORDERED_SCAN);
    assertThat(multiset(clustered)).isEqualTo(multiset(adbc(single, Map.of(), UNORDERED_SCAN)));
    assertThat(workerRowsSent() - workerRowsBefore).isEqualTo(clustered.size());
  }

  private static CallOption partitions(String value) {
    CallHeaders headers = new FlightCallHeaders();
    headers.insert("x-bridge-partitions", value);
    return new HeaderCallOption(headers);
  }

  /** Each row with how often it occurs: the answer of an unordered result, compared without its order. */
  private static Map<List<Object>, Long> multiset(List<List<Object>> rows) {
    Map<List<Object>, Long> counts = new HashMap<>();
    rows.forEach(row -> counts.merge(row, 1L, Long::sum));
    return counts;
  }

  private static List<List<Object>> jdbc(String url, String sql) throws Exception {
    List<List<Object>> rows = new ArrayList<>();
    try (Connection connection = DriverManager.getConnection(url);
         Statement statement = connection.createStatement();
         ResultSet rs = statement.executeQuery(sql)) {
      int columns = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        List<Object> row = new ArrayList<>();
        for (int i = 1; i <= columns; i++) {
          row.add(rs.getObject(i));
        }
        rows.add(row);
      }
    }
    return rows;
  }

  private static List<List<Object>> adbc(TestServer server, Map<String, String> options, String sql)
      throws Exception {
    List<List<Object>> rows = new ArrayList<>();
    Map<String, Object> parameters = new HashMap<>(options);
    FlightSqlDriver.PARAM_URI.set(parameters, server.grpcUri());
    try (BufferAllocator allocator = new RootAllocator();
         AdbcDatabase database = new FlightSqlDriver(allocator).open(parameters);
         AdbcConnection connection = database.connect();
         AdbcStatement statement = connection.createStatement()) {
      statement.setSqlQuery(sql);
      try (AdbcStatement.QueryResult result = statement.executeQuery(); ArrowReader reader = result.getReader()) {
        while (reader.loadNextBatch()) {
          VectorSchemaRoot root = reader.getVectorSchemaRoot();
          for (int row = 0; row < root.getRowCount(); row++) {
            List<Object> values = new ArrayList<>();
            for (int column = 0; column < root.getFieldVectors().size(); column++) {
              values.add(String.valueOf(root.getVector(column).getObject(row)));
            }
            rows.add(values);
          }
        }
      }
    }
    return rows;
  }

  private static double workerRowsSent() {
    return workers.stream().mapToDouble(ClusterTest::rowsSent).sum();
  }

  /** The server's bridge_result_rows_total, summed over its labels. */
  private static double rowsSent(TestServer server) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      server.server().telemetry().metrics().write("text/plain", out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    double sum = 0;
    for (String line : out.toString(StandardCharsets.UTF_8).split("\n")) {
      if (line.startsWith("bridge_result_rows_total")) {
        sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
      }
    }
    return sum;
  }
}
