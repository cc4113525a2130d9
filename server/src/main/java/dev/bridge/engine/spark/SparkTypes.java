package dev.bridge.engine.spark;

import dev.bridge.engine.EngineException;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.IntervalUnit;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.spark.connect.proto.DataType;

/**
 * The Arrow schema Spark streams for a result whose Spark type AnalyzePlan gave, so that GetFlightInfo announces
 * what DoGet will send without running the query. It follows Spark's own conversion (ArrowUtils.toArrowSchema, with
 * Spark's defaults: no large variable-width types, timestamps in the session time zone), field names and
 * nullability included.
 */
final class SparkTypes {
  private SparkTypes() {}

  /** The schema of a result whose Spark type is {@code struct}; {@code timeZone} is the session's time zone. */
  static Schema schema(DataType struct, String timeZone) {
    if (struct.getKindCase() != DataType.KindCase.STRUCT) {
      throw new EngineException(dev.bridge.engine.ErrorKind.INTERNAL,
          "Spark described a result that is not a row type: " + struct.getKindCase());
    }
    List<Field> fields = new ArrayList<>();
    for (DataType.StructField field : struct.getStruct().getFieldsList()) {
      fields.add(field(field.getName(), field.getDataType(), field.getNullable(), timeZone));
    }
    return new Schema(fields);
  }

  /**
   * Each result column's type in the vocabulary Bridge describes every column in (DuckDB's type names, as the
   * Flight SQL column metadata and type info use them), for the same Arrow type: Spark's LONG is BIGINT, STRING is
   * VARCHAR, TIMESTAMP (with the session's zone) is TIMESTAMP WITH TIME ZONE, TIMESTAMP_NTZ is TIMESTAMP. So a
   * client reads the same type names whichever engine answered.
   */
  static List<String> columnTypes(DataType struct) {
    List<String> types = new ArrayList<>();
    for (DataType.StructField field : struct.getStruct().getFieldsList()) {
      types.add(typeName(field.getDataType()));
    }
    return types;
  }

  private static String typeName(DataType type) {
    return switch (type.getKindCase()) {
      case NULL -> "\"NULL\"";
      case BOOLEAN -> "BOOLEAN";
      case BYTE -> "TINYINT";
      case SHORT -> "SMALLINT";
      case INTEGER -> "INTEGER";
      case LONG -> "BIGINT";
      case FLOAT -> "FLOAT";
      case DOUBLE -> "DOUBLE";
      case DECIMAL -> "DECIMAL(" + (type.getDecimal().hasPrecision() ? type.getDecimal().getPrecision() : 10) + ","
          + (type.getDecimal().hasScale() ? type.getDecimal().getScale() : 0) + ")";
      case STRING, CHAR, VAR_CHAR -> "VARCHAR";
      case BINARY -> "BLOB";
      case DATE -> "DATE";
      case TIMESTAMP -> "TIMESTAMP WITH TIME ZONE";
      case TIMESTAMP_NTZ -> "TIMESTAMP";
      case YEAR_MONTH_INTERVAL, DAY_TIME_INTERVAL, CALENDAR_INTERVAL -> "INTERVAL";
      case ARRAY -> typeName(type.getArray().getElementType()) + "[]";
      case MAP -> "MAP(" + typeName(type.getMap().getKeyType()) + ", " + typeName(type.getMap().getValueType())
          + ")";
      case STRUCT -> {
        List<String> fields = new ArrayList<>();
        for (DataType.StructField field : type.getStruct().getFieldsList()) {
          fields.add("\"" + field.getName().replace("\"", "\"\"") + "\" " + typeName(field.getDataType()));
        }
        yield "STRUCT(" + String.join(", ", fields) + ")";
      }
      default -> type.getKindCase().name();
    };
  }

  private static Field field(String name, DataType type, boolean nullable, String timeZone) {
    return switch (type.getKindCase()) {
      case ARRAY -> new Field(name, new FieldType(nullable, ArrowType.List.INSTANCE, null),
          List.of(field("element", type.getArray().getElementType(), type.getArray().getContainsNull(), timeZone)));
      case STRUCT -> {
        List<Field> children = new ArrayList<>();
        for (DataType.StructField child : type.getStruct().getFieldsList()) {
          children.add(field(child.getName(), child.getDataType(), child.getNullable(), timeZone));
        }
        yield new Field(name, new FieldType(nullable, ArrowType.Struct.INSTANCE, null), children);
      }
      case MAP -> {
        Field key = field("key", type.getMap().getKeyType(), false, timeZone);
        Field value = field("value", type.getMap().getValueType(), type.getMap().getValueContainsNull(), timeZone);
        Field entries = new Field("entries", new FieldType(false, ArrowType.Struct.INSTANCE, null),
            List.of(key, value));
        yield new Field(name, new FieldType(nullable, new ArrowType.Map(false), null), List.of(entries));
      }
      default -> new Field(name, new FieldType(nullable, primitive(type, timeZone), null), List.of());
    };
  }

  private static ArrowType primitive(DataType type, String timeZone) {
    return switch (type.getKindCase()) {
      case NULL -> ArrowType.Null.INSTANCE;
      case BOOLEAN -> ArrowType.Bool.INSTANCE;
      case BYTE -> new ArrowType.Int(8, true);
      case SHORT -> new ArrowType.Int(16, true);
      case INTEGER -> new ArrowType.Int(32, true);
      case LONG -> new ArrowType.Int(64, true);
      case FLOAT -> new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE);
      case DOUBLE -> new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE);
      // Spark's DECIMAL without precision and scale is DECIMAL(10, 0).
      case DECIMAL -> new ArrowType.Decimal(type.getDecimal().hasPrecision() ? type.getDecimal().getPrecision() : 10,
          type.getDecimal().hasScale() ? type.getDecimal().getScale() : 0, 128);
      case STRING, CHAR, VAR_CHAR -> ArrowType.Utf8.INSTANCE;
      case BINARY -> ArrowType.Binary.INSTANCE;
      case DATE -> new ArrowType.Date(DateUnit.DAY);
      case TIMESTAMP -> new ArrowType.Timestamp(TimeUnit.MICROSECOND, timeZone);
      case TIMESTAMP_NTZ -> new ArrowType.Timestamp(TimeUnit.MICROSECOND, null);
      case YEAR_MONTH_INTERVAL -> new ArrowType.Interval(IntervalUnit.YEAR_MONTH);
      case DAY_TIME_INTERVAL -> new ArrowType.Duration(TimeUnit.MICROSECOND);
      case CALENDAR_INTERVAL -> new ArrowType.Interval(IntervalUnit.MONTH_DAY_NANO);
      default -> throw EngineException.invalidArgument("Spark's type " + type.getKindCase()
          + " cannot be streamed through Bridge yet; cast the column (to STRING, for example)");
    };
  }
}
