package dev.bridge.bench;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The result cache through the Flight SQL JDBC driver (issue 22), run by {@code scripts/bench-cache}:
 * <pre>
 *   CacheBench prepare DATABASE LINEITEM_SQL        the 5M-row lineitem table and the dashboard's write log
 *   CacheBench q6 PORT FLOOR_PORT CALLS ROUNDS      TPC-H Q6 repeated, rounds alternating the trivial Flight SQL
 *                                                   server on FLOOR_PORT (the floor), Bridge cached and Bridge
 *                                                   with x-bridge-cache=off; p50/p99 of each
 *   CacheBench calls PORT FLOOR_PORT CALLS ROUNDS   the driver's four calls of one Q6 statement, each timed alone
 *                                                   with Flight SQL's Java client, trivial server and Bridge
 *                                                   (cached) in alternated rounds; p50/p99 of each call
 *   CacheBench dashboard PORT CLIENTS SECONDS ROUNDS   CLIENTS clients each running one of 20 distinct queries after
 *                                                   another while a writer appends to the write log every second;
 *                                                   rounds alternate cached and off; queries/s, p50, p99, and every
 *                                                   answer checked fresh
 * </pre>
 * Every dashboard query reads the write log's newest sequence number beside its aggregate: an answer is fresh when
 * that number is at least the one the writer had committed when the query was sent.
 */
public final class CacheBench {
  private static final Duration WARMUP = Duration.ofSeconds(Integer.getInteger("bench.latency.warmup.seconds", 20));
  private static final String LOG_TABLE = "dashboard_writes";

  private CacheBench() {}

