package dev.bridge.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import dev.bridge.protocol.TestServer;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.apache.arrow.flight.impl.Flight;
import org.apache.arrow.flight.sql.impl.FlightSql;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.types.Types.MinorType;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Seeded fuzzing of the Flight door over raw gRPC: garbage and truncated commands, Any wrappers around the wrong
 * or corrupt message, unknown type URLs, tickets and handles from nowhere, random actions, corrupt and lying Arrow
 * IPC in DoPut, huge and deeply nested values, SQL that fails while planning or while running. Every case must end
 * in a client-error status whose message names the problem (never UNKNOWN, INTERNAL or a hang), the session must
 * answer a normal query right after, no failed ingest may leave a row behind, and the server's Arrow allocator
 * must end at zero.
 */
class FlightFuzzTest {
  @RegisterExtension
  static final TestServer server = TestServer.perClass();

  private static final String SQL_PREFIX = "type.googleapis.com/arrow.flight.protocol.sql.";
  private static final String TARGET = "fuzz_target";
  private static final int TARGET_ROWS = 3;

  /** The codes a client's mistake may get; UNKNOWN, INTERNAL, DEADLINE_EXCEEDED and UNAVAILABLE are server bugs. */
  private static final List<Status.Code> CLIENT_ERRORS = List.of(Status.Code.INVALID_ARGUMENT, Status.Code.NOT_FOUND,
      Status.Code.FAILED_PRECONDITION, Status.Code.UNIMPLEMENTED, Status.Code.OUT_OF_RANGE,
      Status.Code.ALREADY_EXISTS, Status.Code.RESOURCE_EXHAUSTED);

  private static final Pattern COMMAND_PROBLEM = Pattern.compile(
      "(?i)command|descriptor|protobuf|\\bany\\b|type|parse|syntax|unrecognized|not a flight sql|empty|query|sql|"
          + "table|transaction|handle|prepared|not supported");
  private static final Pattern HANDLE_PROBLEM = Pattern.compile("(?i)ticket|handle|prepared|unknown|expired|not found");
  private static final Pattern ACTION_PROBLEM = Pattern.compile(
      "(?i)action|unknown|unrecognized|not supported|parse|protobuf|handle|transaction|savepoint|session|option|"
          + "request|any|type|invalid|query|sql");
  private static final Pattern SQL_PROBLEM = Pattern.compile(
      "(?i)(parser|catalog|binder|conversion|invalid input|out of range|not implemented|constraint) error"
          + "|syntax|does not exist|boom");
  private static final Pattern IPC_PROBLEM = Pattern.compile(
      "(?i)arrow|ipc|schema|batch|message|stream|buffer|flatbuffer|corrupt|invalid|length|column|type|header|"
          + "vector|offset|descriptor|ingest|command");

  /** What a case may end in. */
  private record Expect(boolean mayPass, Pattern problem) {
    static Expect error(Pattern problem) {
      return new Expect(false, problem);
    }

    static Expect errorOrPass(Pattern problem) {
      return new Expect(true, problem);
    }
  }

  /** A generated case: what it is, the call, what it may end in, and how many target rows a success adds. */
  private record Case(String kind, String detail, Function<RawFlight, Long> call, Expect expect) {}

