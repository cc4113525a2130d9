package dev.bridge.engine;

/** A failure the engine reports to a client: a kind that says whose fault it is and a message that says what. */
public final class EngineException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final ErrorKind kind;

  public EngineException(ErrorKind kind, String message) {
    super(message);
    this.kind = kind;
  }

  public EngineException(ErrorKind kind, String message, Throwable cause) {
    super(message, cause);
    this.kind = kind;
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
