package dev.bridge.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Writes the projection a query result is read through, so that every client reads every value exactly.
 *
 * <p>DuckDB's Arrow export carries some types lossily or in a form clients misread: ENUM becomes a dictionary (the
 * JDBC driver shows its index), UHUGEINT is squeezed into a DECIMAL(38,0), TIME WITH TIME ZONE loses its offset,
 * BIT and BIGNUM become opaque bytes: each becomes VARCHAR, its exact text. VARIANT is exported as the Parquet
 * variant encoding (a struct of two binary columns no client decodes) and becomes JSON text instead. Unsigned integers are exported
 * correctly, but JDBC has no unsigned types and the Flight SQL JDBC driver reads them as signed (255 as -1), so they
 * are widened to the next signed type that holds every value. The rules apply inside LIST, ARRAY, STRUCT and MAP too.
 *
 * <p>The projection also names every column explicitly, because a plain subquery would rename duplicate column
 * names ({@code a, a} becomes {@code a, a_1}) and the schema must be the client's own.
 */
final class ResultShaper {
  private record Conversion(Pattern from, String to) {}

  /** Applied in order to a DuckDB type name; ENUM first, since its labels may contain any text. */
  private static final List<Conversion> CONVERSIONS = List.of(
      new Conversion(Pattern.compile("ENUM\\((?:'(?:[^']|'')*'(?:,\\s*)?)*\\)|\\bENUM\\b"), "VARCHAR"),
      new Conversion(Pattern.compile("\\bUHUGEINT\\b|\\bBIGNUM\\b|\\bVARINT\\b"), "VARCHAR"),
      new Conversion(Pattern.compile("\\bTIME WITH TIME ZONE\\b|\\bTIMETZ\\b"), "VARCHAR"),
      new Conversion(Pattern.compile("\\bBIT\\b|\\bBITSTRING\\b"), "VARCHAR"),
      new Conversion(Pattern.compile("\\bVARIANT\\b"), "JSON"),
      new Conversion(Pattern.compile("\\bUBIGINT\\b"), "DECIMAL(20,0)"),
      new Conversion(Pattern.compile("\\bUINTEGER\\b"), "BIGINT"),
      new Conversion(Pattern.compile("\\bUSMALLINT\\b"), "INTEGER"),
      new Conversion(Pattern.compile("\\bUTINYINT\\b"), "SMALLINT"));

  private ResultShaper() {}

  /** Whether any column of these DuckDB types needs converting. */
  static boolean needsConversion(List<String> duckDbTypes) {
    return duckDbTypes.stream().anyMatch(type -> !converted(type).equals(type));
  }

  /**
   * {@code SELECT q."c1" AS "name", CAST(q."c2" AS VARCHAR[]) AS "other" FROM (sql) AS q("c1", "c2")}, with the
   * casts only where a type needs one.
   */
  static String project(String sql, List<String> names, List<String> duckDbTypes) {
    List<String> aliases = new ArrayList<>(names.size());
    List<String> selectList = new ArrayList<>(names.size());
    for (int i = 0; i < names.size(); i++) {
      String alias = SqlIdentifiers.quote("c" + (i + 1));
      aliases.add(alias);
      String type = duckDbTypes.get(i);
      String target = converted(type);
      String column = "q." + alias;
      String expression = target.equals(type) ? column : "CAST(" + column + " AS " + target + ")";
      selectList.add(expression + " AS " + SqlIdentifiers.quote(names.get(i)));
    }
    // The client's SQL goes between line breaks so that a trailing line comment cannot swallow the parenthesis.
    return "SELECT " + String.join(", ", selectList) + " FROM (\n" + withoutTrailingSemicolons(sql) + "\n) AS q("
        + String.join(", ", aliases) + ")";
  }

  /** The query as a subquery that returns no rows: DuckDB still describes (and exports) its full schema. */
  static String limitZero(String sql) {
    return "SELECT * FROM (\n" + withoutTrailingSemicolons(sql) + "\n) LIMIT 0";
  }

  static String converted(String duckDbType) {
    String type = duckDbType;
    for (Conversion conversion : CONVERSIONS) {
      type = conversion.from().matcher(type).replaceAll(conversion.to());
    }
    return type;
  }

  static String withoutTrailingSemicolons(String sql) {
    int end = sql.length();
    while (end > 0 && (Character.isWhitespace(sql.charAt(end - 1)) || sql.charAt(end - 1) == ';')) {
      end--;
    }
    return sql.substring(0, end);
  }
}