  @Test
  void everyGeneratedCaseEndsInAClientErrorAndTheServerStaysWhole() throws Exception {
    long seed = Fuzz.seed("FlightFuzzTest");
    Random random = new Random(seed);
    int cases = Fuzz.cases(1000);
    Map<String, Integer> counts = new TreeMap<>();
    Map<String, Long> millis = new TreeMap<>();
    List<String> failures = new ArrayList<>();
    long targetRows = TARGET_ROWS;
    long leftBytes = 0;
    try (BufferAllocator allocator = new RootAllocator(); RawFlight flight = new RawFlight(server.port())) {
      flight.query(statementUpdateAsQuery("CREATE TABLE " + TARGET + " AS SELECT range::INTEGER AS id, "
          + "'row ' || range AS name FROM range(" + TARGET_ROWS + ")"));
      List<Function<Random, Case>> generators = generators(allocator);
      for (int i = 0; i < cases; i++) {
        Case fuzzCase = generators.get(random.nextInt(generators.size())).apply(random);
        counts.merge(fuzzCase.kind(), 1, Integer::sum);
        long started = System.nanoTime();
        String label = "case " + i + " " + fuzzCase.kind() + " (" + fuzzCase.detail() + ")";
        try {
          long added = fuzzCase.call().apply(flight);
          if (!fuzzCase.expect().mayPass()) {
            failures.add(label + ": succeeded, expected an error");
          }
          targetRows += added;
        } catch (StatusRuntimeException e) {
          Status status = e.getStatus();
          String description = String.valueOf(status.getDescription());
          if (!CLIENT_ERRORS.contains(status.getCode())) {
            failures.add(label + ": " + status.getCode() + " " + description);
          } else if (!fuzzCase.expect().problem().matcher(description).find()) {
            failures.add(label + ": message does not name the problem: " + status.getCode() + " " + description);
          }
        }
        try {
          assertThat(flight.query(query("SELECT 42 AS answer"))).isGreaterThanOrEqualTo(2);
          if (fuzzCase.kind().startsWith("put")) {
            long rows = countRows(flight);
            if (rows != targetRows) {
              failures.add(label + ": " + TARGET + " has " + rows + " rows, expected " + targetRows);
              targetRows = rows;
            }
          }
        } catch (StatusRuntimeException e) {
          failures.add(label + ": the next normal query failed: " + e.getStatus());
        }
        long held = Fuzz.heldBytesSettled(server.server(), leftBytes);
        if (held > leftBytes) {
          failures.add(label + ": the server holds " + (held - leftBytes) + " more Arrow bytes after it");
          leftBytes = held;
        }
        millis.merge(fuzzCase.kind(), (System.nanoTime() - started) / 1_000_000, Long::sum);
      }
    }
    System.out.printf("FlightFuzzTest: %d cases, seed %d, by kind %s, ms by kind %s%n", cases, seed, counts, millis);
    assertThat(failures).as("seed " + seed).isEmpty();
    assertAllocatorDrains();
  }

  static void assertAllocatorDrains() throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (server.server().allocatedBytes() != 0 && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertThat(server.server().allocatedBytes()).as("Arrow bytes the server still holds").isZero();
  }

  private static long countRows(RawFlight flight) {
    // The count comes back as the update count of a DoPut of CommandStatementUpdate: no IPC decoding needed here.
    byte[] update = Any.pack(FlightSql.CommandStatementUpdate.newBuilder()
        .setQuery("UPDATE " + TARGET + " SET id = id").build()).toByteArray();
    List<Flight.PutResult> results = flight.doPut(List.of(Flight.FlightData.newBuilder()
        .setFlightDescriptor(RawFlight.command(update)).build()));
    return updateCount(results);
  }

  private static long updateCount(List<Flight.PutResult> results) {
    try {
      return results.isEmpty() ? 0
          : FlightSql.DoPutUpdateResult.parseFrom(results.get(0).getAppMetadata()).getRecordCount();
    } catch (InvalidProtocolBufferException e) {
      throw new AssertionError("the DoPut result is not a DoPutUpdateResult", e);
    }
  }

  // ---- Generators ----------------------------------------------------------------------------------------------

