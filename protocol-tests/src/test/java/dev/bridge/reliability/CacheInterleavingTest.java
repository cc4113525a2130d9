package dev.bridge.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bridge.engine.ResultCache;
import dev.bridge.protocol.TestServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.apache.arrow.flight.CallHeaders;
import org.apache.arrow.flight.FlightCallHeaders;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.HeaderCallOption;
import org.apache.arrow.flight.sql.FlightSqlClient;
import org.apache.arrow.flight.sql.FlightSqlClient.ExecuteIngestOptions;
import org.apache.arrow.flight.sql.FlightSqlClient.PreparedStatement;
import org.apache.arrow.flight.sql.FlightSqlClient.Transaction;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandStatementIngest.TableDefinitionOptions;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandStatementIngest.TableDefinitionOptions.TableExistsOption;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandStatementIngest.TableDefinitionOptions.TableNotExistOption;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A seeded, replayable interleaving of writes through every write path (Flight update and prepared update, Flight
 * and REST ingest, REST SQL, SQL transactions ended by COMMIT or ROLLBACK, Flight BeginTransaction/EndTransaction,
 * DDL, views, ATTACH/DETACH) from several sessions of both doors, and reads through both doors: every read that may
 * come from the result cache equals the answer DuckDB computes at that moment ({@code x-bridge-cache: off}).
 * {@code -Dfuzz.seed=N} replays a run, {@code -Dfuzz.cases=N} sets its length.
 */
class CacheInterleavingTest {
  @RegisterExtension
  static final TestServer server = TestServer.perClass();

  private static final HeaderCallOption OFF = header("off");
  private static final List<String> QUERIES = List.of(
      "SELECT k, count(*) AS n, sum(v) AS s FROM a GROUP BY k ORDER BY k",
      "SELECT count(*) AS n, coalesce(sum(v), 0) AS s FROM b",
      "SELECT a.k, sum(a.v * b.v) AS p FROM a JOIN b USING (k) GROUP BY a.k ORDER BY a.k",
      "SELECT * FROM ab ORDER BY ALL",
      "SELECT count(*) AS n FROM a WHERE v > 50",
      "SELECT max(v) AS top, min(k) AS low FROM (SELECT * FROM a UNION ALL SELECT * FROM b)");
  private static final String PARAMETERIZED = "SELECT count(*) AS n FROM a WHERE k = ?";

  private final HttpClient http = HttpClient.newHttpClient();
  private final Map<String, Integer> counts = new TreeMap<>();

