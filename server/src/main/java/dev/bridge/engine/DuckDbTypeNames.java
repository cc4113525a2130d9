package dev.bridge.engine;

import java.util.List;
import java.util.stream.Collectors;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;

/**
 * The DuckDB type name of an Arrow field, as DuckDB exports that type: what a result column is described with in
 * NDJSON metadata, and the type a NULL parameter bound in an Arrow column of that type is given (see
 * {@link TypedNull}).
 */
public final class DuckDbTypeNames {
  private DuckDbTypeNames() {}

  public static String describe(Field field) {
    ArrowType type = field.getType();
    List<Field> children = field.getChildren();
    return switch (type.getTypeID()) {
      case Null -> "NULL";
      case Bool -> "BOOLEAN";
      case Int -> integer((ArrowType.Int) type);
      case FloatingPoint -> ((ArrowType.FloatingPoint) type).getPrecision() == FloatingPointPrecision.DOUBLE
          ? "DOUBLE" : "FLOAT";
      case Decimal -> "DECIMAL(" + ((ArrowType.Decimal) type).getPrecision() + ","
          + ((ArrowType.Decimal) type).getScale() + ")";
      case Utf8, LargeUtf8, Utf8View -> "VARCHAR";
      case Binary, LargeBinary, BinaryView -> "BLOB";
      case FixedSizeBinary -> "arrow.uuid".equals(field.getMetadata().get("ARROW:extension:name")) ? "UUID" : "BLOB";
      case Date -> "DATE";
      case Time -> ((ArrowType.Time) type).getUnit() == TimeUnit.NANOSECOND ? "TIME_NS" : "TIME";
      case Timestamp -> timestamp((ArrowType.Timestamp) type);
      case Interval, Duration -> "INTERVAL";
      case List, LargeList, ListView, LargeListView -> describe(children.get(0)) + "[]";
      case FixedSizeList -> describe(children.get(0)) + "[" + ((ArrowType.FixedSizeList) type).getListSize() + "]";
      case Struct -> "STRUCT(" + members(children) + ")";
      case Map -> "MAP(" + describe(children.get(0).getChildren().get(0)) + ", "
          + describe(children.get(0).getChildren().get(1)) + ")";
      case Union -> "UNION(" + members(children) + ")";
      default -> type.toString();
    };
  }

  private static String integer(ArrowType.Int type) {
    String name = switch (type.getBitWidth()) {
      case 8 -> "TINYINT";
      case 16 -> "SMALLINT";
      case 32 -> "INTEGER";
      default -> "BIGINT";
    };
    return type.getIsSigned() ? name : "U" + name;
  }

  private static String timestamp(ArrowType.Timestamp type) {
    if (type.getTimezone() != null) {
      return "TIMESTAMP WITH TIME ZONE";
    }
    return switch (type.getUnit()) {
      case SECOND -> "TIMESTAMP_S";
      case MILLISECOND -> "TIMESTAMP_MS";
      case MICROSECOND -> "TIMESTAMP";
      case NANOSECOND -> "TIMESTAMP_NS";
    };
  }

  private static String members(List<Field> children) {
    return children.stream()
        .map(child -> '"' + child.getName().replace("\"", "\"\"") + "\" " + describe(child))
        .collect(Collectors.joining(", "));
  }
}
