package dev.bridge.flight;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The parameter schema of a prepared statement, from the DuckDB types its parameters were resolved to (for the
 * positions DuckDB leaves open, the type the planner chose: see {@code dev.bridge.engine.OpenParameters}). Every
 * parameter is nullable; DECIMAL parameters are 128-bit. A parameter still untyped is declared as text.
 *
 * <p>Times and timestamps are declared in milliseconds whatever DuckDB's unit: the declaration is what the Flight
 * SQL JDBC driver (15 to 18) binds into, and its binder writes {@code java.sql.Timestamp} and {@code Time} as epoch
 * milliseconds into whatever vector it is given, so a microsecond declaration would shift every value by 1000x.
 * Clients that build their own batches (ADBC, pyarrow) bind any unit; DuckDB casts the value to its column.
 */
final class ParameterSchemas {
  private static final Pattern DECIMAL = Pattern.compile("DECIMAL\\((\\d+),\\s*(\\d+)\\)");

  private ParameterSchemas() {}

  static Schema of(List<String> duckDbTypes) {
    List<Field> fields = new ArrayList<>(duckDbTypes.size());
    for (int i = 0; i < duckDbTypes.size(); i++) {
      fields.add(new Field("parameter_" + (i + 1), FieldType.nullable(arrowType(duckDbTypes.get(i))), null));
    }
    return new Schema(fields);
  }

  static ArrowType arrowType(String duckDbType) {
    String type = duckDbType.toUpperCase(Locale.ROOT);
    Matcher decimal = DECIMAL.matcher(type);
    if (decimal.matches()) {
      return new ArrowType.Decimal(Integer.parseInt(decimal.group(1)), Integer.parseInt(decimal.group(2)), 128);
    }
    return switch (type) {
      case "BOOLEAN" -> ArrowType.Bool.INSTANCE;
      case "TINYINT" -> new ArrowType.Int(8, true);
      case "SMALLINT" -> new ArrowType.Int(16, true);
      case "INTEGER" -> new ArrowType.Int(32, true);
      case "BIGINT" -> new ArrowType.Int(64, true);
      case "UTINYINT" -> new ArrowType.Int(8, false);
      case "USMALLINT" -> new ArrowType.Int(16, false);
      case "UINTEGER" -> new ArrowType.Int(32, false);
      case "UBIGINT" -> new ArrowType.Int(64, false);
      case "HUGEINT" -> new ArrowType.Decimal(38, 0, 128);
      case "FLOAT" -> new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE);
      case "DOUBLE" -> new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE);
      case "BLOB" -> ArrowType.Binary.INSTANCE;
      case "DATE" -> new ArrowType.Date(DateUnit.DAY);
      case "TIME" -> new ArrowType.Time(TimeUnit.MILLISECOND, 32);
      case "TIMESTAMP", "TIMESTAMP_S", "TIMESTAMP_MS", "TIMESTAMP_NS" ->
          new ArrowType.Timestamp(TimeUnit.MILLISECOND, null);
      case "TIMESTAMP WITH TIME ZONE" -> new ArrowType.Timestamp(TimeUnit.MILLISECOND, "UTC");
      default -> ArrowType.Utf8.INSTANCE;
    };
  }
}
