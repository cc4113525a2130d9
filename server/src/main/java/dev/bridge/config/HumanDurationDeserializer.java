package dev.bridge.config;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.deser.std.StdScalarDeserializer;
import java.io.IOException;
import java.time.Duration;

/** Reads durations as operators write them: {@code 250ms}, {@code 30s}, {@code 5m}, {@code 2h}, or ISO-8601. */
final class HumanDurationDeserializer extends StdScalarDeserializer<Duration> {
  private static final long serialVersionUID = 1L;

  HumanDurationDeserializer() {
    super(Duration.class);
  }

  @Override
  public Duration deserialize(JsonParser parser, DeserializationContext context) throws IOException {
    String text = parser.getValueAsString();
    if (text == null) {
      return (Duration) context.handleUnexpectedToken(Duration.class, parser);
    }
    Duration parsed = Durations.parse(text).orElse(null);
    if (parsed == null) {
      return (Duration) context.handleWeirdStringValue(Duration.class, text,
          "expected a duration such as 250ms, 30s, 5m, 2h or PT5M");
    }
    return parsed;
  }
}
