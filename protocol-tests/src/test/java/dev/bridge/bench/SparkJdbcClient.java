package dev.bridge.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Locale;

/**
 * The Flight SQL JDBC driver's side of {@code scripts/bench-spark}: one long-lived JVM that runs the query on a
 * {@code catalog=spark} connection each time a line arrives on standard input, and answers one line
 * {@code PASS rows seconds first_row_seconds}. It reads every value of every row ({@code getObject}), as the Spark
 * Connect client side reads every value of its rows. Staying alive between passes lets the script alternate it with
 * the other clients without a JVM start and JIT warm-up per pass.
 * <pre>
 *   SparkJdbcClient JDBC_URL QUERY WARMUP_QUERY
 * </pre>
 */
public final class SparkJdbcClient {
  private SparkJdbcClient() {}

  public static void main(String[] args) throws Exception {
    String url = args[0];
    for (int i = 0; i < 3; i++) {
      pass(url, args[2]);
    }
    System.out.println("READY");
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      long start = System.nanoTime();
      long[] result = pass(url, args[1]);
      double seconds = (System.nanoTime() - start) / 1e9;
      System.out.printf(Locale.ROOT, "PASS %d %.4f %.4f%n", result[0], seconds, (result[1] - start) / 1e9);
      System.out.flush();
    }
  }

  /** Rows read, and the nanoTime the first row arrived; a new connection per pass, as a BI tool's query is. */
  private static long[] pass(String url, String query) throws Exception {
    long rows = 0;
    long first = 0;
    long touched = 0;
    Connection connection = DriverManager.getConnection(url);
    try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(query)) {
      int columns = rs.getMetaData().getColumnCount();
      while (rs.next()) {
        if (rows == 0) {
          first = System.nanoTime();
        }
        for (int i = 1; i <= columns; i++) {
          if (rs.getObject(i) != null) {
            touched++;
          }
        }
        rows++;
      }
    } finally {
      // Arrow JDBC 18.3 fails close() of a catalog= connection (apache/arrow-java#66); the pass is over anyway.
      try {
        connection.close();
      } catch (java.sql.SQLException e) {
        if (!String.valueOf(e.getMessage()).contains("Channel shutdown invoked")) {
          throw e;
        }
      }
    }
    if (touched < 0) {
      throw new IllegalStateException("unreachable: keeps the value reads from being optimised away");
    }
    return new long[] {rows, first};
  }
}
