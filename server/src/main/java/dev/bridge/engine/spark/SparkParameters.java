package dev.bridge.engine.spark;

import dev.bridge.engine.EngineException;
import dev.bridge.engine.TypedNull;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.spark.connect.proto.DataType;
import org.apache.spark.connect.proto.Expression;
import org.apache.spark.connect.proto.SQL;
import org.sparkproject.com.google.protobuf.ByteString;

/**
 * Parameters of a Spark statement, which Spark Connect binds as literals beside the SQL text (its parameterized
 * SQL: {@code ?} positionally, {@code :name} by name), never into the text. Flight SQL binds values by position:
 * with named markers, the i-th value is the i-th distinct name in the order they are first written.
 *
 * <p>Spark gives a parameter no type before it sees a value, so a marker is declared (in the prepared statement's
 * parameter schema) with the type it is cast to ({@code CAST(? AS INT)}, {@code ?::date}), else as text, as DuckDB's
 * untyped parameters are. Values keep their own type: ADBC and pyarrow may bind any type anywhere.
 */
final class SparkParameters {
  private static final Pattern DECIMAL = Pattern.compile("(?:DECIMAL|DEC|NUMERIC)(?:\\((\\d+)(?:,(\\d+))?\\))?");

  private SparkParameters() {}

  /** The distinct parameters of a statement: each {@code ?}, or each distinct {@code :name} (null names for ?). */
  static List<SparkStatements.Marker> distinct(List<SparkStatements.Marker> markers) {
    if (markers.stream().allMatch(marker -> marker.name() == null)) {
      return markers;
    }
    Map<String, SparkStatements.Marker> byName = new LinkedHashMap<>();
    for (SparkStatements.Marker marker : markers) {
      String key = marker.name() == null ? "?" + byName.size() : marker.name().toLowerCase(Locale.ROOT);
      SparkStatements.Marker known = byName.get(key);
      if (known == null || known.castTo() == null) {
        byName.put(key, marker);
      }
    }
    return List.copyOf(byName.values());
  }

  /** The DuckDB names of the types the parameters are declared with (Bridge's one vocabulary of parameter types). */
  static List<String> declaredTypes(List<SparkStatements.Marker> parameters) {
    return parameters.stream().map(marker -> marker.castTo() == null ? "VARCHAR" : duckDbType(marker.castTo()))
        .toList();
  }

  /** The DuckDB name of a Spark type as written in SQL; text for a type a parameter cannot be declared with. */
  static String duckDbType(String sparkType) {
    String type = sparkType.toUpperCase(Locale.ROOT).replace(" ", "");
    Matcher decimal = DECIMAL.matcher(type);
    if (decimal.matches()) {
      int precision = decimal.group(1) == null ? 10 : Integer.parseInt(decimal.group(1));
      int scale = decimal.group(2) == null ? 0 : Integer.parseInt(decimal.group(2));
      return "DECIMAL(" + precision + "," + scale + ")";
    }
    return switch (type) {
      case "BOOLEAN" -> "BOOLEAN";
      case "TINYINT", "BYTE" -> "TINYINT";
      case "SMALLINT", "SHORT" -> "SMALLINT";
      case "INT", "INTEGER" -> "INTEGER";
      case "BIGINT", "LONG" -> "BIGINT";
      case "FLOAT", "REAL" -> "FLOAT";
      case "DOUBLE" -> "DOUBLE";
      case "DATE" -> "DATE";
      case "TIMESTAMP", "TIMESTAMP_LTZ" -> "TIMESTAMP WITH TIME ZONE";
      case "TIMESTAMP_NTZ" -> "TIMESTAMP";
      case "BINARY" -> "BLOB";
      default -> "VARCHAR";
    };
  }

  /**
   * Binds {@code values} to the statement's parameters on {@code sql}: positionally, or by the names of
   * {@code parameters} in order.
   */
  static SQL.Builder bind(SQL.Builder sql, List<SparkStatements.Marker> parameters, List<Object> values) {
    boolean named = parameters.stream().anyMatch(marker -> marker.name() != null);
    for (int i = 0; i < values.size(); i++) {
      Expression literal = Expression.newBuilder().setLiteral(literal(values.get(i), i + 1)).build();
      if (named) {
        sql.putNamedArguments(parameters.get(i).name(), literal);
      } else {
        sql.addPosArguments(literal);
      }
    }
    return sql;
  }

