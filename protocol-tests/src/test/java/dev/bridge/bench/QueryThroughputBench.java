package dev.bridge.bench;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.Properties;
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
 *   QueryThroughputBench prepare DATABASE ROWS SQL   creates the table from SQL (scripts/lineitem.sql)
 *   QueryThroughputBench limit DATABASE          in-process arrowExportStream: the limit
 *   QueryThroughputBench flight PORT             Arrow's FlightSqlClient over loopback
 *   QueryThroughputBench jdbc PORT               the Flight SQL JDBC driver, rs.next() over every row
 * </pre>
 * Each timed path prints one line {@code RESULT path rows seconds}; the best of {@code REPEATS} runs counts.
 */
public final class QueryThroughputBench {
  private static final String QUERY = "SELECT * FROM " + LineitemTable.NAME;
  private static final int REPEATS = 3;
  private static final int BATCH_ROWS = 65_536;

  private QueryThroughputBench() {}

  public static void main(String[] args) throws Exception {
    switch (args[0]) {
      case "prepare" -> prepare(Path.of(args[1]), Long.parseLong(args[2]), Path.of(args[3]));
      case "limit" -> best("in-process", () -> inProcess(Path.of(args[1])));
      case "flight" -> best("flight-java", () -> flight(Integer.parseInt(args[1])));
      case "jdbc" -> best("jdbc", () -> jdbc(Integer.parseInt(args[1])));
      default -> throw new IllegalArgumentException("unknown mode " + args[0]);
    }
  }

  private interface Run {
    long rows() throws Exception;
  }

  private static void best(String path, Run run) throws Exception {
    run.rows(); // warm-up: JIT, DuckDB's buffer pool, the first connection
    double bestSeconds = Double.MAX_VALUE;
    long rows = 0;
    for (int i = 0; i < REPEATS; i++) {
      long start = System.nanoTime();
      rows = run.rows();
      bestSeconds = Math.min(bestSeconds, (System.nanoTime() - start) / 1e9);
    }
    System.out.printf("RESULT %s %d %.4f%n", path, rows, bestSeconds);
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
      LineitemTable.ensure(connection, rows, definition);
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
}