  private List<Function<Random, Case>> generators(BufferAllocator allocator) {
    IpcMessages good = targetBatch(allocator);
    IpcMessages other = otherBatch(allocator);
    return List.of(
        r -> commandCase("random-command", Fuzz.randomBytes(r, 200), Expect.error(COMMAND_PROBLEM), r),
        r -> commandCase("truncated-command", Fuzz.truncated(r, query("SELECT * FROM range(" + r.nextInt(99) + ")")),
            Expect.error(COMMAND_PROBLEM), r),
        // A flipped byte in the SQL text leaves a valid command whose SQL DuckDB refuses.
        r -> commandCase("corrupted-command", Fuzz.corrupted(r, query("SELECT 1 AS x")),
            Expect.errorOrPass(Pattern.compile(COMMAND_PROBLEM.pattern() + "|" + SQL_PROBLEM.pattern())), r),
        r -> commandCase("wrong-message-in-any", wrongMessageInAny(r), Expect.errorOrPass(COMMAND_PROBLEM), r),
        r -> commandCase("random-body-in-any", anyOf(randomSqlType(r), Fuzz.randomBytes(r, 80)),
            Expect.errorOrPass(COMMAND_PROBLEM), r),
        r -> commandCase("unknown-type-url", anyOf(unknownTypeUrl(r), Fuzz.randomBytes(r, 40)),
            Expect.error(COMMAND_PROBLEM), r),
        r -> commandCase("prepared-handle-from-nowhere", Any.pack(FlightSql.CommandPreparedStatementQuery.newBuilder()
            .setPreparedStatementHandle(ByteString.copyFrom(Fuzz.randomBytes(r, 40))).build()).toByteArray(),
            Expect.error(HANDLE_PROBLEM), r),
        this::ticketCase,
        this::actionCase,
        r -> sqlCase(r),
        r -> hugeCase(r),
        r -> putCase(r, good, other, allocator));
  }

  private static Case commandCase(String kind, byte[] command, Expect expect, Random random) {
    boolean schema = random.nextBoolean();
    String detail = (schema ? "GetSchema " : "GetFlightInfo ") + command.length + " bytes";
    return new Case(kind, detail, flight -> {
      if (schema) {
        flight.getSchema(command);
      } else {
        flight.query(command);
      }
      return 0L;
    }, expect);
  }

  private Case ticketCase(Random random) {
    byte[] ticket = switch (random.nextInt(4)) {
      case 0 -> Fuzz.randomBytes(random, 100);
      case 1 -> Any.pack(FlightSql.TicketStatementQuery.newBuilder()
          .setStatementHandle(ByteString.copyFrom(Fuzz.randomBytes(random, 40))).build()).toByteArray();
      case 2 -> Any.pack(FlightSql.CommandPreparedStatementQuery.newBuilder()
          .setPreparedStatementHandle(ByteString.copyFromUtf8(Fuzz.word(random, 30))).build()).toByteArray();
      default -> Fuzz.truncated(random, Any.pack(FlightSql.TicketStatementQuery.newBuilder()
          .setStatementHandle(ByteString.copyFromUtf8(Fuzz.word(random, 30))).build()).toByteArray());
    };
    return new Case("ticket-from-nowhere", ticket.length + " bytes", flight -> {
      flight.doGet(ByteString.copyFrom(ticket));
      return 0L;
    }, Expect.error(Pattern.compile(HANDLE_PROBLEM.pattern() + "|" + COMMAND_PROBLEM.pattern())));
  }

  private static final List<String> ACTIONS = List.of("CreatePreparedStatement", "ClosePreparedStatement",
      "BeginTransaction", "EndTransaction", "BeginSavepoint", "EndSavepoint", "CancelQuery", "CancelFlightInfo",
      "RenewFlightEndpoint", "SetSessionOptions", "GetSessionOptions", "CreatePreparedSubstraitPlan");

  private Case actionCase(Random random) {
    int variant = random.nextInt(5);
    String type = variant == 0 ? Fuzz.word(random, 20) : ACTIONS.get(random.nextInt(ACTIONS.size()));
    byte[] body = switch (variant) {
      case 0, 1 -> Fuzz.randomBytes(random, 60);
      case 2 -> Fuzz.truncated(random, Any.pack(FlightSql.ActionClosePreparedStatementRequest.newBuilder()
          .setPreparedStatementHandle(ByteString.copyFromUtf8(Fuzz.word(random, 20))).build()).toByteArray());
      case 3 -> Any.pack(FlightSql.ActionClosePreparedStatementRequest.newBuilder()
          .setPreparedStatementHandle(ByteString.copyFromUtf8(Fuzz.word(random, 20))).build()).toByteArray();
      default -> Any.pack(FlightSql.ActionEndTransactionRequest.newBuilder()
          .setTransactionId(ByteString.copyFromUtf8(Fuzz.word(random, 20)))
          .setActionValue(random.nextInt(4)).build()).toByteArray();
    };
    String finalType = variant >= 3 ? (variant == 3 ? "ClosePreparedStatement" : "EndTransaction") : type;
    // An action named right with a body that happens to parse (or an empty one) may legitimately succeed.
    Expect expect = variant == 0 || variant >= 3 ? Expect.error(ACTION_PROBLEM) : Expect.errorOrPass(ACTION_PROBLEM);
    return new Case("action", finalType + " " + body.length + " bytes", flight -> {
      flight.doAction(finalType, body);
      return 0L;
    }, expect);
  }

