package dev.bridge.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * A statement that only makes a catalog (and schema) current: {@code USE name} or {@code USE name.name}, each name
 * bare, "double-quoted" (DuckDB) or `backquoted` (Spark), with comments and a final semicolon allowed. It is read
 * here, not by either engine, because it decides which engine runs it: {@code USE spark} in a DuckDB session and
 * {@code USE memory} in a Spark session switch engines, and neither engine knows the other's catalogs. Any other
 * text (including a USE of three or more parts) is not one, and goes to the session's engine as it is.
 *
 * @param target the names as written, unquoted: the catalog (or, for the engine, a schema), then the schema
 */
public record UseStatement(List<String> target) {
  public UseStatement {
    target = List.copyOf(target);
  }

  /** The first name: a catalog when it names one (else, for the engine that runs it, a schema). */
  public String first() {
    return target.get(0);
  }

  /** The names after the first (empty for {@code USE name}). */
  public List<String> rest() {
    return target.subList(1, target.size());
  }

  public static Optional<UseStatement> of(String sql) {
    Reader reader = new Reader(sql);
    reader.skipBlank();
    if (!reader.keyword("USE")) {
      return Optional.empty();
    }
    List<String> parts = new ArrayList<>();
    do {
      reader.skipBlank();
      String part = reader.identifier();
      if (part == null) {
        return Optional.empty();
      }
      parts.add(part);
      reader.skipBlank();
    } while (reader.take('.'));
    reader.take(';');
    reader.skipBlank();
    return reader.atEnd() && parts.size() <= 2 ? Optional.of(new UseStatement(parts)) : Optional.empty();
  }

  private static final class Reader {
    private final String text;
    private int at;

    Reader(String text) {
      this.text = text;
    }

    boolean atEnd() {
      return at >= text.length();
    }

    boolean take(char c) {
      if (!atEnd() && text.charAt(at) == c) {
        at++;
        return true;
      }
      return false;
    }

    /** Skips white space and comments ({@code -- ...} to the line's end, {@code /* ... *}{@code /}). */
    void skipBlank() {
      while (!atEnd()) {
        if (Character.isWhitespace(text.charAt(at))) {
          at++;
        } else if (text.startsWith("--", at)) {
          int end = text.indexOf('\n', at);
          at = end < 0 ? text.length() : end + 1;
        } else if (text.startsWith("/*", at)) {
          int end = text.indexOf("*/", at + 2);
          at = end < 0 ? text.length() : end + 2;
        } else {
          return;
        }
      }
    }

    /** The keyword, followed by a blank or a quote (so {@code USER} or {@code USE_X} is not {@code USE}). */
    boolean keyword(String word) {
      int end = at + word.length();
      if (end >= text.length() || !text.substring(at, end).toUpperCase(Locale.ROOT).equals(word)) {
        return false;
      }
      char next = text.charAt(end);
      if (!Character.isWhitespace(next) && next != '"' && next != '`' && next != '-' && next != '/') {
        return false;
      }
      at = end;
      return true;
    }

    /** A bare or quoted identifier, unquoted; null when there is none here. */
    String identifier() {
      if (atEnd()) {
        return null;
      }
      char c = text.charAt(at);
      if (c == '"' || c == '`') {
        StringBuilder name = new StringBuilder();
        for (int i = at + 1; i < text.length(); i++) {
          if (text.charAt(i) == c) {
            if (i + 1 < text.length() && text.charAt(i + 1) == c) {
              name.append(c);
              i++;
            } else {
              at = i + 1;
              return name.toString();
            }
          } else {
            name.append(text.charAt(i));
          }
        }
        return null;
      }
      if (!Character.isLetter(c) && c != '_') {
        return null;
      }
      int start = at;
      while (!atEnd() && (Character.isLetterOrDigit(text.charAt(at)) || text.charAt(at) == '_'
          || text.charAt(at) == '$')) {
        at++;
      }
      return text.substring(start, at);
    }
  }
}
