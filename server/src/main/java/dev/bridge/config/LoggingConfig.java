package dev.bridge.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Collections;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/** Where the Logback configuration comes from, and log levels set over it (applied again on every reload). */
public record LoggingConfig(
    @JsonProperty("config") String config,
    @JsonProperty("levels") Map<String, String> levels) {

  public static final LoggingConfig DEFAULT = new LoggingConfig(null, null);

  private static final Set<String> LEVELS = Set.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "OFF");

  public LoggingConfig {
    config = config == null ? "" : config;
    levels = levels == null ? Map.of() : Collections.unmodifiableMap(new TreeMap<>(levels));
  }

  void validate() {
    levels.forEach((logger, level) -> {
      Validation.require(logger != null && !logger.isBlank(), "logging.levels", "must not name an empty logger");
      Validation.require(level != null && LEVELS.contains(level.toUpperCase(Locale.ROOT)), "logging.levels." + logger,
          "must be one of TRACE, DEBUG, INFO, WARN, ERROR, OFF, got '" + level + "'");
    });
  }
}
