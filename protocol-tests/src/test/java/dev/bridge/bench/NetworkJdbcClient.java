package dev.bridge.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;

/**
 * The Flight SQL JDBC driver's side of {@code scripts/bench-network}: one long-lived JVM that runs a pass of
 * {@code SELECT * FROM lineitem} (rs.next() over every row, as QueryThroughputBench does) each time a line naming a
 * compression ({@code none} or {@code gzip}) arrives on standard input, and answers one line
 * {@code PASS rows seconds cpu_seconds}. Staying alive between passes lets the script alternate it with the other
 * clients without paying a JVM start and JIT warm-up per pass; it warms up on a 500,000-row prefix first.
 * <pre>
 *   NetworkJdbcClient PORT
 * </pre>
 */
public final class NetworkJdbcClient {
  private static final String QUERY = "SELECT * FROM lineitem";

  private NetworkJdbcClient() {}

  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    for (int i = 0; i < 3; i++) {
      pass(port, "none", QUERY + " LIMIT 500000");
    }
    System.out.println("READY");
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      String compression = line.trim();
      double cpu = ProcessCpu.clientMillis();
      long start = System.nanoTime();
      long rows = pass(port, compression, QUERY);
      double seconds = (System.nanoTime() - start) / 1e9;
      System.out.printf(java.util.Locale.ROOT, "PASS %d %.4f %.3f%n", rows, seconds,
          (ProcessCpu.clientMillis() - cpu) / 1000);
      System.out.flush();
    }
  }

  /** One pass; {@code compression} reaches the server as the driver sends unknown URL properties: a header. */
  private static long pass(int port, String compression, String sql) throws Exception {
    String url = "jdbc:arrow-flight-sql://127.0.0.1:" + port + "/?useEncryption=false"
        + (compression.equals("none") ? "" : "&x-bridge-compression=" + compression);
    try (Connection connection = DriverManager.getConnection(url);
         Statement statement = connection.createStatement();
         ResultSet rs = statement.executeQuery(sql)) {
      long rows = 0;
      while (rs.next()) {
        rows++;
      }
      return rows;
    }
  }
}