  private static Case sqlCase(Random random) {
    String word = Fuzz.word(random, 12);
    int n = 1 + random.nextInt(5000);
    String sql = switch (random.nextInt(9)) {
      case 0 -> "SELEKT " + word;
      case 1 -> "SELECT * FROM no_such_table_" + word;
      case 2 -> "SELECT no_such_column_" + word + " FROM range(3)";
      case 3 -> "SELECT no_such_function_" + word + "(1)";
      case 4 -> "SELECT CAST(s AS INTEGER) FROM (SELECT CASE WHEN range = " + (n - 1)
          + " THEN 'x" + word + "' ELSE range::VARCHAR END AS s FROM range(" + n + "))";
      case 5 -> "SELECT CASE WHEN range = " + (n - 1) + " THEN error('boom " + word + "') ELSE range END FROM range("
          + n + ")";
      case 6 -> "SELECT (range + 9223372036854775000)::BIGINT * 1000 FROM range(" + n + ")";
      case 7 -> "SELECT 1 // 0 + range FROM range(" + n + ")";
      default -> "SELECT '" + word + "'::DATE";
    };
    // Integer division by zero is NULL in DuckDB, not an error; it is here to prove it stays harmless.
    Expect expect = sql.contains("// 0") ? Expect.errorOrPass(SQL_PROBLEM) : Expect.error(SQL_PROBLEM);
    return new Case("sql-fails", sql.length() > 60 ? sql.substring(0, 60) + "..." : sql, flight -> {
      flight.query(query(sql));
      return 0L;
    }, expect);
  }

  private static Case hugeCase(Random random) {
    int kib = 64 * (1 + random.nextInt(4));
    return switch (random.nextInt(4)) {
      case 0 -> new Case("huge", "a " + kib + " KiB string literal", flight -> {
        flight.query(query("SELECT length('" + "x".repeat(kib << 10) + "') AS n"));
        return 0L;
      }, Expect.errorOrPass(SQL_PROBLEM));
      case 1 -> new Case("huge", "a " + kib + " KiB identifier", flight -> {
        flight.query(query("SELECT * FROM " + "t".repeat(kib << 10)));
        return 0L;
      }, Expect.error(SQL_PROBLEM));
      case 2 -> {
        int depth = 20 + random.nextInt(80);
        yield new Case("deeply-nested", "a list nested " + depth + " deep", flight -> {
          flight.query(query("SELECT " + "[".repeat(depth) + "1" + "]".repeat(depth) + " AS nested"));
          return 0L;
        }, Expect.errorOrPass(Pattern.compile(SQL_PROBLEM.pattern() + "|(?i)nest|depth|recursion|stack")));
      }
      default -> new Case("huge", "a " + (8 * kib) + " KiB string result", flight -> {
        flight.query(query("SELECT repeat('x', " + (kib << 13) + ") AS big"));
        return 0L;
      }, Expect.errorOrPass(Pattern.compile("(?i)size|message|exceed|limit")));
    };
  }

