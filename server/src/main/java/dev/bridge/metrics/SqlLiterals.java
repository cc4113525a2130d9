package dev.bridge.metrics;

/**
 * Replaces the string literals of a SQL text with {@code '?'}, so that a query log does not keep the values people
 * put in their statements. It follows DuckDB's lexical rules: {@code '...'} with {@code ''} escapes, {@code E'...'}
 * with backslash escapes, dollar-quoted {@code $tag$...$tag$}; quoted identifiers ({@code "..."}) and comments are
 * copied untouched, and an unterminated literal is redacted to the end.
 */
public final class SqlLiterals {
  static final String PLACEHOLDER = "'?'";

  private SqlLiterals() {}

  public static String redact(String sql) {
    StringBuilder out = new StringBuilder(sql.length());
    int i = 0;
    int n = sql.length();
    while (i < n) {
      char c = sql.charAt(i);
      if (c == '\'') {
        boolean backslashEscapes = i > 0 && (sql.charAt(i - 1) == 'E' || sql.charAt(i - 1) == 'e')
            && (i < 2 || !isIdentifierChar(sql.charAt(i - 2)));
        i = endOfQuoted(sql, i, backslashEscapes);
        out.append(PLACEHOLDER);
      } else if (c == '"') {
        int end = endOfIdentifier(sql, i);
        out.append(sql, i, end);
        i = end;
      } else if (c == '-' && i + 1 < n && sql.charAt(i + 1) == '-') {
        int end = sql.indexOf('\n', i);
        end = end < 0 ? n : end;
        out.append(sql, i, end);
        i = end;
      } else if (c == '/' && i + 1 < n && sql.charAt(i + 1) == '*') {
        int end = sql.indexOf("*/", i + 2);
        end = end < 0 ? n : end + 2;
        out.append(sql, i, end);
        i = end;
      } else if (c == '$' && (i == 0 || !isIdentifierChar(sql.charAt(i - 1)))) {
        int tagEnd = dollarTagEnd(sql, i);
        if (tagEnd < 0) {
          out.append(c);
          i++;
        } else {
          String tag = sql.substring(i, tagEnd + 1);
          int close = sql.indexOf(tag, tagEnd + 1);
          i = close < 0 ? n : close + tag.length();
          out.append(PLACEHOLDER);
        }
      } else {
        out.append(c);
        i++;
      }
    }
    return out.toString();
  }

  /** The index after the literal that opens at {@code start}. */
  private static int endOfQuoted(String sql, int start, boolean backslashEscapes) {
    int i = start + 1;
    while (i < sql.length()) {
      char c = sql.charAt(i);
      if (backslashEscapes && c == '\\') {
        i += 2;
      } else if (c == '\'') {
        if (i + 1 < sql.length() && sql.charAt(i + 1) == '\'') {
          i += 2;
        } else {
          return i + 1;
        }
      } else {
        i++;
      }
    }
    return sql.length();
  }

  private static int endOfIdentifier(String sql, int start) {
    int i = start + 1;
    while (i < sql.length()) {
      if (sql.charAt(i) == '"') {
        if (i + 1 < sql.length() && sql.charAt(i + 1) == '"') {
          i += 2;
          continue;
        }
        return i + 1;
      }
      i++;
    }
    return sql.length();
  }

  /** The index of the closing {@code $} of a dollar-quote tag opening at {@code start}, or -1 when it is none. */
  private static int dollarTagEnd(String sql, int start) {
    int i = start + 1;
    if (i < sql.length() && Character.isDigit(sql.charAt(i))) {
      return -1; // $1 is a positional parameter
    }
    while (i < sql.length() && isIdentifierChar(sql.charAt(i))) {
      i++;
    }
    return i < sql.length() && sql.charAt(i) == '$' ? i : -1;
  }

  private static boolean isIdentifierChar(char c) {
    return Character.isLetterOrDigit(c) || c == '_';
  }
}
