package dev.bridge.flight;

import dev.bridge.config.Durations;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.Optional;
import org.apache.arrow.flight.SessionOptionValueVisitor;

/**
 * The {@code query_timeout} session option's value: a duration string ({@code 30s}, {@code 500ms}, {@code PT1M})
 * or a number of seconds; zero asks for no timeout (still capped by the server's maximum). Anything else,
 * negative numbers included, is empty: an invalid value.
 */
final class QueryTimeoutOption implements SessionOptionValueVisitor<Optional<Duration>> {
  static final String NAME = "query_timeout";
  static final QueryTimeoutOption INSTANCE = new QueryTimeoutOption();

  private QueryTimeoutOption() {}

  @Override
  public Optional<Duration> visit(String value) {
    return value == null ? Optional.empty() : Durations.parseOrSeconds(value);
  }

  @Override
  public Optional<Duration> visit(long value) {
    return value < 0 ? Optional.empty() : Optional.of(Duration.ofSeconds(value));
  }

  @Override
  public Optional<Duration> visit(double value) {
    return value < 0 || !Double.isFinite(value) ? Optional.empty()
        : Optional.of(Durations.ofSeconds(BigDecimal.valueOf(value)));
  }

  @Override
  public Optional<Duration> visit(boolean value) {
    return Optional.empty();
  }

  @Override
  public Optional<Duration> visit(String[] value) {
    return Optional.empty();
  }

  @Override
  public Optional<Duration> visit(Void value) {
    return Optional.empty();
  }
}
