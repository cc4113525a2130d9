package dev.bridge.rest;

/** A request the HTTP door refuses before it reaches the engine: an HTTP status, an error code and what was wrong. */
final class HttpError extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int status;
  private final String code;
  private final String allow;

  HttpError(int status, String code, String message) {
    this(status, code, message, null);
  }

  private HttpError(int status, String code, String message, String allow) {
    super(message);
    this.status = status;
    this.code = code;
    this.allow = allow;
  }

  int status() {
    return status;
  }

  String code() {
    return code;
  }

  /** The methods the route does allow (the Allow header of a 405), or null. */
  String allow() {
    return allow;
  }

  static HttpError methodNotAllowed(String method, String allowed) {
    return new HttpError(405, "METHOD_NOT_ALLOWED", "method " + method + " is not allowed here; use " + allowed,
        allowed);
  }

  static HttpError badRequest(String message) {
    return new HttpError(400, "BAD_REQUEST", message);
  }
}
