package dev.bridge.cli;

import java.io.PrintWriter;
import java.security.cert.CertificateException;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStatusCode;
import org.apache.arrow.flight.grpc.StatusUtils;

/** Tells the user why a client command failed, on stderr, and gives the command's exit code. */
final class ClientErrors {
  static final int FAILED = 1;

  private ClientErrors() {}

  static int report(Exception failure, String url, PrintWriter err) {
    err.println("bridge: " + message(failure, url));
    err.flush();
    return FAILED;
  }

  private static String rootCause(Throwable failure) {
    Throwable cause = failure;
    while (cause.getCause() != null) {
      cause = cause.getCause();
    }
    return cause == failure || cause.getMessage() == null ? "" : " (" + cause.getMessage() + ")";
  }

  private static boolean causedBy(Throwable failure, Class<? extends Throwable> type) {
    for (Throwable cause = failure; cause != null; cause = cause.getCause()) {
      if (type.isInstance(cause)) {
        return true;
      }
    }
    return false;
  }

  private static String message(Exception failure, String url) {
    if (failure instanceof FlightRuntimeException flight) {
      CallStatus status = flight.status();
      if (status.code() == FlightStatusCode.UNAVAILABLE && causedBy(flight, CertificateException.class)) {
        return "cannot reach " + url + ": its TLS certificate is not trusted" + rootCause(flight)
            + "; pass the CA that signed it with --tls-root-certs (or --insecure-skip-verify, for testing only)";
      }
      if (status.code() == FlightStatusCode.UNAVAILABLE) {
        return "cannot reach " + url + ": " + status.description() + rootCause(flight);
      }
      if (status.code() == FlightStatusCode.UNAUTHENTICATED) {
        return "not authenticated: " + status.description();
      }
      // The gRPC name, as the server's docs and logs use it: Flight calls PERMISSION_DENIED "UNAUTHORIZED".
      return "the server refused (" + StatusUtils.toGrpcStatusCode(status.code()) + "): " + status.description();
    }
    return failure.getMessage() == null ? failure.toString() : failure.getMessage();
  }
}
