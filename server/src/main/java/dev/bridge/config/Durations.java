package dev.bridge.config;

import java.math.BigDecimal;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Durations as operators and clients write them: {@code 250ms}, {@code 30s}, {@code 5m}, {@code 2h}, or ISO-8601. */
public final class Durations {
  private static final Pattern HUMAN = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");
  private static final Pattern SECONDS = Pattern.compile("\\d+(\\.\\d+)?");

  private Durations() {}

  public static Optional<Duration> parse(String text) {
    Matcher matcher = HUMAN.matcher(text.trim());
    if (matcher.matches()) {
      long amount = Long.parseLong(matcher.group(1));
      return Optional.of(switch (matcher.group(2)) {
        case "ms" -> Duration.ofMillis(amount);
        case "s" -> Duration.ofSeconds(amount);
        case "m" -> Duration.ofMinutes(amount);
        case "h" -> Duration.ofHours(amount);
        default -> Duration.ofDays(amount);
      });
    }
    try {
      return Optional.of(Duration.parse(text.trim()));
    } catch (DateTimeParseException e) {
      return Optional.empty();
    }
  }

  /** Like {@link #parse}, and a bare number counts seconds ({@code 1.5} is 1500ms), as clients often send them. */
  public static Optional<Duration> parseOrSeconds(String text) {
    if (SECONDS.matcher(text.trim()).matches()) {
      return Optional.of(ofSeconds(new BigDecimal(text.trim())));
    }
    return parse(text);
  }

  public static Duration ofSeconds(BigDecimal seconds) {
    return Duration.ofMillis(seconds.movePointRight(3).longValue());
  }
}
