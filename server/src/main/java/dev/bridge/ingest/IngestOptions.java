package dev.bridge.ingest;

import dev.bridge.engine.EngineException;
import java.util.Map;
import java.util.TreeSet;

/**
 * Backend-specific ingest options (Flight SQL's {@code CommandStatementIngest.options}). Bridge defines none yet; a
 * key it does not know is rejected rather than silently ignored, so a client never believes an option took effect.
 */
public final class IngestOptions {
  private IngestOptions() {}

  public static void requireKnown(Map<String, String> options) {
    if (!options.isEmpty()) {
      throw EngineException.invalidArgument("unknown ingest option(s) " + new TreeSet<>(options.keySet())
          + ": this server supports no ingest options");
    }
  }
}
