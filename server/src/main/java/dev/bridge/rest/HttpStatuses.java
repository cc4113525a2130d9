package dev.bridge.rest;

import dev.bridge.engine.ErrorKind;

/** The HTTP status of each engine error kind: the one place the HTTP door maps them. */
final class HttpStatuses {
  private HttpStatuses() {}

  static int of(ErrorKind kind) {
    return switch (kind) {
      case INVALID_ARGUMENT -> 400;
      case UNAUTHENTICATED -> 401;
      case PERMISSION_DENIED -> 403;
      case NOT_FOUND -> 404;
      case ALREADY_EXISTS, FAILED_PRECONDITION, ABORTED -> 409;
      case INTERNAL -> 500;
      case UNIMPLEMENTED -> 501;
      case CANCELLED, RESOURCE_EXHAUSTED, UNAVAILABLE -> 503;
      case DEADLINE_EXCEEDED -> 504;
    };
  }
}
