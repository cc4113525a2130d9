package dev.bridge.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;
import org.apache.arrow.flight.CallHeaders;
import org.apache.arrow.flight.FlightCallHeaders;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.HeaderCallOption;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.sql.FlightSqlClient;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;

/**
 * Round-trip latency, one client, one call at a time, percentiles over {@code CALLS} calls after a warm-up: small
 * queries for {@link #WARMUP}, then a quarter as many calls of the measured query. Run by {@code scripts/bench}:
 * <pre>
 *   LatencyBench jdbc PORT CALLS          SELECT 1 through the Flight SQL JDBC driver: Statement.executeQuery does
 *                                         CreatePreparedStatement, GetFlightInfo, DoGet, ClosePreparedStatement
 *   LatencyBench flight PORT CALLS        SELECT 1 through Arrow's FlightSqlClient: GetFlightInfo, DoGet
 *   LatencyBench jdbc-aggregate PORT CALLS     TPC-H Q6 over the 5M-row table, JDBC driver
 *   LatencyBench flight-aggregate PORT CALLS   the same through FlightSqlClient
 *   LatencyBench duckdb-aggregate DATABASE CALLS   the same in-process in DuckDB (its own time, the floor)
 * </pre>
 * Every call bypasses the result cache ({@code x-bridge-cache: off}): these figures are the cost of computing an
 * answer; {@link CacheBench} measures repeated answers from the cache.
 */
public final class LatencyBench {
  private static final String SMALL_QUERY = "SELECT 1";
  /**
   * How long a client runs small queries before any timed case ({@code -Dbench.latency.warmup.seconds}, 60 by
   * default; scripts/bench --quick uses 3): until then the client JVM and the server are still compiling their call
   * paths. Measured: a server's CPU per JDBC call was 2.86 ms over 3,000 calls after 20 s of warm-up and 1.75-1.81 ms
   * after 40 and 60 s; a client timing Q6 after only 25 calls of warm-up spent 10 ms of CPU per call compiling, on
   * the cores DuckDB needs for the query. A BI tool and a server are long-lived.
   */
  private static final Duration WARMUP = Duration.ofSeconds(Integer.getInteger("bench.latency.warmup.seconds", 60));

  /** The header that makes a call bypass Bridge's result cache (the trivial server ignores it). */
  static final HeaderCallOption CACHE_OFF = cacheOff();

  private LatencyBench() {}

  private static HeaderCallOption cacheOff() {
    CallHeaders headers = new FlightCallHeaders();
    headers.insert("x-bridge-cache", "off");
    return new HeaderCallOption(headers);
  }

  private interface Call {
    void run() throws Exception;
  }

  public static void main(String[] args) throws Exception {
    String mode = args[0];
    int calls = Integer.parseInt(args[2]);
    switch (mode) {
      case "jdbc" -> jdbc(mode, Integer.parseInt(args[1]), SMALL_QUERY, calls);
      case "jdbc-aggregate" -> jdbc(mode, Integer.parseInt(args[1]), LineitemTable.AGGREGATE_QUERY, calls);
      case "flight" -> flight(mode, Integer.parseInt(args[1]), SMALL_QUERY, calls);
      case "flight-aggregate" -> flight(mode, Integer.parseInt(args[1]), LineitemTable.AGGREGATE_QUERY, calls);
      case "duckdb-aggregate" -> duckdb(mode, Path.of(args[1]), calls);
      default -> throw new IllegalArgumentException("unknown mode " + mode);
    }
  }

  private static void jdbc(String name, int port, String sql, int calls) throws Exception {
    try (Connection connection = DriverManager.getConnection(
        "jdbc:arrow-flight-sql://127.0.0.1:" + port + "/?useEncryption=false&x-bridge-cache=off")) {
      measureWarmClient(name, calls, sql, query -> () -> {
        try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(query)) {
          while (rs.next()) {
            rs.getObject(1);
          }
        }
      });
    }
  }

  private static void flight(String name, int port, String sql, int calls) throws Exception {
    try (BufferAllocator allocator = new RootAllocator();
         FlightSqlClient client = new FlightSqlClient(
             FlightClient.builder(allocator, Location.forGrpcInsecure("127.0.0.1", port)).build())) {
      measureWarmClient(name, calls, sql, query -> () -> {
        FlightInfo info = client.execute(query, CACHE_OFF);
        try (FlightStream stream = client.getStream(info.getEndpoints().get(0).getTicket(), CACHE_OFF)) {
          while (stream.next()) {
            stream.getRoot().getRowCount();
          }
        }
      });
    }
  }

  /** Measures {@code sql} through a client that, with the server, was warmed up by small queries first. */
  private static void measureWarmClient(String name, int calls, String sql, Function<String, Call> client)
      throws Exception {
    Call smallQuery = client.apply(SMALL_QUERY);
    long warmUntil = System.nanoTime() + WARMUP.toNanos();
    while (System.nanoTime() < warmUntil) {
      smallQuery.run();
    }
    measure(name, calls, client.apply(sql));
  }

  private static void duckdb(String name, Path database, int calls) throws Exception {
    try (Connection connection = DriverManager.getConnection("jdbc:duckdb:" + database)) {
      measure(name, calls, () -> {
        try (Statement statement = connection.createStatement();
             ResultSet rs = statement.executeQuery(LineitemTable.AGGREGATE_QUERY)) {
          rs.next();
        }
      });
    }
  }

  private static void measure(String name, int calls, Call call) throws Exception {
    for (int i = 0; i < Math.max(20, calls / 4); i++) {
      call.run();
    }
    double[] millis = new double[calls];
    double serverCpu = ProcessCpu.serverMillis();
    double clientCpu = ProcessCpu.clientMillis();
    long started = System.nanoTime();
    for (int i = 0; i < calls; i++) {
      long start = System.nanoTime();
      call.run();
      millis[i] = (System.nanoTime() - start) / 1e6;
    }
    double total = (System.nanoTime() - started) / 1e6;
    double serverCpuPerCall = (ProcessCpu.serverMillis() - serverCpu) / calls;
    double clientCpuPerCall = (ProcessCpu.clientMillis() - clientCpu) / calls;
    double[] sorted = millis.clone();
    java.util.Arrays.sort(sorted);
    Map<String, Object> figures = new LinkedHashMap<>();
    figures.put("calls", calls);
    figures.put("p50_ms", round(BenchResults.percentile(sorted, 50)));
    figures.put("p95_ms", round(BenchResults.percentile(sorted, 95)));
    figures.put("p99_ms", round(BenchResults.percentile(sorted, 99)));
    figures.put("max_ms", round(sorted[sorted.length - 1]));
    figures.put("mean_ms", round(total / calls));
    if (serverCpu >= 0) {
      figures.put("server_cpu_ms_per_call", round(serverCpuPerCall));
    }
    figures.put("client_cpu_ms_per_call", round(clientCpuPerCall));
    BenchResults.record("latency", name, figures);
  }

  private static double round(double millis) {
    return Math.round(millis * 1000) / 1000.0;
  }
}
