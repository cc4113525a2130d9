import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Locale;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.connect.SparkSession;

/**
 * Spark Connect's own JVM client, the reference side of scripts/bench-spark: one long-lived JVM that runs the query
 * each time a line arrives on standard input and answers one line {@code PASS rows seconds first_row_seconds}.
 * It reads as an application does, {@code Dataset.toLocalIterator()} with every value of every row fetched
 * ({@code row.get(i)}), as the JDBC side reads every value with {@code getObject}.
 *
 * <p>Not compiled by Maven: it runs as a single-file source program ({@code java -cp CP SparkConnectClientBench.java})
 * on the shaded client jar plus Spark's own classpath (Scala included), which no module of Bridge has on its
 * classpath (spark-test-server/pom.xml says why).
 * <pre>
 *   java -cp CLIENT_JAR:SPARK_CLASSPATH scripts/spark-client/SparkConnectClientBench.java sc://HOST:PORT QUERY WARMUP_QUERY
 * </pre>
 */
public final class SparkConnectClientBench {
  public static void main(String[] args) throws Exception {
    SparkSession spark = SparkSession.builder().remote(args[0]).create();
    String query = args[1];
    for (int i = 0; i < 3; i++) {
      pass(spark, args[2]);
    }
    System.out.println("READY");
    BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    for (String line = in.readLine(); line != null; line = in.readLine()) {
      long start = System.nanoTime();
      long[] result = pass(spark, query);
      double seconds = (System.nanoTime() - start) / 1e9;
      System.out.printf(Locale.ROOT, "PASS %d %.4f %.4f%n", result[0], seconds, (result[1] - start) / 1e9);
      System.out.flush();
    }
    // No spark.close(): releasing the session makes this server look for its ML classes (not on the test server's
    // classpath) and log an error; the server expires the session itself.
    System.exit(0);
  }

  /** Rows read, and the nanoTime the first row arrived. */
  private static long[] pass(SparkSession spark, String query) {
    long rows = 0;
    long first = 0;
    long touched = 0;
    Iterator<Row> iterator = spark.sql(query).toLocalIterator();
    while (iterator.hasNext()) {
      Row row = iterator.next();
      if (rows == 0) {
        first = System.nanoTime();
      }
      for (int i = 0; i < row.size(); i++) {
        if (row.get(i) != null) {
          touched++;
        }
      }
      rows++;
    }
    if (touched < 0) {
      throw new IllegalStateException("unreachable: keeps the value reads from being optimised away");
    }
    return new long[] {rows, first};
  }
}
