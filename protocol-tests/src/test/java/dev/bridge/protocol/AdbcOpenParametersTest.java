package dev.bridge.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.apache.arrow.adbc.core.AdbcConnection;
import org.apache.arrow.adbc.core.AdbcDatabase;
import org.apache.arrow.adbc.core.AdbcStatement;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.TimeMicroVector;
import org.apache.arrow.vector.TimeStampMicroVector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Java ADBC binds parameter batches of its own types, whatever the server declared: a parameter DuckDB leaves open
 * ({@code SELECT ?}) runs with DuckDB typing the value as the client bound it, and a typed one takes any value DuckDB
 * casts to its type.
 */
class AdbcOpenParametersTest {
  @RegisterExtension
  static final TestServer server = TestServer.perClass();

  static Stream<Arguments> boundValues() {
    return Stream.of(
        bound("SELECT ? + 1", new ArrowType.Int(32, true), v -> ((IntVector) v).setSafe(0, 1),
            new ArrowType.Int(32, true), "2"),
        bound("SELECT ?", new ArrowType.Int(64, true), v -> ((BigIntVector) v).setSafe(0, 1L << 40),
            new ArrowType.Int(64, true), String.valueOf(1L << 40)),
        bound("SELECT ?", new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE),
            v -> ((Float8Vector) v).setSafe(0, 2.5), new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE),
            "2.5"),
        bound("SELECT ? * 2", new ArrowType.Decimal(10, 3, 128),
            v -> ((DecimalVector) v).setSafe(0, new BigDecimal("1.250")), null, "2.500"),
        bound("SELECT ? || '!'", ArrowType.Utf8.INSTANCE,
            v -> ((VarCharVector) v).setSafe(0, "hi".getBytes(StandardCharsets.UTF_8)), ArrowType.Utf8.INSTANCE,
            "hi!"),
        bound("SELECT NOT ?", ArrowType.Bool.INSTANCE, v -> ((BitVector) v).setSafe(0, 1),
            ArrowType.Bool.INSTANCE, "false"),
        // Epoch days: 2024-02-28 plus one day is 2024-02-29.
        bound("SELECT ? + 1", new ArrowType.Date(DateUnit.DAY), v -> ((DateDayVector) v).setSafe(0, 19_781),
            new ArrowType.Date(DateUnit.DAY), "19782"),
        bound("SELECT ?", new ArrowType.Timestamp(TimeUnit.MICROSECOND, null),
            v -> ((TimeStampMicroVector) v).setSafe(0, 1_709_209_800_123_456L),
            new ArrowType.Timestamp(TimeUnit.MICROSECOND, null), "2024-02-29T12:30:00.123456"),
        bound("SELECT ?", new ArrowType.Time(TimeUnit.MICROSECOND, 64),
            v -> ((TimeMicroVector) v).setSafe(0, 45_000_000_001L), new ArrowType.Time(TimeUnit.MICROSECOND, 64),
            "45000000001"),
        bound("SELECT octet_length(?)", ArrowType.Binary.INSTANCE,
            v -> ((VarBinaryVector) v).setSafe(0, new byte[] {1, 2, 3}), new ArrowType.Int(64, true), "3"),
        bound("SELECT ? IS NULL", new ArrowType.Int(32, true), v -> v.setNull(0), ArrowType.Bool.INSTANCE,
            "true"),
        // Typed positions, declared exactly (DECIMAL(12,2), DATE): a value of another scale or type is cast by DuckDB
        // to the declared type, where the JDBC driver would refuse it.
        bound("SELECT CAST(? AS DECIMAL(12,2)) * 2", new ArrowType.Decimal(4, 1, 128),
            v -> ((DecimalVector) v).setSafe(0, new BigDecimal("1.5")), null, "3.00"),
        bound("SELECT CAST(? AS DECIMAL(12,2)) * 2", new ArrowType.Int(32, true), v -> ((IntVector) v).setSafe(0, 2),
            null, "4.00"),
        bound("SELECT CAST(? AS DATE) + 1", ArrowType.Utf8.INSTANCE,
            v -> ((VarCharVector) v).setSafe(0, "2024-02-28".getBytes(StandardCharsets.UTF_8)),
            new ArrowType.Date(DateUnit.DAY), "19782"));
  }

  private static Arguments bound(String sql, ArrowType parameterType, Consumer<FieldVector> value,
      ArrowType resultType, String expected) {
    return Arguments.of(sql + " with " + parameterType, sql, parameterType, value, resultType, expected);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("boundValues")
  void runsWithTheValueTypedAsBound(String name, String sql, ArrowType parameterType, Consumer<FieldVector> value,
      ArrowType resultType, String expected) throws Exception {
    try (BufferAllocator allocator = new RootAllocator();
         AdbcDatabase database = server.adbcDatabase(allocator);
         AdbcConnection connection = database.connect();
         AdbcStatement statement = connection.createStatement();
         VectorSchemaRoot parameters = VectorSchemaRoot.of(
             new Field("p", FieldType.nullable(parameterType), null).createVector(allocator))) {
      statement.setSqlQuery(sql);
      statement.prepare();
      parameters.allocateNew();
      value.accept(parameters.getVector(0));
      parameters.setRowCount(1);
      statement.bind(parameters);
      try (AdbcStatement.QueryResult result = statement.executeQuery()) {
        ArrowReader reader = result.getReader();
        assertThat(reader.loadNextBatch()).isTrue();
        FieldVector column = reader.getVectorSchemaRoot().getVector(0);
        if (resultType != null) {
          assertThat(column.getField().getType()).isEqualTo(resultType);
        } else {
          assertThat(column.getField().getType()).isInstanceOf(ArrowType.Decimal.class);
        }
        assertThat(String.valueOf(column.getObject(0))).isEqualTo(expected);
      }
    }
  }

  /** Runs {@code sql} as a prepared update with these rows bound (one column per parameter); the rows changed. */
  private static long update(AdbcConnection connection, BufferAllocator allocator, String sql, List<Field> fields,
      Consumer<VectorSchemaRoot> rows) throws Exception {
    try (AdbcStatement statement = connection.createStatement();
         VectorSchemaRoot parameters = VectorSchemaRoot.create(new org.apache.arrow.vector.types.pojo.Schema(fields),
             allocator)) {
      statement.setSqlQuery(sql);
      statement.prepare();
      parameters.allocateNew();
      rows.accept(parameters);
      statement.bind(parameters);
      return statement.executeUpdate().getAffectedRows();
    }
  }

  private static List<String> rows(AdbcConnection connection, String sql) throws Exception {
    List<String> rows = new java.util.ArrayList<>();
    try (AdbcStatement statement = connection.createStatement()) {
      statement.setSqlQuery(sql);
      try (AdbcStatement.QueryResult result = statement.executeQuery()) {
        ArrowReader reader = result.getReader();
        while (reader.loadNextBatch()) {
          VectorSchemaRoot root = reader.getVectorSchemaRoot();
          for (int row = 0; row < root.getRowCount(); row++) {
            StringBuilder line = new StringBuilder();
            for (FieldVector column : root.getFieldVectors()) {
              line.append(line.length() > 0 ? " | " : "").append(column.getObject(row));
            }
            rows.add(line.toString());
          }
        }
      }
    }
    return rows;
  }

  @org.junit.jupiter.api.Test
  void aBatchMixingTypedNullsAndValuesInAnOpenPositionInsertsUpdatesAndDeletesRowByRow() throws Exception {
    Field id = new Field("id", FieldType.nullable(new ArrowType.Int(32, true)), null);
    Field seen = new Field("seen", FieldType.nullable(new ArrowType.Timestamp(TimeUnit.MICROSECOND, null)), null);
    Field bytes = new Field("b", FieldType.nullable(ArrowType.Binary.INSTANCE), null);
    try (BufferAllocator allocator = new RootAllocator();
         AdbcDatabase database = server.adbcDatabase(allocator);
         AdbcConnection connection = database.connect()) {
      try (AdbcStatement create = connection.createStatement()) {
        create.setSqlQuery("CREATE TABLE adbc_typed_nulls (id INTEGER, seen TIMESTAMP, n BIGINT)");
        create.executeUpdate();
      }
      // 2024-02-29T12:30:00 in epoch microseconds; rows 2 and 3 bind a TIMESTAMP NULL where DuckDB needs its type.
      long inserted = update(connection, allocator, "INSERT INTO adbc_typed_nulls VALUES (?, ? + INTERVAL 1 DAY, 0)",
          List.of(id, seen), root -> {
            for (int row = 0; row < 3; row++) {
              ((IntVector) root.getVector(0)).setSafe(row, row + 1);
            }
            ((TimeStampMicroVector) root.getVector(1)).setSafe(0, 1_709_209_800_000_000L);
            root.getVector(1).setNull(1);
            root.getVector(1).setNull(2);
            root.setRowCount(3);
          });
      long updated = update(connection, allocator, "UPDATE adbc_typed_nulls SET n = octet_length(?) WHERE id = ?",
          List.of(bytes, id), root -> {
            ((VarBinaryVector) root.getVector(0)).setSafe(0, new byte[] {1, 2, 3});
            root.getVector(0).setNull(1);
            ((IntVector) root.getVector(1)).setSafe(0, 1);
            ((IntVector) root.getVector(1)).setSafe(1, 2);
            root.setRowCount(2);
          });
      long deleted = update(connection, allocator, "DELETE FROM adbc_typed_nulls WHERE seen = ? + INTERVAL 1 DAY"
          + " OR id = ?", List.of(seen, id), root -> {
            root.getVector(0).setNull(0);
            ((IntVector) root.getVector(1)).setSafe(0, 3);
            root.setRowCount(1);
          });

      assertThat(List.of(inserted, updated, deleted)).containsExactly(3L, 2L, 1L);
      assertThat(rows(connection, "SELECT id, seen, n FROM adbc_typed_nulls ORDER BY id"))
          .containsExactly("1 | 2024-03-01T12:30 | 3", "2 | null | null");
    }
  }
}
