package dev.bridge.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import java.io.IOException;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads durations as operators write them: {@code 250ms}, {@code 30s}, {@code 5m}, {@code 2h}, or ISO-8601. */
final class HumanDurationDeserializer extends StdScalarDeserializer<Duration> {
  private static final long serialVersionUID = 1L;
  private static final Pattern HUMAN = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");

  HumanDurationDeserializer() {
    super(Duration.class);
  }

  @Override
  public Duration deserialize(JsonParser parser, DeserializationContext context) throws IOException {
    String text = parser.getValueAsString();
    if (text == null) {
      return (Duration) context.handleUnexpectedToken(Duration.class, parser);
    }
    Duration parsed = parse(text.trim());
    if (parsed == null) {
      return (Duration) context.handleWeirdStringValue(Duration.class, text,
          "expected a duration such as 250ms, 30s, 5m, 2h or PT5M");
    }
    return parsed;
  }

  static Duration parse(String text) {
    Matcher matcher = HUMAN.matcher(text);
    if (matcher.matches()) {
      long amount = Long.parseLong(matcher.group(1));
      return switch (matcher.group(2)) {
        case "ms" -> Duration.ofMillis(amount);
        case "s" -> Duration.ofSeconds(amount);
        case "m" -> Duration.ofMinutes(amount);
        case "h" -> Duration.ofHours(amount);
        default -> Duration.ofDays(amount);
      };
    }
    try {
      return Duration.parse(text);
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
