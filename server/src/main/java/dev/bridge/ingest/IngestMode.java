package dev.bridge.ingest;

import dev.bridge.engine.EngineException;
import java.util.Locale;

/**
 * What an ingest does when its target table is missing and when it exists: Flight SQL's table definition options,
 * which also cover ADBC's (and the REST door's) named modes create, append, replace and create_append.
 */
public record IngestMode(IfMissing ifMissing, IfExists ifExists) {
  public enum IfMissing { CREATE, FAIL }

  public enum IfExists { FAIL, APPEND, REPLACE }

  /** Creates the table; fails if it exists. */
  public static final IngestMode CREATE = new IngestMode(IfMissing.CREATE, IfExists.FAIL);
  /** Appends to the table; fails if it is missing. */
  public static final IngestMode APPEND = new IngestMode(IfMissing.FAIL, IfExists.APPEND);
  /** Drops the table if it exists and creates it from the stream. */
  public static final IngestMode REPLACE = new IngestMode(IfMissing.CREATE, IfExists.REPLACE);
  /** Creates the table if it is missing, appends otherwise. */
  public static final IngestMode CREATE_APPEND = new IngestMode(IfMissing.CREATE, IfExists.APPEND);

  /** The named mode {@code create}, {@code append}, {@code replace} or {@code create_append}. */
  public static IngestMode named(String name) {
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "create" -> CREATE;
      case "append" -> APPEND;
      case "replace" -> REPLACE;
      case "create_append" -> CREATE_APPEND;
      default -> throw EngineException.invalidArgument("unknown ingest mode '" + name
          + "'; use create, append, replace or create_append");
    };
  }
}
