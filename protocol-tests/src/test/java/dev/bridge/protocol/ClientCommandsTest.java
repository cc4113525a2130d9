package dev.bridge.protocol;

import static dev.bridge.protocol.BridgeCli.bridge;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bridge.protocol.BridgeCli.Run;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowFileWriter;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code bridge query} and {@code bridge ingest}, run as the command line runs them, against a real server. */
class ClientCommandsTest {
  @RegisterExtension
  static final TestServer server = TestServer.perClass();

  @TempDir
  Path directory;

  private static Run query(String... args) {
    return BridgeCli.against(server.grpcUri(), "query", args);
  }

  private static Run ingest(String... args) {
    return BridgeCli.against(server.grpcUri(), "ingest", args);
  }

  @Test
  void queryPrintsAnAlignedTable() {
    Run run = query("SELECT * FROM (VALUES (1, 'one'), (22, NULL)) t(n, word) ORDER BY n");
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).isEqualTo("""
        n  | word
        ---+-----
         1 | one
        22 | NULL
        (2 rows)
        """);
  }

  @Test
  void queryPrintsCsvAndJsonLines() {
    String sql = "SELECT 1 AS id, 'a,b' AS text, DATE '2024-02-29' AS day, [1, 2] AS list, NULL AS nothing";
    Run csv = query("--format", "csv", sql);
    assertThat(csv.exitCode()).as(csv.err()).isZero();
    assertThat(csv.out()).isEqualTo("id,text,day,list,nothing\n1,\"a,b\",2024-02-29,\"[1, 2]\",\n");
    Run json = query("--format", "json", sql);
    assertThat(json.exitCode()).as(json.err()).isZero();
    assertThat(json.out()).isEqualTo("{\"id\":1,\"text\":\"a,b\",\"day\":\"2024-02-29\",\"list\":[1,2],\"nothing\":null}\n");
  }

  @Test
  void aBearerTokenIsSentAsTheStandardHeader() {
    // The server has no authentication yet: it keys the session by the token, and the query runs.
    Run run = query("--token", "t0ken", "--format", "csv", "SELECT 42 AS answer");
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).isEqualTo("answer\n42\n");
  }

  @Test
  void badSqlExitsWithTheServersMessage() {
    Run run = query("SELEC 1");
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).startsWith("bridge: the server refused (INVALID_ARGUMENT)").contains("syntax error");
    assertThat(run.out()).isEmpty();
  }

  @Test
  void anUnreachableServerIsNamed() throws IOException {
    int closedPort;
    try (ServerSocket socket = new ServerSocket(0)) {
      closedPort = socket.getLocalPort();
    }
    Run run = bridge("query", "--url", "grpc://127.0.0.1:" + closedPort, "SELECT 1");
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).startsWith("bridge: cannot reach grpc://127.0.0.1:" + closedPort);
  }

  @Test
  void badConnectionOptionsAreRefusedBeforeConnecting() {
    Run url = bridge("query", "--url", "localhost", "SELECT 1");
    assertThat(url.exitCode()).isEqualTo(1);
    assertThat(url.err()).contains("--url must look like grpc://host:port");
    Run tls = query("--tls-root-certs", "ca.pem", "SELECT 1");
    assertThat(tls.exitCode()).isEqualTo(1);
    assertThat(tls.err()).contains("TLS options need a grpc+tls:// URL");
    Run pair = bridge("query", "--url", "grpc+tls://127.0.0.1:1", "--tls-cert", "c.pem", "SELECT 1");
    assertThat(pair.exitCode()).isEqualTo(1);
    assertThat(pair.err()).contains("--tls-cert and --tls-key go together");
  }

  @Test
  void ingestLoadsParquetCsvAndArrowFilesIntoOneTable() throws Exception {
    Path parquet = directory.resolve("part1.parquet");
    Path csv = directory.resolve("part2.csv");
    Path arrow = directory.resolve("part3.arrow");
    duckdb("COPY (SELECT range AS id, 'row ' || range AS name FROM range(1000)) TO '" + parquet + "'");
    Files.writeString(csv, "id,name\n1000,row 1000\n1001,row 1001\n");
    writeArrowFile(arrow, 1002, 3);

    Run run = ingest("--table", "cli_loaded", parquet.toString(), csv.toString(), arrow.toString());
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).contains("part1.parquet: 1,000 rows", "part2.csv: 2 rows", "part3.arrow: 3 rows",
        "Loaded 1,005 rows into cli_loaded from 3 file(s)");
    Run check = query("--format", "csv", "SELECT count(*) AS n, count(DISTINCT id) AS ids, max(name) AS top"
        + " FROM cli_loaded");
    assertThat(check.out()).isEqualTo("n,ids,top\n1005,1005,row 999\n");
  }

  @Test
  void aFailingFileRollsBackTheWholeIngest() throws Exception {
    Path good = directory.resolve("good.csv");
    Path mismatched = directory.resolve("mismatched.csv");
    Files.writeString(good, "id,name\n1,a\n");
    Files.writeString(mismatched, "other\nx\n");
    Run run = ingest("--table", "cli_atomic", good.toString(), mismatched.toString());
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).startsWith("bridge: the server refused");
    Run check = query("SELECT count(*) FROM information_schema.tables WHERE table_name = 'cli_atomic'");
    assertThat(check.out()).contains(" 0\n");
  }

  @Test
  void appendingToATableOfOtherColumnsFails() throws Exception {
    query("CREATE TABLE cli_mismatch (a INTEGER, b INTEGER, c INTEGER)");
    Path csv = directory.resolve("two_columns.csv");
    Files.writeString(csv, "x,y\nfoo,bar\n");
    Run run = ingest("--table", "cli_mismatch", "--mode", "append", csv.toString());
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).startsWith("bridge: the server refused");
    assertThat(query("--format", "csv", "SELECT count(*) AS n FROM cli_mismatch").out()).isEqualTo("n\n0\n");
  }

  @Test
  void unreadableOrUnknownFilesAreRefusedBeforeAnythingIsSent() throws IOException {
    Run missing = ingest("--table", "cli_never", directory.resolve("absent.parquet").toString());
    assertThat(missing.exitCode()).isEqualTo(1);
    assertThat(missing.err()).contains("cannot read").contains("absent.parquet");
    Path unknown = Files.writeString(directory.resolve("data.xlsx"), "?");
    Run format = ingest("--table", "cli_never", unknown.toString());
    assertThat(format.exitCode()).isEqualTo(1);
    assertThat(format.err()).contains("cannot tell the format of").contains("--format");
    Path notParquet = Files.writeString(directory.resolve("broken.parquet"), "not parquet at all");
    Run broken = ingest("--table", "cli_never", notParquet.toString());
    assertThat(broken.exitCode()).isEqualTo(1);
    assertThat(broken.err()).contains("cannot read").contains("broken.parquet");
    assertThat(query("SELECT count(*) FROM information_schema.tables WHERE table_name = 'cli_never'").out())
        .contains(" 0\n");
  }

  private static void duckdb(String sql) throws Exception {
    try (Connection connection = DriverManager.getConnection("jdbc:duckdb:");
         Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }

  private static void writeArrowFile(Path file, long firstId, int rows) throws IOException {
    Schema schema = new Schema(List.of(Field.nullable("id", new ArrowType.Int(64, true)),
        Field.nullable("name", ArrowType.Utf8.INSTANCE)));
    try (BufferAllocator allocator = new RootAllocator();
         VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator);
         FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
         ArrowFileWriter writer = new ArrowFileWriter(root, null, channel)) {
      BigIntVector ids = (BigIntVector) root.getVector(0);
      VarCharVector names = (VarCharVector) root.getVector(1);
      ids.allocateNew(rows);
      names.allocateNew(rows);
      for (int i = 0; i < rows; i++) {
        ids.set(i, firstId + i);
        names.setSafe(i, ("row " + (firstId + i)).getBytes(java.nio.charset.StandardCharsets.UTF_8));
      }
      root.setRowCount(rows);
      writer.start();
      writer.writeBatch();
      writer.end();
    }
  }
}
