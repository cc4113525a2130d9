package dev.bridge.flight.metadata;

import java.sql.DatabaseMetaData;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * How a DuckDB type is described to XDBC (JDBC / ODBC) clients: its java.sql.Types code, size, literal syntax and
 * properties. Used for CommandGetXdbcTypeInfo and for the precision / scale of column metadata.
 *
 * @param columnSize digits for numbers, characters for dates and times, null when unbounded or not applicable
 */
record XdbcType(String name, int dataType, Integer columnSize, String literalPrefix, String literalSuffix,
    List<String> createParams, boolean caseSensitive, Boolean unsigned, boolean fixedPrecisionScale,
    Integer minimumScale, Integer maximumScale, Integer radix) {

  private static final Pattern DECIMAL = Pattern.compile("(?:DECIMAL|NUMERIC)\\((\\d+),\\s*(\\d+)\\)");
  private static final int DEFAULT_DECIMAL_PRECISION = 18;
  private static final int DEFAULT_DECIMAL_SCALE = 3;
  private static final Map<String, XdbcType> BY_NAME = byName();

  /** The description of a DuckDB logical type name; a type this table does not know is {@code OTHER}. */
  static XdbcType of(String logicalType) {
    XdbcType known = BY_NAME.get(logicalType.toUpperCase(Locale.ROOT));
    return known != null ? known : other(logicalType);
  }

  /**
   * The description of a full DuckDB column type ({@code DECIMAL(10,2)}, {@code INTEGER[]}, {@code STRUCT(a INT)}).
   */
  static XdbcType ofColumnType(String columnType) {
    String upper = columnType.toUpperCase(Locale.ROOT).strip();
    if (upper.endsWith("[]")) {
      return of("LIST");
    }
    if (upper.endsWith("]")) {
      return of("ARRAY");
    }
    int parenthesis = upper.indexOf('(');
    return of(parenthesis < 0 ? upper : upper.substring(0, parenthesis).strip());
  }

  /** The precision of a column of this type: DECIMAL(p, s)'s p, else the type's column size. */
  static Integer precision(String columnType) {
    Matcher decimal = DECIMAL.matcher(columnType.toUpperCase(Locale.ROOT));
    if (decimal.matches()) {
      return Integer.parseInt(decimal.group(1));
    }
    if (columnType.equalsIgnoreCase("DECIMAL")) {
      return DEFAULT_DECIMAL_PRECISION;
    }
    return ofColumnType(columnType).columnSize();
  }

  /** The scale of a column of this type: DECIMAL(p, s)'s s, 0 for other exact numbers, null otherwise. */
  static Integer scale(String columnType) {
    Matcher decimal = DECIMAL.matcher(columnType.toUpperCase(Locale.ROOT));
    if (decimal.matches()) {
      return Integer.parseInt(decimal.group(2));
    }
    if (columnType.equalsIgnoreCase("DECIMAL")) {
      return DEFAULT_DECIMAL_SCALE;
    }
    XdbcType type = ofColumnType(columnType);
    return type.radix() != null && type.radix() == 10 ? 0 : null;
  }

  /** An XDBC type info row, in the column order of {@code FlightSqlProducer.Schemas.GET_TYPE_INFO_SCHEMA}. */
  List<Object> row() {
    List<Object> row = new ArrayList<>();
    row.add(name);
    row.add(dataType);
    row.add(columnSize);
    row.add(literalPrefix);
    row.add(literalSuffix);
    row.add(createParams.isEmpty() ? null : createParams);
    row.add(DatabaseMetaData.typeNullable);
    row.add(caseSensitive);
    row.add(caseSensitive ? DatabaseMetaData.typeSearchable : DatabaseMetaData.typePredBasic);
    row.add(unsigned);
    row.add(fixedPrecisionScale);
    row.add(false);
    row.add(name);
    row.add(minimumScale);
    row.add(maximumScale);
    row.add(dataType);
    row.add(null);
    row.add(radix);
    row.add(null);
    return row;
  }

  private static XdbcType number(String name, int dataType, int digits, boolean unsigned) {
    return new XdbcType(name, dataType, digits, null, null, List.of(), false, unsigned, false, 0, 0, 10);
  }

  private static XdbcType binaryFloat(String name, int dataType, int bits) {
    return new XdbcType(name, dataType, bits, null, null, List.of(), false, false, false, null, null, 2);
  }

  private static XdbcType literal(String name, int dataType, Integer size, String prefix, String suffix) {
    return new XdbcType(name, dataType, size, prefix, suffix, List.of(), false, null, false, null, null, null);
  }

  private static XdbcType text(String name) {
    return new XdbcType(name, Types.VARCHAR, null, "'", "'", List.of(), true, null, false, null, null, null);
  }

  private static XdbcType other(String name) {
    return literal(name, Types.OTHER, null, null, null);
  }

  private static Map<String, XdbcType> byName() {
    List<XdbcType> types = List.of(
        literal("BOOLEAN", Types.BOOLEAN, 1, null, null),
        number("TINYINT", Types.TINYINT, 3, false),
        number("SMALLINT", Types.SMALLINT, 5, false),
        number("INTEGER", Types.INTEGER, 10, false),
        number("BIGINT", Types.BIGINT, 19, false),
        number("HUGEINT", Types.NUMERIC, 39, false),
        number("UTINYINT", Types.SMALLINT, 3, true),
        number("USMALLINT", Types.INTEGER, 5, true),
        number("UINTEGER", Types.BIGINT, 10, true),
        number("UBIGINT", Types.NUMERIC, 20, true),
        number("UHUGEINT", Types.NUMERIC, 39, true),
        new XdbcType("BIGNUM", Types.NUMERIC, null, null, null, List.of(), false, false, false, 0, 0, 10),
        binaryFloat("FLOAT", Types.REAL, 24),
        binaryFloat("DOUBLE", Types.DOUBLE, 53),
        new XdbcType("DECIMAL", Types.DECIMAL, 38, null, null, List.of("precision", "scale"), false, false, true, 0,
            38, 10),
        text("VARCHAR"),
        text("ENUM"),
        literal("BLOB", Types.VARBINARY, null, "'", "'::BLOB"),
        literal("BIT", Types.VARCHAR, null, "'", "'::BIT"),
        literal("UUID", Types.OTHER, 36, "'", "'::UUID"),
        literal("DATE", Types.DATE, 10, "DATE '", "'"),
        literal("TIME", Types.TIME, 15, "TIME '", "'"),
        literal("TIME_NS", Types.TIME, 18, "TIME_NS '", "'"),
        literal("TIME WITH TIME ZONE", Types.TIME_WITH_TIMEZONE, 21, "TIMETZ '", "'"),
        literal("TIMESTAMP", Types.TIMESTAMP, 26, "TIMESTAMP '", "'"),
        literal("TIMESTAMP_S", Types.TIMESTAMP, 19, "TIMESTAMP_S '", "'"),
        literal("TIMESTAMP_MS", Types.TIMESTAMP, 23, "TIMESTAMP_MS '", "'"),
        literal("TIMESTAMP_NS", Types.TIMESTAMP, 29, "TIMESTAMP_NS '", "'"),
        literal("TIMESTAMP WITH TIME ZONE", Types.TIMESTAMP_WITH_TIMEZONE, 32, "TIMESTAMPTZ '", "'"),
        literal("INTERVAL", Types.OTHER, null, "INTERVAL '", "'"),
        literal("LIST", Types.ARRAY, null, null, null),
        literal("ARRAY", Types.ARRAY, null, null, null),
        literal("STRUCT", Types.STRUCT, null, null, null),
        // DuckDB 2.0: GEOMETRY streams as its WKB bytes, VARIANT as its JSON text (ResultShaper).
        literal("GEOMETRY", Types.VARBINARY, null, "'", "'::GEOMETRY"),
        literal("VARIANT", Types.VARCHAR, null, null, null));
    return types.stream().collect(Collectors.toUnmodifiableMap(XdbcType::name, t -> t));
  }
}
