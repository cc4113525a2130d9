package dev.bridge.rest;

/**
 * A response that cannot be finished after its body began: the client went away, or the format has no way to
 * report a failure. The connection is then cut off, so the client sees a broken body, never a short valid one.
 */
final class ResponseAborted extends RuntimeException {
  private static final long serialVersionUID = 1L;

  ResponseAborted(String message, Throwable cause) {
    super(message, cause);
  }
}