  @Test
  void everyCachedReadEqualsTheUncachedAnswerAtThatMoment() throws Exception {
    long seed = Fuzz.seed("CacheInterleavingTest");
    Random random = new Random(seed);
    int cases = Fuzz.cases(300);
    ResultCache.Stats before = server.server().resultCache().stats();
    try (BufferAllocator allocator = new RootAllocator()) {
      List<FlightSqlClient> sessions = new ArrayList<>();
      List<FlightClient> connections = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        FlightClient connection = server.flightClient(allocator);
        connections.add(connection);
        sessions.add(new FlightSqlClient(connection));
      }
      try {
        FlightSqlClient setup = sessions.get(0);
        setup.executeUpdate("CREATE TABLE a(k INTEGER, v INTEGER)");
        setup.executeUpdate("CREATE TABLE b(k INTEGER, v INTEGER)");
        setup.executeUpdate("INSERT INTO a SELECT range % 5, range FROM range(20)");
        setup.executeUpdate("INSERT INTO b SELECT range % 3, range * 2 FROM range(10)");
        setup.executeUpdate("CREATE VIEW ab AS SELECT k, v FROM a WHERE k < 3");
        for (int step = 0; step < cases; step++) {
          FlightSqlClient session = sessions.get(random.nextInt(sessions.size()));
          String context = "seed " + seed + ", step " + step;
          if (random.nextInt(3) == 0) {
            write(random, session, allocator, context);
          } else {
            read(random, session, context);
          }
        }
      } finally {
        for (FlightSqlClient session : sessions) {
          session.close();
        }
      }
    }
    ResultCache.Stats after = server.server().resultCache().stats();
    System.out.printf("CacheInterleavingTest: %d steps, seed %d, %s, hits %d, invalidations %d%n", cases, seed,
        counts, after.hits() - before.hits(), after.invalidations() - before.invalidations());
    assertThat(after.hits() - before.hits()).as("the run must exercise the cache").isPositive();
    assertThat(after.invalidations() - before.invalidations()).isPositive();
  }

  /**
   * Readers of three doors (Flight, the JDBC driver, REST) asking the same slow queries at once while a writer's
   * writes (Flight update and prepared update, Flight ingest, REST statement) are acknowledged between them. A
   * reader may be answered by another's computation of the same query (single flight), even one whose table moved
   * meanwhile, but only if that answer saw every write acknowledged before the reader asked: every answer's
   * {@code seen} is at least the last sequence number acknowledged when it was sent. The seed picks the queries,
   * doors and write paths; the timing is the machine's.
   */
  @Test
  void concurrentReadersNeverMissAWriteAcknowledgedBeforeTheyAsked() throws Exception {
    long seed = Fuzz.seed("CacheInterleavingTest concurrent");
    int writes = Fuzz.cases(300) / 5;
    ResultCache.Stats before = server.server().resultCache().stats();
    java.util.concurrent.atomic.AtomicLong acknowledged = new java.util.concurrent.atomic.AtomicLong();
    java.util.concurrent.atomic.AtomicBoolean writing = new java.util.concurrent.atomic.AtomicBoolean(true);
    java.util.concurrent.ConcurrentMap<String, Integer> reads = new java.util.concurrent.ConcurrentSkipListMap<>();
    List<String> slowQueries = List.of(
        "SELECT (SELECT max(seq) FROM log) AS seen, count(*) AS n FROM slow WHERE i % 7 = 3",
        "SELECT (SELECT max(seq) FROM log) AS seen, sum(i % 13) AS s FROM slow",
        "SELECT max(seq) AS seen, (SELECT count(*) FROM slow WHERE i % 5 = 1) AS n FROM log");
    try (BufferAllocator allocator = new RootAllocator();
         FlightClient writerConnection = server.flightClient(allocator)) {
      FlightSqlClient writer = new FlightSqlClient(writerConnection);
      writer.executeUpdate("CREATE TABLE log(seq BIGINT)");
      writer.executeUpdate("INSERT INTO log VALUES (0)");
      writer.executeUpdate("CREATE TABLE slow AS SELECT range AS i FROM range(2000000)");
      var pool = java.util.concurrent.Executors.newFixedThreadPool(4);
      // The writes start once every reader is connected and reading (a JDBC connection takes a while to open).
      java.util.concurrent.CountDownLatch reading = new java.util.concurrent.CountDownLatch(4);
      try {
        List<java.util.concurrent.Future<?>> readers = new ArrayList<>();
        for (int reader = 0; reader < 4; reader++) {
          Random random = new Random(seed + reader);
          readers.add(pool.submit(() -> {
            try (FlightClient connection = server.flightClient(allocator);
                 java.sql.Connection jdbc = java.sql.DriverManager.getConnection(server.jdbcUrl())) {
              FlightSqlClient flight = new FlightSqlClient(connection);
              reading.countDown();
              while (writing.get()) {
                String sql = slowQueries.get(random.nextInt(slowQueries.size()));
                int door = random.nextInt(3);
                long mustSee = acknowledged.get();
                long seen = switch (door) {
                  case 0 -> Long.parseLong(flightRows(flight, sql, null).get(0).get(0));
                  case 1 -> {
                    try (java.sql.Statement statement = jdbc.createStatement();
                         java.sql.ResultSet rows = statement.executeQuery(sql)) {
                      rows.next();
                      yield rows.getLong(1);
                    }
                  }
                  default -> Long.parseLong(restBody(sql, true).lines().skip(1).findFirst().orElseThrow()
                      .split(",")[0]);
                };
                reads.merge(List.of("flight", "jdbc", "rest").get(door), 1, Integer::sum);
                assertThat(seen).as("seed %d: %s asked after write %d was acknowledged", seed, sql, mustSee)
                    .isGreaterThanOrEqualTo(mustSee);
              }
            }
            return null;
          }));
        }
        Random random = new Random(seed);
        try {
          assertThat(reading.await(60, java.util.concurrent.TimeUnit.SECONDS)).as("readers connected").isTrue();
          for (long seq = 1; seq <= writes; seq++) {
            writeSequence(random, writer, allocator, seq);
            acknowledged.set(seq);
            Thread.sleep(random.nextInt(40));
          }
        } finally {
          writing.set(false);
        }
        for (var reader : readers) {
          reader.get(120, java.util.concurrent.TimeUnit.SECONDS);
        }
      } finally {
        pool.shutdownNow();
      }
    }
    ResultCache.Stats after = server.server().resultCache().stats();
    System.out.printf("CacheInterleavingTest concurrent: %d writes, seed %d, reads %s, hits %d, misses %d%n", writes,
        seed, reads, after.hits() - before.hits(), after.misses() - before.misses());
    assertThat(reads.values().stream().mapToInt(Integer::intValue).sum()).isPositive();
  }

  /** Appends {@code seq} to the log through a write path the seed picks. */
  private void writeSequence(Random random, FlightSqlClient writer, BufferAllocator allocator, long seq)
      throws Exception {
    switch (random.nextInt(4)) {
      case 0 -> writer.executeUpdate("INSERT INTO log VALUES (" + seq + ")");
      case 1 -> {
        try (PreparedStatement update = writer.prepare("INSERT INTO log VALUES (" + seq + ")")) {
          update.executeUpdate();
        }
      }
      case 2 -> {
        Schema schema = new Schema(List.of(Field.nullable("seq", new ArrowType.Int(64, true))));
        try (VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator)) {
          org.apache.arrow.vector.BigIntVector values = (org.apache.arrow.vector.BigIntVector) root.getVector(0);
          values.allocateNew(1);
          values.set(0, seq);
          root.setRowCount(1);
          writer.executeIngest(root, new ExecuteIngestOptions("log", TableDefinitionOptions.newBuilder()
              .setIfNotExist(TableNotExistOption.TABLE_NOT_EXIST_OPTION_FAIL)
              .setIfExists(TableExistsOption.TABLE_EXISTS_OPTION_APPEND).build(), false, null, "main", Map.of()));
        }
      }
      default -> {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(server.httpUri("/v1/query"))
            .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                "{\"sql\": \"INSERT INTO log VALUES (" + seq + ")\"}")).build(),
            HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
      }
    }
  }

  private void read(Random random, FlightSqlClient session, String context) throws Exception {
    int door = random.nextInt(3);
    if (door == 0) {
      String sql = QUERIES.get(random.nextInt(QUERIES.size()));
      count("read flight");
      assertThat(flightRows(session, sql, null)).as(context + ": " + sql).isEqualTo(flightRows(session, sql, OFF));
    } else if (door == 1) {
      int k = random.nextInt(5);
      count("read prepared");
      assertThat(preparedRows(session, k, null)).as(context + ": k=" + k).isEqualTo(preparedRows(session, k, OFF));
    } else {
      String sql = QUERIES.get(random.nextInt(QUERIES.size()));
      count("read rest");
      assertThat(restBody(sql, true)).as(context + ": REST " + sql).isEqualTo(restBody(sql, false));
    }
  }

  private void write(Random random, FlightSqlClient session, BufferAllocator allocator, String context)
      throws Exception {
    int k = random.nextInt(5);
    int v = random.nextInt(100);
    switch (random.nextInt(10)) {
      case 0 -> {
        count("flight update");
        session.executeUpdate("INSERT INTO a VALUES (" + k + ", " + v + ")");
      }
      case 1 -> {
        count("flight prepared update");
        try (PreparedStatement update = session.prepare("UPDATE b SET v = v + 1 WHERE k = " + (k % 3))) {
          update.executeUpdate();
        }
      }
      case 2 -> {
        count("flight ingest");
        try (VectorSchemaRoot rows = rows(allocator, k, v)) {
          session.executeIngest(rows, new ExecuteIngestOptions(random.nextBoolean() ? "a" : "b",
              TableDefinitionOptions.newBuilder().setIfNotExist(TableNotExistOption.TABLE_NOT_EXIST_OPTION_FAIL)
                  .setIfExists(TableExistsOption.TABLE_EXISTS_OPTION_APPEND).build(), false, null, "main", Map.of()));
        }
      }
      case 3 -> {
        count("rest update");
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(server.httpUri("/v1/query"))
            .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                "{\"sql\": \"DELETE FROM a WHERE k = " + k + " AND v < " + v + "\"}")).build(),
            HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(context + ": " + response.body()).isEqualTo(200);
      }
      case 4 -> {
        count("rest ingest");
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(server.httpUri("/v1/tables/b?mode=append"))
            .header("Content-Type", "application/vnd.apache.arrow.stream")
            .POST(HttpRequest.BodyPublishers.ofByteArray(ipc(allocator, k, v))).build(),
            HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(context + ": " + response.body()).isEqualTo(200);
      }
      case 5 -> {
        boolean commit = random.nextBoolean();
        count(commit ? "sql commit" : "sql rollback");
        session.executeUpdate("BEGIN TRANSACTION");
        session.executeUpdate("UPDATE a SET v = v + 7 WHERE k = " + k);
        // Inside the transaction the session sees its own writes; nothing it reads there is cached.
        String sql = QUERIES.get(0);
        assertThat(flightRows(session, sql, null)).as(context + " in a transaction")
            .isEqualTo(flightRows(session, sql, OFF));
        session.executeUpdate(commit ? "COMMIT" : "ROLLBACK");
      }
      case 6 -> {
        boolean commit = random.nextBoolean();
        count(commit ? "flight commit" : "flight rollback");
        Transaction transaction = session.beginTransaction();
        session.executeUpdate("INSERT INTO b VALUES (" + (k % 3) + ", " + v + ")", transaction);
        if (commit) {
          session.commit(transaction);
        } else {
          session.rollback(transaction);
        }
      }
      case 7 -> {
        count("ddl");
        session.executeUpdate(random.nextBoolean() ? "CREATE OR REPLACE VIEW ab AS SELECT k, v FROM a WHERE k < "
            + (1 + k) : "CREATE OR REPLACE VIEW ab AS SELECT k, v FROM b WHERE v > " + v);
      }
      case 8 -> {
        count("create table shadowing");
        // A new table may shadow an older one through the search path: the next reads must see it.
        session.executeUpdate("CREATE SCHEMA IF NOT EXISTS shadow");
        session.executeUpdate("CREATE OR REPLACE TABLE shadow.a AS SELECT * FROM main.a WHERE v > " + v);
        session.executeUpdate("SET search_path = " + (random.nextBoolean() ? "'shadow,main'" : "'main'"));
      }
      default -> {
        count("attach");
        session.executeUpdate("ATTACH IF NOT EXISTS ':memory:' AS side");
        session.executeUpdate("CREATE OR REPLACE TABLE side.t AS SELECT " + v + " AS v");
        assertThat(flightRows(session, "SELECT v FROM side.t", null)).as(context)
            .isEqualTo(flightRows(session, "SELECT v FROM side.t", OFF)).containsExactly(List.of(String.valueOf(v)));
        session.executeUpdate("DETACH side");
      }
    }
  }

  private void count(String what) {
    counts.merge(what, 1, Integer::sum);
  }

  private static List<List<String>> flightRows(FlightSqlClient session, String sql, HeaderCallOption option)
      throws Exception {
    FlightInfo info = option == null ? session.execute(sql) : session.execute(sql, option);
    try (FlightStream stream = option == null ? session.getStream(info.getEndpoints().get(0).getTicket())
        : session.getStream(info.getEndpoints().get(0).getTicket(), option)) {
      return rows(stream);
    }
  }

  private static List<List<String>> preparedRows(FlightSqlClient session, int k, HeaderCallOption option)
      throws Exception {
    try (PreparedStatement prepared = session.prepare(PARAMETERIZED);
         BufferAllocator allocator = new RootAllocator();
         IntVector parameter = new IntVector("k", allocator);
         VectorSchemaRoot parameters = VectorSchemaRoot.of(parameter)) {
      parameter.allocateNew(1);
      parameter.set(0, k);
      parameters.setRowCount(1);
      prepared.setParameters(parameters);
      FlightInfo info = option == null ? prepared.execute() : prepared.execute(option);
      try (FlightStream stream = option == null ? session.getStream(info.getEndpoints().get(0).getTicket())
          : session.getStream(info.getEndpoints().get(0).getTicket(), option)) {
        return rows(stream);
      }
    }
  }

  private static List<List<String>> rows(FlightStream stream) {
    List<List<String>> rows = new ArrayList<>();
    while (stream.next()) {
      VectorSchemaRoot root = stream.getRoot();
      for (int row = 0; row < root.getRowCount(); row++) {
        List<String> values = new ArrayList<>();
        for (FieldVector vector : root.getFieldVectors()) {
          values.add(String.valueOf(vector.getObject(row)));
        }
        rows.add(values);
      }
    }
    return rows;
  }

  private String restBody(String sql, boolean cached) throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(server.httpUri("/v1/query") + "?sql="
        + URLEncoder.encode(sql, StandardCharsets.UTF_8) + "&format=csv"));
    if (!cached) {
      request.header(ResultCache.OPTION, "off");
    }
    HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return response.body();
  }

  private static VectorSchemaRoot rows(BufferAllocator allocator, int k, int v) {
    Schema schema = new Schema(List.of(Field.nullable("k", new ArrowType.Int(32, true)),
        Field.nullable("v", new ArrowType.Int(32, true))));
    VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator);
    IntVector keys = (IntVector) root.getVector(0);
    IntVector values = (IntVector) root.getVector(1);
    keys.allocateNew(2);
    values.allocateNew(2);
    for (int i = 0; i < 2; i++) {
      keys.set(i, (k + i) % 5);
      values.set(i, v + i);
    }
    root.setRowCount(2);
    return root;
  }

  private static byte[] ipc(BufferAllocator allocator, int k, int v) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (VectorSchemaRoot root = rows(allocator, k, v);
         ArrowStreamWriter writer = new ArrowStreamWriter(root, null, out)) {
      writer.start();
      writer.writeBatch();
      writer.end();
    }
    return out.toByteArray();
  }

  private static HeaderCallOption header(String value) {
    CallHeaders headers = new FlightCallHeaders();
    headers.insert(ResultCache.OPTION, value);
    return new HeaderCallOption(headers);
  }
}
