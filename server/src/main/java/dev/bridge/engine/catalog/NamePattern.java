package dev.bridge.engine.catalog;

import dev.bridge.engine.EngineException;
import java.util.regex.Pattern;

/**
 * A SQL LIKE pattern, as Flight SQL's filter patterns are written: {@code %} any run of characters, {@code _} one
 * character, a backslash escapes the next character. Matching is case-sensitive; an empty pattern matches all. The
 * one matcher for names DuckDB's own {@code LIKE} does not see: ListFlights criteria, another engine's schemas and
 * tables ({@link CatalogReader}).
 */
public final class NamePattern {
  private final Pattern regex;

  private NamePattern(Pattern regex) {
    this.regex = regex;
  }

  public static NamePattern of(String like) {
    StringBuilder regex = new StringBuilder();
    for (int i = 0; i < like.length(); i++) {
      char c = like.charAt(i);
      if (c == '\\') {
        if (i + 1 == like.length()) {
          throw EngineException.invalidArgument("the name pattern '" + like
              + "' ends in the escape character '\\'; escape it as '\\\\' to match a backslash");
        }
        regex.append(Pattern.quote(String.valueOf(like.charAt(++i))));
      } else if (c == '%') {
        regex.append(".*");
      } else if (c == '_') {
        regex.append('.');
      } else {
        regex.append(Pattern.quote(String.valueOf(c)));
      }
    }
    return new NamePattern(Pattern.compile(like.isEmpty() ? ".*" : regex.toString(), Pattern.DOTALL));
  }

  public boolean matches(String name) {
    return regex.matcher(name).matches();
  }
}
