package dev.bridge.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.sql.FlightSqlClient;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;

/**
 * N concurrent clients, each with its own connection (so its own session), running a mix of small and large queries
 * back to back for a fixed time: nine of ten are a lookup of a few rows by order key, one in ten streams 250,000
 * rows. Reports the aggregate rows/s, queries/s, latency percentiles, errors, and how busy the machine's cores were
 * (and the client's and server's CPU seconds) during the timed window. Five seconds of the same mix, untimed, come
 * first: each run is a fresh JVM, and for its first seconds the client's JIT compiler takes CPU from both sides.
 * <pre>
 *   ConcurrencyBench PORT CLIENTS SECONDS TABLE_ROWS
 * </pre>
 */
public final class ConcurrencyBench {
  private static final int LARGE_EVERY = 10;
  private static final long LARGE_ROWS = 250_000;
  private static final long WARM_UP_NANOS = 5_000_000_000L;

  private ConcurrencyBench() {}

  private record ClientResult(long rows, List<Double> smallMillis, List<Double> largeMillis, long errors,
      String firstError) {}

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    int clients = Integer.parseInt(args[1]);
    double seconds = Double.parseDouble(args[2]);
    long maxOrderKey = Long.parseLong(args[3]); // the table's row count: order keys run up to a quarter of it
    ExecutorService threads = Executors.newFixedThreadPool(clients);
    try (BufferAllocator allocator = new RootAllocator()) {
      List<FlightSqlClient> connections = new ArrayList<>();
      for (int i = 0; i < clients; i++) {
        connections.add(new FlightSqlClient(FlightClient.builder(allocator,
            Location.forGrpcInsecure("127.0.0.1", port)).build()));
      }
      // Untimed: connect, open each session and let the JIT compile the client's read path.
      long warmUp = System.nanoTime() + WARM_UP_NANOS;
      List<Future<ClientResult>> warming = new ArrayList<>();
      for (FlightSqlClient client : connections) {
        warming.add(threads.submit(() -> loop(client, warmUp, maxOrderKey)));
      }
      for (Future<ClientResult> future : warming) {
        future.get();
      }
      MachineCpu machineBefore = MachineCpu.now();
      double clientCpuBefore = ProcessCpu.clientMillis();
      double serverCpuBefore = ProcessCpu.serverMillis();
      long start = System.nanoTime();
      long deadline = start + (long) (seconds * 1e9);
      List<Future<ClientResult>> futures = new ArrayList<>();
      for (FlightSqlClient client : connections) {
        futures.add(threads.submit(() -> loop(client, deadline, maxOrderKey)));
      }
      long rows = 0;
      long errors = 0;
      String firstError = null;
      List<Double> small = new ArrayList<>();
      List<Double> large = new ArrayList<>();
      for (Future<ClientResult> future : futures) {
        ClientResult result = future.get();
        rows += result.rows();
        errors += result.errors();
        small.addAll(result.smallMillis());
        large.addAll(result.largeMillis());
        firstError = firstError == null ? result.firstError() : firstError;
      }
      double elapsed = (System.nanoTime() - start) / 1e9;
      double machineBusy = MachineCpu.now().busySince(machineBefore);
      double clientCpuSeconds = (ProcessCpu.clientMillis() - clientCpuBefore) / 1000;
      double serverCpuSeconds = (ProcessCpu.serverMillis() - serverCpuBefore) / 1000;
      for (FlightSqlClient client : connections) {
        client.close();
      }
      double[] all = sorted(small, large);
      Map<String, Object> figures = new LinkedHashMap<>();
      figures.put("clients", clients);
      figures.put("seconds", Math.round(elapsed * 100) / 100.0);
      figures.put("queries", all.length);
      figures.put("rows_per_s", Math.round(rows / elapsed));
      figures.put("queries_per_s", Math.round(all.length / elapsed * 10) / 10.0);
      figures.put("p50_ms", round(BenchResults.percentile(all, 50)));
      figures.put("p99_ms", round(BenchResults.percentile(all, 99)));
      figures.put("small_p99_ms", round(BenchResults.percentile(sorted(small, List.of()), 99)));
      figures.put("large_p99_ms", large.isEmpty() ? 0 : round(BenchResults.percentile(sorted(large, List.of()), 99)));
      figures.put("errors", errors);
      // How much of the two cores the timed window used, and by whom: what one client leaves idle bounds what
      // more clients can add.
      figures.put("machine_busy", Math.round(machineBusy * 1000) / 1000.0);
      figures.put("client_cpu_seconds", Math.round(clientCpuSeconds * 100) / 100.0);
      if (ProcessCpu.serverKnown()) {
        figures.put("server_cpu_seconds", Math.round(serverCpuSeconds * 100) / 100.0);
      }
      if (firstError != null) {
        figures.put("first_error", firstError);
      }
      BenchResults.record("concurrency", clients + (clients == 1 ? " client" : " clients"), figures);
    } finally {
      threads.shutdownNow();
    }
  }

  private static ClientResult loop(FlightSqlClient client, long deadline, long maxOrderKey) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    List<Double> small = new ArrayList<>();
    List<Double> large = new ArrayList<>();
    long rows = 0;
    long errors = 0;
    String firstError = null;
    for (int i = random.nextInt(LARGE_EVERY); System.nanoTime() < deadline; i++) {
      boolean isLarge = i % LARGE_EVERY == 0;
      long key = random.nextLong(maxOrderKey);
      String sql = isLarge
          ? "SELECT * FROM " + LineitemTable.NAME + " WHERE l_orderkey >= " + key / 4 + " LIMIT " + LARGE_ROWS
          : "SELECT l_orderkey, l_linenumber, l_quantity, l_extendedprice FROM " + LineitemTable.NAME
              + " WHERE l_orderkey = " + key / 4;
      long start = System.nanoTime();
      try {
        rows += run(client, sql);
        (isLarge ? large : small).add((System.nanoTime() - start) / 1e6);
      } catch (Exception e) {
        errors++;
        firstError = firstError == null ? e.toString() : firstError;
      }
    }
    return new ClientResult(rows, small, large, errors, firstError);
  }

  private static long run(FlightSqlClient client, String sql) throws Exception {
    // Computed every time: this measures the engine under concurrency; CacheBench measures the cache.
    FlightInfo info = client.execute(sql, LatencyBench.CACHE_OFF);
    long rows = 0;
    try (FlightStream stream = client.getStream(info.getEndpoints().get(0).getTicket(), LatencyBench.CACHE_OFF)) {
      while (stream.next()) {
        rows += stream.getRoot().getRowCount();
      }
    }
    return rows;
  }

  private static double[] sorted(List<Double> first, List<Double> second) {
    double[] values = new double[first.size() + second.size()];
    int i = 0;
    for (double value : first) {
      values[i++] = value;
    }
    for (double value : second) {
      values[i++] = value;
    }
    Arrays.sort(values);
    return values;
  }

  private static double round(double millis) {
    return Math.round(millis * 1000) / 1000.0;
  }
}
