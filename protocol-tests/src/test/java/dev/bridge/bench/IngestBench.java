package dev.bridge.bench;

import dev.bridge.cli.BulkIngestUpload;
import java.io.BufferedReader;
import java.io.FileInputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.Map;
import org.apache.arrow.c.ArrowArrayStream;
import org.apache.arrow.c.Data;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.sql.FlightSqlClient;
import org.apache.arrow.flight.sql.FlightSqlClient.ExecuteIngestOptions;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandStatementIngest;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandStatementIngest.TableDefinitionOptions;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandStatementIngest.TableDefinitionOptions.TableExistsOption;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandStatementIngest.TableDefinitionOptions.TableNotExistOption;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.duckdb.DuckDBConnection;

/**
 * The Java half of the ingest benchmark (scripts/bench-ingest): the same Arrow IPC stream of batches inserted
 * (1) into an in-process DuckDB through the C Data interface, the limit, and (2) into a running Bridge with
 * {@link FlightSqlClient#executeIngest} or (3) with {@link BulkIngestUpload}, the upload of {@code bridge ingest}.
 *
 * <p>It runs on request, so that scripts/bench_ingest.py can alternate it with pyarrow's DoPut and compare runs
 * made moments apart: each line read from standard input names one run ("inprocess", "flightsql", "upload"), and
 * each run is answered with one "name rows seconds" line. One JVM serves every request, as a loader's long-lived
 * JVM would: the script's untimed first round warms up its JIT.
 *
 * <p>Arguments: the IPC stream file, the Bridge URI (grpc://127.0.0.1:PORT), a scratch directory for the in-process
 * database, and the in-process database's memory_limit (the server's, so that both insert under the same bound;
 * empty keeps DuckDB's default).
 */
public final class IngestBench {
  private static final TableDefinitionOptions REPLACE = TableDefinitionOptions.newBuilder()
      .setIfNotExist(TableNotExistOption.TABLE_NOT_EXIST_OPTION_CREATE)
      .setIfExists(TableExistsOption.TABLE_EXISTS_OPTION_REPLACE).build();

  private IngestBench() {}

  public static void main(String[] args) throws Exception {
    Path data = Path.of(args[0]);
    String uri = args[1];
    Path scratch = Path.of(args[2]);
    String memoryLimit = args.length > 3 ? args[3] : "";
    BufferedReader requests = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
    try (BufferAllocator allocator = new RootAllocator()) {
      for (String request = requests.readLine(); request != null; request = requests.readLine()) {
        switch (request.trim()) {
          case "inprocess" -> report("java_inprocess_duckdb", () -> inProcess(allocator, data, scratch, memoryLimit));
          case "flightsql" -> report("java_flightsql_executeIngest", () -> flightSql(allocator, data, uri));
          case "upload" -> report("java_bridge_BulkIngestUpload", () -> upload(allocator, data, uri));
          case "" -> { }
          default -> throw new IllegalArgumentException("unknown run " + request);
        }
      }
    }
  }

  private static long inProcess(BufferAllocator allocator, Path data, Path scratch, String memoryLimit)
      throws Exception {
    Path database = scratch.resolve("inprocess.duckdb");
    Files.deleteIfExists(database);
    Files.deleteIfExists(scratch.resolve("inprocess.duckdb.wal"));
    try (DuckDBConnection connection = (DuckDBConnection) DriverManager.getConnection("jdbc:duckdb:" + database);
         FileInputStream in = new FileInputStream(data.toFile());
         ArrowStreamReader reader = new ArrowStreamReader(in, allocator);
         ArrowArrayStream stream = ArrowArrayStream.allocateNew(allocator);
         Statement statement = connection.createStatement()) {
      if (!memoryLimit.isEmpty()) {
        statement.execute("SET memory_limit = '" + memoryLimit + "'");
      }
      Data.exportArrayStream(allocator, reader, stream);
      connection.registerArrowStream("batches", stream);
      statement.execute("CREATE TABLE lineitem AS SELECT * FROM batches");
      try (var rs = statement.executeQuery("SELECT count(*) FROM lineitem")) {
        rs.next();
        return rs.getLong(1);
      }
    }
  }

  private static long flightSql(BufferAllocator allocator, Path data, String uri) throws Exception {
    try (FlightClient flight = FlightClient.builder(allocator, new Location(uri)).build();
         FlightSqlClient client = new FlightSqlClient(flight);
         FileInputStream in = new FileInputStream(data.toFile());
         ArrowStreamReader reader = new ArrowStreamReader(in, allocator)) {
      return client.executeIngest(reader,
          new ExecuteIngestOptions("lineitem_java", REPLACE, false, null, null, Map.of()));
    }
  }

  private static long upload(BufferAllocator allocator, Path data, String uri) throws Exception {
    try (FlightClient flight = FlightClient.builder(allocator, new Location(uri)).build();
         FileInputStream in = new FileInputStream(data.toFile());
         ArrowStreamReader reader = new ArrowStreamReader(in, allocator)) {
      return BulkIngestUpload.send(flight, CommandStatementIngest.newBuilder().setTable("lineitem_upload")
          .setTableDefinitionOptions(REPLACE).build(), reader);
    }
  }

  private interface Run {
    long rows() throws Exception;
  }

  private static void report(String name, Run run) throws Exception {
    long start = System.nanoTime();
    long rows = run.rows();
    double seconds = (System.nanoTime() - start) / 1e9;
    System.out.printf("%s %d %.3f%n", name, rows, seconds);
    System.out.flush();
  }
}
