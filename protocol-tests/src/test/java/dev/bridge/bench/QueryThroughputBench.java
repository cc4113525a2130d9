package dev.bridge.bench;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.arrow.adbc.core.AdbcConnection;
import org.apache.arrow.adbc.core.AdbcDatabase;
import org.apache.arrow.adbc.core.AdbcStatement;
import org.apache.arrow.adbc.driver.flightsql.FlightSqlDriver;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.sql.FlightSqlClient;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.duckdb.DuckDBConnection;
import org.duckdb.DuckDBResultSet;

/**
 * Times {@code SELECT * FROM lineitem} through each Java path. Run by {@code scripts/bench}:
 * <pre>
 *   QueryThroughputBench prepare DATABASE ROWS SQL   creates the tables from SQL (scripts/lineitem.sql): lineitem
 *                                                    with ROWS rows and the 5M-row one of the aggregate
 *   QueryThroughputBench limit DATABASE REPEATS      in-process arrowExportStream: the limit
 *   QueryThroughputBench flight PORT REPEATS         Arrow's FlightSqlClient over loopback
 *   QueryThroughputBench jdbc PORT REPEATS           the Flight SQL JDBC driver, rs.next() over every row
 *   QueryThroughputBench adbc PORT REPEATS           Java ADBC (the Flight SQL driver), ArrowReader over every batch
 * </pre>
 * Each path runs {@code -Dbench.warmup} times untimed (default 1; the JIT, DuckDB's buffer pool, the first
 * connection) and then REPEATS times; the median counts (see {@link BenchResults}), and every run's time is recorded.
 * With {@code -Dbench.pair} (see {@link PairedRun}) another client's pass follows each timed run, and its times are
 * recorded beside them ({@code paired_case}, {@code paired_run_seconds}) for ratios measured in alternation.
 * The JDBC driver and ADBC need different classpaths (the shaded and the unshaded JDBC jar; see protocol-tests/pom.xml).
 */
public final class QueryThroughputBench {
  private static final String QUERY = "SELECT * FROM " + LineitemTable.NAME;
  private static final int BATCH_ROWS = 65_536;
  private static final int WARM_UP_RUNS = Integer.getInteger("bench.warmup", 1);

  private QueryThroughputBench() {}

  public static void main(String[] args) throws Exception {
    switch (args[0]) {
      case "prepare" -> prepare(Path.of(args[1]), Long.parseLong(args[2]), Path.of(args[3]));
      case "limit" -> median("in-process", args, () -> inProcess(Path.of(args[1])));
      case "flight" -> median("flight-java", args, () -> flight(Integer.parseInt(args[1])));
      case "jdbc" -> median("jdbc", args, () -> jdbc(Integer.parseInt(args[1])));
      case "adbc" -> median("adbc-java", args, () -> adbc(Integer.parseInt(args[1])));
      default -> throw new IllegalArgumentException("unknown mode " + args[0]);
    }
  }

  private interface Run {
    long rows() throws Exception;
  }

  private static void median(String path, String[] args, Run run) throws Exception {
    int repeats = Integer.parseInt(args[2]);
    for (int i = 0; i < WARM_UP_RUNS; i++) {
      run.rows();
    }
    Optional<PairedRun> paired = PairedRun.fromSystemProperties();
    double[] seconds = new double[repeats];
    double[] clientCpuSeconds = new double[repeats];
    double[] serverCpuSeconds = new double[repeats];
    double[] pairedSeconds = new double[repeats];
    long rows = 0;
    for (int i = 0; i < repeats; i++) {
      double clientCpu = ProcessCpu.clientMillis();
      double serverCpu = ProcessCpu.serverMillis();
      long start = System.nanoTime();
      rows = run.rows();
      seconds[i] = (System.nanoTime() - start) / 1e9;
      clientCpuSeconds[i] = (ProcessCpu.clientMillis() - clientCpu) / 1000;
      serverCpuSeconds[i] = (ProcessCpu.serverMillis() - serverCpu) / 1000;
      if (paired.isPresent()) {
        pairedSeconds[i] = paired.get().seconds();
      }
    }
    double[] inOrder = milliRounded(seconds);
    double median = BenchResults.median(seconds);
    Map<String, Object> figures = new LinkedHashMap<>();
    figures.put("rows", rows);
    figures.put("seconds", Math.round(median * 10_000) / 10_000.0);
    figures.put("rows_per_s", Math.round(rows / median));
    figures.put("runs", repeats);
    figures.put("warm_up_runs", WARM_UP_RUNS);
    figures.put("run_seconds", inOrder);
    // CPU per run, which unlike wall time does not depend on what else the machine runs; the server's when its pid
    // is known (it idles during the in-process path).
    figures.put("client_cpu_seconds", Math.round(BenchResults.median(clientCpuSeconds) * 1000) / 1000.0);
    if (ProcessCpu.serverKnown()) {
      figures.put("server_cpu_seconds", Math.round(BenchResults.median(serverCpuSeconds) * 1000) / 1000.0);
    }
    if (paired.isPresent()) {
      figures.put("paired_case", paired.get().caseName());
      figures.put("paired_run_seconds", milliRounded(pairedSeconds));
    }
    BenchResults.record("throughput", path, figures);
  }

