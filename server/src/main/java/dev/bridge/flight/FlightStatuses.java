package dev.bridge.flight;

import dev.bridge.engine.EngineException;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/**
 * Turns engine failures into gRPC statuses: the kind picks the code, DuckDB's message is kept whole. Flight's own
 * status enum has no FAILED_PRECONDITION or ABORTED, so the gRPC status is built directly; Flight passes a
 * {@link StatusRuntimeException} through to the client unchanged.
 */
final class FlightStatuses {
  private static final int MAX_DESCRIPTION_CHARS = 2_000;

  private FlightStatuses() {}

  static StatusRuntimeException toGrpc(EngineException e) {
    Status status = switch (e.kind()) {
      case INVALID_ARGUMENT -> Status.INVALID_ARGUMENT;
      case NOT_FOUND -> Status.NOT_FOUND;
      case ALREADY_EXISTS -> Status.ALREADY_EXISTS;
      case FAILED_PRECONDITION -> Status.FAILED_PRECONDITION;
      case ABORTED -> Status.ABORTED;
      case CANCELLED -> Status.CANCELLED;
      case DEADLINE_EXCEEDED -> Status.DEADLINE_EXCEEDED;
      case RESOURCE_EXHAUSTED -> Status.RESOURCE_EXHAUSTED;
      case PERMISSION_DENIED -> Status.PERMISSION_DENIED;
      case UNAUTHENTICATED -> Status.UNAUTHENTICATED;
      case UNIMPLEMENTED -> Status.UNIMPLEMENTED;
      case UNAVAILABLE -> Status.UNAVAILABLE;
      case INTERNAL -> Status.INTERNAL;
    };
    return status.withDescription(bounded(e.getMessage())).withCause(e).asRuntimeException();
  }

  /**
   * The description travels in a trailer, and clients refuse trailers over 8 KiB (the call then fails with
   * INTERNAL): a message that quotes a huge statement or identifier is cut.
   */
  static String bounded(String message) {
    if (message == null || message.length() <= MAX_DESCRIPTION_CHARS) {
      return message;
    }
    return message.substring(0, MAX_DESCRIPTION_CHARS) + "... (" + (message.length() - MAX_DESCRIPTION_CHARS)
        + " more characters cut)";
  }
}
