package dev.bridge.auth;

import dev.bridge.auth.AuthEvents.Rejection;

/** Credentials refused inside the auth package; {@link Authenticator} reports it and turns it into UNAUTHENTICATED. */
final class AuthenticationFailure extends Exception {
  private static final long serialVersionUID = 1L;

  private final Rejection rejection;

  AuthenticationFailure(Rejection rejection, String message) {
    super(message, null, false, false);
    this.rejection = rejection;
  }

  Rejection rejection() {
    return rejection;
  }
}
