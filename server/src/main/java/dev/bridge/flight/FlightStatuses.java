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
      case INTERNAL -> Status.INTERNAL;
    };
    return status.withDescription(e.getMessage()).withCause(e).asRuntimeException();
  }
}
