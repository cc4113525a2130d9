package dev.bridge.auth;

/**
 * What authentication reports to whoever counts it (a metrics module): one call per refused credential. Called on
 * the request's thread, so an implementation must be quick and thread-safe.
 */
@FunctionalInterface
public interface AuthEvents {
  AuthEvents NONE = rejection -> { };

  void rejected(Rejection rejection);

  /** Why credentials were refused. */
  enum Rejection {
    MISSING,
    MALFORMED,
    BAD_PASSWORD,
    BAD_SIGNATURE,
    EXPIRED,
    UNKNOWN_USER
  }
}