  private Case putCase(Random random, IpcMessages good, IpcMessages other, BufferAllocator allocator) {
    Flight.FlightDescriptor append = ingestInto(TARGET);
    int variant = random.nextInt(10);
    List<IpcMessages.Piece> pieces = new ArrayList<>(good.pieces());
    String detail;
    Flight.FlightDescriptor descriptor = append;
    Expect expect = Expect.error(IPC_PROBLEM);
    int batch = 1 + random.nextInt(good.batches().size());
    IpcMessages.Piece target = pieces.get(batch);
    switch (variant) {
      case 0 -> {
        pieces.set(0, new IpcMessages.Piece(Fuzz.randomBytes(random, 200), new byte[0]));
        detail = "random schema header";
      }
      case 1 -> {
        pieces.set(0, new IpcMessages.Piece(Fuzz.truncated(random, good.schema().header()), new byte[0]));
        detail = "truncated schema header";
        // Cutting only the flatbuffer's trailing padding leaves a valid schema.
        expect = Expect.errorOrPass(IPC_PROBLEM);
      }
      case 2 -> {
        pieces.set(batch, new IpcMessages.Piece(Fuzz.truncated(random, target.header()), target.body()));
        detail = "truncated batch header";
      }
      case 3 -> {
        pieces.set(batch, new IpcMessages.Piece(target.header(), Fuzz.truncated(random, target.body())));
        detail = "truncated batch body";
        // Cutting only the body's trailing padding (its last buffer ends 4 bytes before it) leaves a valid batch.
        expect = Expect.errorOrPass(IPC_PROBLEM);
      }
      case 4 -> {
        pieces.set(batch, new IpcMessages.Piece(Fuzz.corrupted(random, target.header()), target.body()));
        detail = "corrupted batch header";
        expect = Expect.errorOrPass(IPC_PROBLEM);
      }
      case 5 -> {
        pieces.set(batch, new IpcMessages.Piece(target.header(), Fuzz.corrupted(random, target.body())));
        detail = "corrupted batch body";
        expect = Expect.errorOrPass(IPC_PROBLEM);
      }
      case 6 -> {
        pieces.set(batch, other.batches().get(0));
        detail = "a batch of another schema";
        expect = Expect.errorOrPass(IPC_PROBLEM);
      }
      case 7 -> {
        pieces.remove(0);
        detail = "batches without a schema";
      }
      case 8 -> {
        descriptor = RawFlight.command(Fuzz.randomBytes(random, 60));
        detail = "a random command";
        expect = Expect.error(Pattern.compile(IPC_PROBLEM.pattern() + "|" + COMMAND_PROBLEM.pattern()));
      }
      default -> {
        int depth = 10 + random.nextInt(40);
        pieces = nested(allocator, depth).pieces();
        descriptor = ingestInto("fuzz_nested_" + Integer.toUnsignedString(random.nextInt()));
        detail = "a list nested " + depth + " deep";
        expect = Expect.errorOrPass(IPC_PROBLEM);
      }
    }
    boolean countsForTarget = descriptor == append;
    List<Flight.FlightData> messages = IpcMessages.put(descriptor, pieces);
    return new Case("put-" + variant, detail, flight -> {
      long rows = updateCount(flight.doPut(messages));
      return countsForTarget ? rows : 0L;
    }, expect);
  }

  // ---- Building blocks -----------------------------------------------------------------------------------------

  static byte[] query(String sql) {
    return Any.pack(FlightSql.CommandStatementQuery.newBuilder().setQuery(sql).build()).toByteArray();
  }

  /** Runs DDL as a query: DuckDB answers it with a count, which is all this needs. */
  private static byte[] statementUpdateAsQuery(String sql) {
    return query(sql);
  }

  static Flight.FlightDescriptor ingestInto(String table) {
    return RawFlight.command(Any.pack(FlightSql.CommandStatementIngest.newBuilder().setTable(table)
        .setTableDefinitionOptions(FlightSql.CommandStatementIngest.TableDefinitionOptions.newBuilder()
            .setIfNotExist(FlightSql.CommandStatementIngest.TableDefinitionOptions.TableNotExistOption
                .TABLE_NOT_EXIST_OPTION_CREATE)
            .setIfExists(FlightSql.CommandStatementIngest.TableDefinitionOptions.TableExistsOption
                .TABLE_EXISTS_OPTION_APPEND))
        .build()).toByteArray());
  }

  private static byte[] anyOf(String typeUrl, byte[] body) {
    return Any.newBuilder().setTypeUrl(typeUrl).setValue(ByteString.copyFrom(body)).build().toByteArray();
  }