  /** NULL for every parameter: what a statement is described with before its values are known. */
  static List<Object> nulls(int count) {
    List<Object> values = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      values.add(null);
    }
    return values;
  }

  /** A value as Spark's literal of the same type; {@code position} (1-based) names it in an error. */
  static Expression.Literal literal(Object value, int position) {
    Expression.Literal.Builder literal = Expression.Literal.newBuilder();
    if (value == null) {
      return literal.setNull(DataType.newBuilder().setNull(DataType.NULL.getDefaultInstance())).build();
    }
    if (value instanceof TypedNull typed) {
      return literal.setNull(dataType(typed.duckDbType())).build();
    }
    if (value instanceof Boolean b) {
      return literal.setBoolean(b).build();
    }
    if (value instanceof Byte b) {
      return literal.setByte(b).build();
    }
    if (value instanceof Short s) {
      return literal.setShort(s).build();
    }
    if (value instanceof Integer i) {
      return literal.setInteger(i).build();
    }
    if (value instanceof Long l) {
      return literal.setLong(l).build();
    }
    if (value instanceof Float f) {
      return literal.setFloat(f).build();
    }
    if (value instanceof Double d) {
      return literal.setDouble(d).build();
    }
    if (value instanceof BigInteger big) {
      return decimal(new BigDecimal(big), position);
    }
    if (value instanceof BigDecimal big) {
      return decimal(big, position);
    }
    if (value instanceof String text) {
      return literal.setString(text).build();
    }
    if (value instanceof byte[] bytes) {
      return literal.setBinary(ByteString.copyFrom(bytes)).build();
    }
    if (value instanceof LocalDate date) {
      return literal.setDate(Math.toIntExact(date.toEpochDay())).build();
    }
    if (value instanceof LocalDateTime timestamp) {
      return literal.setTimestampNtz(ChronoUnit.MICROS.between(LocalDateTime.of(1970, 1, 1, 0, 0), timestamp)).build();
    }
    if (value instanceof OffsetDateTime timestamp) {
      return literal.setTimestamp(ChronoUnit.MICROS.between(OffsetDateTime.of(1970, 1, 1, 0, 0, 0, 0,
          ZoneOffset.UTC), timestamp)).build();
    }
    if (value instanceof LocalTime time) {
      return literal.setTime(Expression.Literal.Time.newBuilder().setNano(time.toNanoOfDay()).setPrecision(6))
          .build();
    }
    throw EngineException.invalidArgument("parameter " + position + " is a " + value.getClass().getSimpleName()
        + ", which Spark cannot take as a parameter; bind it as a string and CAST it in SQL");
  }

  private static Expression.Literal decimal(BigDecimal value, int position) {
    BigDecimal normal = value.scale() < 0 ? value.setScale(0) : value;
    int precision = Math.max(normal.precision(), normal.scale());
    if (precision > 38) {
      throw EngineException.invalidArgument("parameter " + position + " (" + value.toPlainString() + ") has "
          + precision + " digits; Spark's DECIMAL holds at most 38");
    }
    return Expression.Literal.newBuilder().setDecimal(Expression.Literal.Decimal.newBuilder()
        .setValue(normal.toPlainString()).setPrecision(precision).setScale(normal.scale())).build();
  }

  /** The Spark type of a typed NULL's DuckDB type; Spark's NULL type for one Spark has no counterpart of. */
  private static DataType dataType(String duckDbType) {
    String type = duckDbType.toUpperCase(Locale.ROOT);
    Matcher decimal = DECIMAL.matcher(type.replace(" ", ""));
    DataType.Builder builder = DataType.newBuilder();
    if (decimal.matches() && decimal.group(1) != null) {
      return builder.setDecimal(DataType.Decimal.newBuilder().setPrecision(Integer.parseInt(decimal.group(1)))
          .setScale(decimal.group(2) == null ? 0 : Integer.parseInt(decimal.group(2)))).build();
    }
    return switch (type) {
      case "BOOLEAN" -> builder.setBoolean(DataType.Boolean.getDefaultInstance()).build();
      case "TINYINT" -> builder.setByte(DataType.Byte.getDefaultInstance()).build();
      case "SMALLINT" -> builder.setShort(DataType.Short.getDefaultInstance()).build();
      case "INTEGER" -> builder.setInteger(DataType.Integer.getDefaultInstance()).build();
      case "BIGINT" -> builder.setLong(DataType.Long.getDefaultInstance()).build();
      case "FLOAT" -> builder.setFloat(DataType.Float.getDefaultInstance()).build();
      case "DOUBLE" -> builder.setDouble(DataType.Double.getDefaultInstance()).build();
      case "VARCHAR" -> builder.setString(DataType.String.getDefaultInstance()).build();
      case "BLOB" -> builder.setBinary(DataType.Binary.getDefaultInstance()).build();
      case "DATE" -> builder.setDate(DataType.Date.getDefaultInstance()).build();
      case "TIMESTAMP" -> builder.setTimestampNtz(DataType.TimestampNTZ.getDefaultInstance()).build();
      case "TIMESTAMP WITH TIME ZONE" -> builder.setTimestamp(DataType.Timestamp.getDefaultInstance()).build();
      default -> builder.setNull(DataType.NULL.getDefaultInstance()).build();
    };
  }
}