  private static double[] milliRounded(double[] seconds) {
    return Arrays.stream(seconds).map(s -> Math.round(s * 1000) / 1000.0).toArray();
  }

  private static Connection openDuckDb(Path database) throws Exception {
    Properties properties = new Properties();
    properties.setProperty("autoinstall_known_extensions", "false");
    properties.setProperty("autoload_known_extensions", "false");
    properties.setProperty("jdbc_stream_results", "true");
    return DriverManager.getConnection("jdbc:duckdb:" + database, properties);
  }

  private static void prepare(Path database, long rows, Path definition) throws Exception {
    try (Connection connection = openDuckDb(database)) {
      LineitemTable.ensure(connection, LineitemTable.NAME, rows, definition);
      LineitemTable.ensure(connection, LineitemTable.AGGREGATE_NAME, LineitemTable.AGGREGATE_ROWS, definition);
    }
  }

  private static long inProcess(Path database) throws Exception {
    try (BufferAllocator allocator = new RootAllocator();
         DuckDBConnection connection = (DuckDBConnection) openDuckDb(database);
         Statement statement = connection.createStatement();
         DuckDBResultSet results = (DuckDBResultSet) statement.executeQuery(QUERY);
         ArrowReader reader = (ArrowReader) results.arrowExportStream(allocator, BATCH_ROWS)) {
      long rows = 0;
      while (reader.loadNextBatch()) {
        rows += reader.getVectorSchemaRoot().getRowCount();
      }
      return rows;
    }
  }

  private static long flight(int port) throws Exception {
    try (BufferAllocator allocator = new RootAllocator();
         FlightSqlClient client = new FlightSqlClient(
             FlightClient.builder(allocator, Location.forGrpcInsecure("127.0.0.1", port)).build())) {
      FlightInfo info = client.execute(QUERY);
      long rows = 0;
      try (FlightStream stream = client.getStream(info.getEndpoints().get(0).getTicket())) {
        while (stream.next()) {
          rows += stream.getRoot().getRowCount();
        }
      }
      return rows;
    }
  }

  private static long jdbc(int port) throws Exception {
    try (Connection connection = DriverManager.getConnection(
            "jdbc:arrow-flight-sql://127.0.0.1:" + port + "/?useEncryption=false");
         Statement statement = connection.createStatement();
         ResultSet rs = statement.executeQuery(QUERY)) {
      long rows = 0;
      while (rs.next()) {
        rows++;
      }
      return rows;
    }
  }

  private static long adbc(int port) throws Exception {
    Map<String, Object> parameters = new HashMap<>();
    FlightSqlDriver.PARAM_URI.set(parameters, "grpc://127.0.0.1:" + port);
    try (BufferAllocator allocator = new RootAllocator();
         AdbcDatabase database = new FlightSqlDriver(allocator).open(parameters);
         AdbcConnection connection = database.connect();
         AdbcStatement statement = connection.createStatement()) {
      statement.setSqlQuery(QUERY);
      long rows = 0;
      try (AdbcStatement.QueryResult result = statement.executeQuery()) {
        ArrowReader reader = result.getReader();
        while (reader.loadNextBatch()) {
          rows += reader.getVectorSchemaRoot().getRowCount();
        }
      }
      return rows;
    }
  }
}