  private static final List<String> SQL_TYPES = List.of("CommandStatementQuery", "CommandStatementUpdate",
      "CommandPreparedStatementQuery", "CommandPreparedStatementUpdate", "CommandGetTables", "CommandGetDbSchemas",
      "CommandGetSqlInfo", "CommandGetXdbcTypeInfo", "CommandGetPrimaryKeys", "CommandGetExportedKeys",
      "CommandGetImportedKeys", "CommandGetCrossReference", "CommandStatementIngest", "TicketStatementQuery",
      "CommandStatementSubstraitPlan", "CommandGetCatalogs", "CommandGetTableTypes");

  private static String randomSqlType(Random random) {
    return SQL_PREFIX + SQL_TYPES.get(random.nextInt(SQL_TYPES.size()));
  }

  private static String unknownTypeUrl(Random random) {
    return switch (random.nextInt(3)) {
      case 0 -> SQL_PREFIX + "Command" + Fuzz.word(random, 15);
      case 1 -> "type.googleapis.com/" + Fuzz.word(random, 10) + "." + Fuzz.word(random, 10);
      default -> Fuzz.word(random, 30);
    };
  }

  /** A valid Any whose type URL names one Flight SQL message and whose value is another. */
  private static byte[] wrongMessageInAny(Random random) {
    List<Message> bodies = List.of(
        FlightSql.CommandGetTables.newBuilder().setTableNameFilterPattern(Fuzz.word(random, 8)).setIncludeSchema(true)
            .build(),
        FlightSql.CommandStatementIngest.newBuilder().setTable(Fuzz.word(random, 8)).build(),
        FlightSql.ActionEndTransactionRequest.newBuilder().setActionValue(1).build(),
        FlightSql.CommandGetSqlInfo.newBuilder().addInfo(random.nextInt(1000)).build(),
        FlightSql.CommandPreparedStatementQuery.newBuilder()
            .setPreparedStatementHandle(ByteString.copyFromUtf8(Fuzz.word(random, 8))).build());
    Message body = bodies.get(random.nextInt(bodies.size()));
    return anyOf(randomSqlType(random), body.toByteArray());
  }

  private static IpcMessages targetBatch(BufferAllocator allocator) {
    Schema schema = new Schema(List.of(Field.nullable("id", MinorType.INT.getType()),
        Field.nullable("name", MinorType.VARCHAR.getType())));
    try (VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator)) {
      IntVector id = (IntVector) root.getVector("id");
      VarCharVector name = (VarCharVector) root.getVector("name");
      for (int i = 0; i < 50; i++) {
        id.setSafe(i, 1000 + i);
        name.setSafe(i, ("fuzz row " + i).getBytes(StandardCharsets.UTF_8));
      }
      root.setRowCount(50);
      return IpcMessages.of(root, 3);
    }
  }

  private static IpcMessages otherBatch(BufferAllocator allocator) {
    Schema schema = new Schema(List.of(Field.nullable("other", MinorType.VARCHAR.getType())));
    try (VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator)) {
      VarCharVector other = (VarCharVector) root.getVector("other");
      for (int i = 0; i < 7; i++) {
        other.setSafe(i, ("a much longer value " + i).repeat(3).getBytes(StandardCharsets.UTF_8));
      }
      root.setRowCount(7);
      return IpcMessages.of(root, 1);
    }
  }

  /** One row holding a list nested {@code depth} deep. */
  private static IpcMessages nested(BufferAllocator allocator, int depth) {
    Field field = Field.nullable("leaf", MinorType.INT.getType());
    for (int i = 0; i < depth; i++) {
      field = new Field(i == depth - 1 ? "nested" : "item", FieldType.nullable(ArrowType.List.INSTANCE),
          List.of(field));
    }
    try (VectorSchemaRoot root = VectorSchemaRoot.create(new Schema(List.of(field)), allocator)) {
      root.allocateNew();
      ListVector outer = (ListVector) root.getVector("nested");
      ListVector list = outer;
      while (true) {
        list.startNewValue(0);
        list.endValue(0, 1);
        list.setValueCount(1);
        if (list.getDataVector() instanceof ListVector inner) {
          list = inner;
        } else {
          IntVector leaf = (IntVector) list.getDataVector();
          leaf.setSafe(0, 7);
          leaf.setValueCount(1);
          break;
        }
      }
      root.setRowCount(1);
      return IpcMessages.of(root, 1);
    }
  }
}
