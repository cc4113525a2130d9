package dev.bridge.engine;

/** What kind of failure an {@link EngineException} is; each door maps it to its own status (gRPC code, HTTP status). */
public enum ErrorKind {
  INVALID_ARGUMENT,
  NOT_FOUND,
  ALREADY_EXISTS,
  FAILED_PRECONDITION,
  ABORTED,
  CANCELLED,
  DEADLINE_EXCEEDED,
  RESOURCE_EXHAUSTED,
  PERMISSION_DENIED,
  UNAUTHENTICATED,
  UNIMPLEMENTED,
  /** A service Bridge depends on (another engine, such as Spark) cannot be reached now; retrying may succeed. */
  UNAVAILABLE,
  INTERNAL
}
