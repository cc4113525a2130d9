package dev.bridge.engine;

import java.time.Duration;
import java.util.Optional;

/** A failure the engine reports to a client: a kind that says whose fault it is and a message that says what. */
public final class EngineException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final ErrorKind kind;
  private final Duration retryAfter;

  public EngineException(ErrorKind kind, String message) {
    this(kind, message, (Throwable) null);
  }

  public EngineException(ErrorKind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
    this.retryAfter = null;
  }

  /** A refusal the client may retry after {@code retryAfter} (the HTTP door sends it as Retry-After). */
  public EngineException(ErrorKind kind, String message, Duration retryAfter) {
    super(message);
    this.kind = kind;
    this.retryAfter = retryAfter;
  }

  /** When the client may try again, for a refusal that says so. */
  public Optional<Duration> retryAfter() {
    return Optional.ofNullable(retryAfter);
  }

  public ErrorKind kind() {
    return kind;
  }

  public static EngineException invalidArgument(String message) {
    return new EngineException(ErrorKind.INVALID_ARGUMENT, message);
  }

  public static EngineException notFound(String message) {
    return new EngineException(ErrorKind.NOT_FOUND, message);
  }
}
