package dev.bridge.server;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.core.joran.spi.JoranException;
import ch.qos.logback.core.util.StatusPrinter2;
import dev.bridge.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.slf4j.LoggerFactory;

/**
 * The server's Logback: the configuration file it loads at start, and the log levels of {@code logging.levels}
 * set over that file's (again on every reload; a logger dropped from the map gets the file's level back).
 */
public final class LogbackSettings {
  /** The operator's Logback file, used when it exists and no other is named. */
  public static final Path DEFAULT_FILE = Path.of("conf/logback.xml");

  private final Map<String, Level> fileLevels = new HashMap<>();
  private Map<String, String> applied = Map.of();

  /** Replaces the built-in configuration by {@code file}'s. */
  public static void load(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new ConfigException("logging.config: Logback file " + file + " does not exist");
    }
    LoggerContext context = context();
    context.reset();
    JoranConfigurator configurator = new JoranConfigurator();
    configurator.setContext(context);
    try {
      configurator.doConfigure(file.toFile());
    } catch (JoranException e) {
      throw new ConfigException("logging.config: cannot read Logback file " + file + ": " + e.getMessage(), e);
    }
    new StatusPrinter2().printInCaseOfErrorsOrWarnings(context);
  }

  /** Sets {@code levels} (logger name to level) over the file's levels. */
  public synchronized void apply(Map<String, String> levels) {
    LoggerContext context = context();
    for (String name : applied.keySet()) {
      if (!levels.containsKey(name)) {
        context.getLogger(name).setLevel(fileLevels.remove(name));
      }
    }
    levels.forEach((name, level) -> {
      ch.qos.logback.classic.Logger logger = context.getLogger(name);
      if (!fileLevels.containsKey(name)) {
        fileLevels.put(name, logger.getLevel());
      }
      logger.setLevel(Level.toLevel(level.toUpperCase(Locale.ROOT)));
    });
    applied = Map.copyOf(levels);
  }

  /**
   * Stops Logback, which first writes out what its asynchronous appenders still hold (the query log's queue,
   * conf/logback.xml): called last when the server stops, so that no line of a statement that ran is lost.
   */
  public static void stop() {
    context().stop();
  }

  private static LoggerContext context() {
    return (LoggerContext) LoggerFactory.getILoggerFactory();
  }
}
