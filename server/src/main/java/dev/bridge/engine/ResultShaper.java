package dev.bridge.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Writes the projection a query result is read through. DuckDB's Arrow export carries some types lossily or in a
 * form clients misread: ENUM becomes a dictionary (the JDBC driver shows its index), UHUGEINT is squeezed into a
 * DECIMAL(38,0), TIME WITH TIME ZONE loses its offset, BIT and BIGNUM become opaque bytes. Each of those, also
 * nested inside LIST, ARRAY, STRUCT and MAP, is cast to VARCHAR: its exact text.
 *
 * <p>The projection also names every column explicitly, because a plain subquery would rename duplicate column
 * names ({@code a, a} becomes {@code a, a_1}) and the schema must be the client's own.
 */
final class ResultShaper {
  private static final Pattern ENUM_TYPE = Pattern.compile("ENUM\\((?:'(?:[^']|'')*'(?:,\\s*)?)*\\)|\\bENUM\\b");
  private static final Pattern LOSSY_SCALAR = Pattern.compile(
      "\\bUHUGEINT\\b|\\bTIME WITH TIME ZONE\\b|\\bTIMETZ\\b|\\bBIT\\b|\\bBITSTRING\\b|\\bBIGNUM\\b|\\bVARINT\\b");

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

  static String converted(String duckDbType) {
    String upper = duckDbType.toUpperCase(Locale.ROOT);
    if (!upper.contains("ENUM") && !LOSSY_SCALAR.matcher(upper).find()) {
      return duckDbType;
    }
    String withoutEnums = ENUM_TYPE.matcher(duckDbType).replaceAll("VARCHAR");
    return LOSSY_SCALAR.matcher(withoutEnums).replaceAll("VARCHAR");
  }

  static String withoutTrailingSemicolons(String sql) {
    int end = sql.length();
    while (end > 0 && (Character.isWhitespace(sql.charAt(end - 1)) || sql.charAt(end - 1) == ';')) {
      end--;
    }
    return sql.substring(0, end);
  }
}
