package dev.bridge.engine;

import java.sql.SQLException;
import java.util.Locale;

/**
 * Classifies DuckDB's errors. DuckDB reports no SQLSTATE through JDBC, but every message starts with its exception
 * class ("Parser Error: ...", "Catalog Error: ..."), which is what this reads; the message itself is kept whole.
 */
public final class DuckDbErrors {
  /** DuckDB's JDBC driver wraps some errors (a failed CREATE TABLE AS, for one) in this; the real one follows. */
  private static final String PENDING_RESULT_WRAPPER =
      "Attempting to execute an unsuccessful or closed pending query result\nError: ";

  private static final String DATASET_PREFIX = "dataset '";
  private static final String UNAVAILABLE = "' is unavailable: ";

  private DuckDbErrors() {}

  /**
   * The message an unavailable dataset's view fails with (see {@code dev.bridge.datasets}); DuckDB reports it as an
   * Invalid Input Error, classified here as FAILED_PRECONDITION.
   */
  public static String datasetUnavailable(String dataset, String problem) {
    return DATASET_PREFIX + dataset + UNAVAILABLE + problem;
  }

  public static EngineException translate(SQLException e) {
    return translate(e.getMessage(), e);
  }

  public static EngineException translate(String message, Throwable cause) {
    String text = message == null ? "DuckDB failed without a message" : message.strip();
    int wrapped = text.indexOf(PENDING_RESULT_WRAPPER);
    if (wrapped >= 0) {
      text = text.substring(wrapped + PENDING_RESULT_WRAPPER.length());
    }
    return new EngineException(kindOf(text), text, cause);
  }

  static ErrorKind kindOf(String message) {
    String lower = message.toLowerCase(Locale.ROOT);
    String prefix = lower.contains(":") ? lower.substring(0, lower.indexOf(':')) : lower;
    return switch (prefix) {
      case "parser error", "syntax error", "binder error", "conversion error", "invalid type error",
           "out of range error", "type mismatch error", "parameter not resolved error", "parameter not allowed error",
           "sequence error", "invalid configuration error" -> ErrorKind.INVALID_ARGUMENT;
      case "invalid input error" -> invalidInputKind(lower);
      case "catalog error" -> lower.contains("already exists") ? ErrorKind.ALREADY_EXISTS
          : lower.contains("does not exist") || lower.contains("not found") ? ErrorKind.NOT_FOUND
          : ErrorKind.INVALID_ARGUMENT;
      case "constraint error", "dependency error" -> ErrorKind.FAILED_PRECONDITION;
      case "transactioncontext error", "transaction error" -> lower.contains("conflict") ? ErrorKind.ABORTED
          : lower.contains("read-only mode") ? ErrorKind.PERMISSION_DENIED : ErrorKind.FAILED_PRECONDITION;
      case "interrupt error" -> ErrorKind.CANCELLED;
      case "out of memory error" -> ErrorKind.RESOURCE_EXHAUSTED;
      case "permission error" -> ErrorKind.PERMISSION_DENIED;
      case "not implemented error" -> ErrorKind.UNIMPLEMENTED;
      case "io error", "http error" -> lower.contains("no files found") || lower.contains("no such file")
          || lower.contains("does not exist") ? ErrorKind.NOT_FOUND
          : lower.contains("no space left") ? ErrorKind.RESOURCE_EXHAUSTED : ErrorKind.INTERNAL;
      case "fatal error", "internal error" -> ErrorKind.INTERNAL;
      default -> lower.contains("conflict") ? ErrorKind.ABORTED : ErrorKind.INVALID_ARGUMENT;
    };
  }

  private static ErrorKind invalidInputKind(String lower) {
    // A configured dataset whose files are missing or unreadable: the statement is fine, the files are not.
    if (lower.startsWith("invalid input error: " + DATASET_PREFIX) && lower.contains(UNAVAILABLE)) {
      return ErrorKind.FAILED_PRECONDITION;
    }
    // A SET of any setting after DuckDbLockdown locked the configuration.
    if (lower.contains("the configuration has been locked")) {
      return ErrorKind.PERMISSION_DENIED;
    }
    return ErrorKind.INVALID_ARGUMENT;
  }
}