  public static void main(String[] args) throws Exception {
    switch (args[0]) {
      case "prepare" -> prepare(Path.of(args[1]), Path.of(args[2]));
      case "q6" -> q6(Integer.parseInt(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]),
          Integer.parseInt(args[4]));
      case "calls" -> calls(Integer.parseInt(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]),
          Integer.parseInt(args[4]));
      case "dashboard" -> dashboard(Integer.parseInt(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]),
          Integer.parseInt(args[4]));
      default -> throw new IllegalArgumentException("unknown mode " + args[0]);
    }
  }

  private static void prepare(Path database, Path definition) throws Exception {
    try (Connection connection = DriverManager.getConnection("jdbc:duckdb:" + database);
         Statement statement = connection.createStatement()) {
      LineitemTable.ensure(connection, LineitemTable.AGGREGATE_NAME, LineitemTable.AGGREGATE_ROWS, definition);
      statement.execute("CREATE OR REPLACE TABLE " + LOG_TABLE + "(seq BIGINT)");
      statement.execute("INSERT INTO " + LOG_TABLE + " VALUES (0)");
      statement.execute("CHECKPOINT");
    }
  }

  private static String url(int port, boolean cached) {
    return "jdbc:arrow-flight-sql://127.0.0.1:" + port + "/?useEncryption=false" + (cached ? "" : "&x-bridge-cache=off");
  }

  private static void q6(int port, int floorPort, int calls, int rounds) throws Exception {
    try (Connection floor = DriverManager.getConnection(url(floorPort, true));
         Connection cached = DriverManager.getConnection(url(port, true));
         Connection off = DriverManager.getConnection(url(port, false))) {
      warm(floor);
      warm(cached);
      warm(off);
      List<Double> floorMillis = new ArrayList<>();
      List<Double> cachedMillis = new ArrayList<>();
      List<Double> offMillis = new ArrayList<>();
      // Alternated rounds, the floor's among them: the machine's load drifts; every case sees the same drift.
      for (int round = 0; round < rounds; round++) {
        floorMillis.addAll(time(floor, LineitemTable.AGGREGATE_QUERY, calls));
        cachedMillis.addAll(time(cached, LineitemTable.AGGREGATE_QUERY, calls));
        offMillis.addAll(time(off, LineitemTable.AGGREGATE_QUERY, Math.max(20, calls / 10)));
      }
      record("q6 jdbc, trivial server", floorMillis);
      record("q6 jdbc, cached", cachedMillis);
      record("q6 jdbc, x-bridge-cache: off", offMillis);
    }
  }

  private static final String[] CALLS = {"CreatePreparedStatement", "GetFlightInfo", "DoGet", "ClosePreparedStatement"};

  /**
   * The four calls the JDBC driver makes for one statement, each timed on its own with Flight SQL's Java client (the
   * driver's own), against the trivial server and Bridge (cached) in alternated rounds: where a gap between the two
   * is, call by call.
   */
  private static void calls(int port, int floorPort, int calls, int rounds) throws Exception {
    try (org.apache.arrow.memory.BufferAllocator allocator = new org.apache.arrow.memory.RootAllocator();
         org.apache.arrow.flight.FlightClient floorClient = org.apache.arrow.flight.FlightClient.builder(allocator,
             org.apache.arrow.flight.Location.forGrpcInsecure("127.0.0.1", floorPort)).build();
         org.apache.arrow.flight.FlightClient bridgeClient = org.apache.arrow.flight.FlightClient.builder(allocator,
             org.apache.arrow.flight.Location.forGrpcInsecure("127.0.0.1", port)).build()) {
      org.apache.arrow.flight.sql.FlightSqlClient floor = new org.apache.arrow.flight.sql.FlightSqlClient(floorClient);
      org.apache.arrow.flight.sql.FlightSqlClient bridge =
          new org.apache.arrow.flight.sql.FlightSqlClient(bridgeClient);
      long until = System.nanoTime() + WARMUP.toNanos();
      while (System.nanoTime() < until) {
        statementCalls(floor, new List[0]);
        statementCalls(bridge, new List[0]);
      }
      @SuppressWarnings("unchecked")
      List<Double>[] floorMillis = new List[] {new ArrayList<>(), new ArrayList<>(), new ArrayList<>(),
          new ArrayList<>()};
      @SuppressWarnings("unchecked")
      List<Double>[] bridgeMillis = new List[] {new ArrayList<>(), new ArrayList<>(), new ArrayList<>(),
          new ArrayList<>()};
      for (int round = 0; round < rounds; round++) {
        for (int i = 0; i < calls; i++) {
          statementCalls(floor, floorMillis);
        }
        for (int i = 0; i < calls; i++) {
          statementCalls(bridge, bridgeMillis);
        }
      }
      for (int call = 0; call < CALLS.length; call++) {
        record("q6 calls, " + CALLS[call] + ", trivial server", floorMillis[call]);
        record("q6 calls, " + CALLS[call] + ", cached", bridgeMillis[call]);
      }
    }
  }

  /** One statement as the JDBC driver sends it; adds each call's milliseconds to {@code millis} when it has four. */
  private static void statementCalls(org.apache.arrow.flight.sql.FlightSqlClient client, List<Double>[] millis)
      throws Exception {
    long[] at = new long[CALLS.length + 1];
    at[0] = System.nanoTime();
    org.apache.arrow.flight.sql.FlightSqlClient.PreparedStatement prepared =
        client.prepare(LineitemTable.AGGREGATE_QUERY);
    at[1] = System.nanoTime();
    org.apache.arrow.flight.FlightInfo info = prepared.execute();
    at[2] = System.nanoTime();
    try (org.apache.arrow.flight.FlightStream stream = client.getStream(info.getEndpoints().get(0).getTicket())) {
      while (stream.next()) {
        // Read to the end, as the driver does.
      }
    }
    at[3] = System.nanoTime();
    prepared.close();
    at[4] = System.nanoTime();
    for (int call = 0; call < millis.length; call++) {
      millis[call].add((at[call + 1] - at[call]) / 1e6);
    }
  }

  /** Small queries until the client's and the server's call paths are compiled. */
  private static void warm(Connection connection) throws Exception {
    long until = System.nanoTime() + WARMUP.toNanos();
    while (System.nanoTime() < until) {
      run(connection, LineitemTable.AGGREGATE_QUERY);
    }
  }

  private static List<Double> time(Connection connection, String sql, int calls) throws Exception {
    List<Double> millis = new ArrayList<>(calls);
    for (int i = 0; i < calls; i++) {
      long start = System.nanoTime();
      run(connection, sql);
      millis.add((System.nanoTime() - start) / 1e6);
    }
    return millis;
  }

  private static long run(Connection connection, String sql) throws Exception {
    long last = 0;
    try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(sql)) {
      while (rs.next()) {
        last = rs.getMetaData().getColumnCount() > 1 ? rs.getLong(2) : 0;
      }
    }
    return last;
  }

  /** The 20 dashboard queries: revenue and counts over year and discount windows, each with the write log's head. */
  static List<String> dashboardQueries() {
    List<String> queries = new ArrayList<>();
    for (int year = 1992; year <= 1996; year++) {
      for (int band = 0; band < 4; band++) {
        double low = 0.02 + band * 0.02;
        queries.add(String.format(java.util.Locale.ROOT, "SELECT sum(l_extendedprice * l_discount) AS revenue,"
            + " (SELECT max(seq) FROM %s) AS seen, count(*) AS n FROM %s WHERE l_shipdate >= DATE '%d-01-01'"
            + " AND l_shipdate < DATE '%d-01-01' AND l_discount BETWEEN %.2f AND %.2f AND l_quantity < 24",
            LOG_TABLE, LineitemTable.AGGREGATE_NAME, year, year + 1, low, low + 0.02));
      }
    }
    return queries;
  }

  private record Outcome(List<Double> millis, long stale, long errors) {}

  private static void dashboard(int port, int clients, int seconds, int rounds) throws Exception {
    List<String> queries = dashboardQueries();
    Map<Boolean, List<Outcome>> outcomes = new LinkedHashMap<>();
    Map<Boolean, Double> wall = new LinkedHashMap<>();
    for (int round = 0; round < rounds; round++) {
      for (boolean cached : new boolean[] {true, false}) {
        long started = System.nanoTime();
        outcomes.computeIfAbsent(cached, k -> new ArrayList<>()).addAll(dashboardRound(port, clients, seconds,
            cached, queries));
        wall.merge(cached, (System.nanoTime() - started) / 1e9, Double::sum);
      }
    }
    for (boolean cached : new boolean[] {true, false}) {
      List<Double> millis = new ArrayList<>();
      long stale = 0;
      long errors = 0;
      for (Outcome outcome : outcomes.get(cached)) {
        millis.addAll(outcome.millis());
        stale += outcome.stale();
        errors += outcome.errors();
      }
      double[] sorted = millis.stream().mapToDouble(Double::doubleValue).sorted().toArray();
      Map<String, Object> figures = new LinkedHashMap<>();
      figures.put("clients", clients);
      figures.put("queries", sorted.length);
      figures.put("queries_per_s", Math.round(sorted.length * 10 / (seconds * (double) rounds)) / 10.0);
      // No query may have finished within the round on a loaded machine: reported as such, not as a crash.
      figures.put("p50_ms", sorted.length == 0 ? null : round(BenchResults.percentile(sorted, 50)));
      figures.put("p99_ms", sorted.length == 0 ? null : round(BenchResults.percentile(sorted, 99)));
      figures.put("stale_answers", stale);
      figures.put("errors", errors);
      BenchResults.record("cache", "dashboard " + clients + " clients, " + (cached ? "cached" : "x-bridge-cache: off"),
          figures);
    }
  }

  /** One round: CLIENTS readers and a writer for SECONDS; each reader's latencies and stale answers. */
  private static List<Outcome> dashboardRound(int port, int clients, int seconds, boolean cached,
      List<String> queries) throws Exception {
    AtomicLong committed = new AtomicLong();
    ExecutorService pool = Executors.newFixedThreadPool(clients + 1);
    // Every client connects (and runs one query) before the clock starts: opening 32 JDBC connections on a loaded
    // machine takes seconds, which would otherwise eat the first round.
    List<Connection> connections = new ArrayList<>();
    for (int c = 0; c < clients; c++) {
      Connection connection = DriverManager.getConnection(url(port, cached));
      connections.add(connection);
      run(connection, queries.get(c % queries.size()));
    }
    long deadline = System.nanoTime() + Duration.ofSeconds(seconds).toNanos();
    try (Connection writer = DriverManager.getConnection(url(port, false))) {
      try (Statement statement = writer.createStatement(); ResultSet rs = statement.executeQuery(
          "SELECT max(seq) FROM " + LOG_TABLE)) {
        rs.next();
        committed.set(rs.getLong(1));
      }
      Future<?> writes = pool.submit(() -> {
        while (System.nanoTime() < deadline) {
          long next = committed.get() + 1;
          try (Statement statement = writer.createStatement()) {
            statement.executeUpdate("INSERT INTO " + LOG_TABLE + " VALUES (" + next + ")");
          }
          // Committed now: every answer to a query sent from here on must have seen it.
          committed.set(next);
          Thread.sleep(1000);
        }
        return null;
      });
      List<Future<Outcome>> readers = new ArrayList<>();
      for (Connection client : connections) {
        readers.add(pool.submit(() -> {
          List<Double> millis = new ArrayList<>();
          long stale = 0;
          long errors = 0;
          try (Connection connection = client) {
            while (System.nanoTime() < deadline) {
              String sql = queries.get(ThreadLocalRandom.current().nextInt(queries.size()));
              long mustSee = committed.get();
              long start = System.nanoTime();
              try {
                long seen = run(connection, sql);
                millis.add((System.nanoTime() - start) / 1e6);
                if (seen < mustSee) {
                  stale++;
                }
              } catch (Exception e) {
                if (errors++ == 0) {
                  System.err.println("dashboard query failed: " + e);
                }
              }
            }
          }
          return new Outcome(millis, stale, errors);
        }));
      }
      List<Outcome> outcomes = new ArrayList<>();
      for (Future<Outcome> reader : readers) {
        outcomes.add(reader.get());
      }
      writes.get();
      return outcomes;
    } finally {
      pool.shutdownNow();
      for (Connection connection : connections) {
        connection.close();
      }
    }
  }

  private static void record(String name, List<Double> millis) throws Exception {
    double[] sorted = millis.stream().mapToDouble(Double::doubleValue).toArray();
    Arrays.sort(sorted);
    Map<String, Object> figures = new LinkedHashMap<>();
    figures.put("calls", sorted.length);
    figures.put("p50_ms", round(BenchResults.percentile(sorted, 50)));
    figures.put("p99_ms", round(BenchResults.percentile(sorted, 99)));
    BenchResults.record("cache", name, figures);
  }

  private static double round(double millis) {
    return Math.round(millis * 1000) / 1000.0;
  }
}
