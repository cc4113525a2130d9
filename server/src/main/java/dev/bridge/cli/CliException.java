package dev.bridge.cli;

/** A client command cannot go on; the message says why, for the user, and the command exits with 1. */
final class CliException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  CliException(String message) {
    super(message);
  }
}
