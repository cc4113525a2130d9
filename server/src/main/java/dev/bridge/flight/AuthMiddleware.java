package dev.bridge.flight;

import dev.bridge.auth.Authenticator;
import dev.bridge.engine.EngineException;
import dev.bridge.identity.Principal;
import org.apache.arrow.flight.CallHeaders;
import org.apache.arrow.flight.CallInfo;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.FlightServerMiddleware;
import org.apache.arrow.flight.RequestContext;

/**
 * Authenticates every Flight call (Handshake included) from its {@code authorization} header, before the call
 * reaches the producer; a refused call ends with UNAUTHENTICATED. Basic credentials are answered with a bearer
 * token in the response headers, where Arrow's clients ({@code authenticateBasicToken}, the JDBC driver, ADBC) pick
 * it up and send it on every later call.
 */
final class AuthMiddleware implements FlightServerMiddleware {
  static final Key<AuthMiddleware> KEY = Key.of("bridge.auth");
  private static final String AUTHORIZATION = "authorization";

  private final Authenticator.Result result;

  private AuthMiddleware(Authenticator.Result result) {
    this.result = result;
  }

  Principal principal() {
    return result.principal();
  }

  /** The bearer token of this call: the one it sent, or the one just issued for its Basic credentials. */
  String token() {
    return result.token();
  }

  /** The session key of this call: its bearer token, or the one just issued for its Basic credentials. */
  String sessionKey() {
    return SessionKeyMiddleware.forToken(result.token());
  }

  @Override
  public void onBeforeSendingHeaders(CallHeaders outgoingHeaders) {
    if (result.issued()) {
      outgoingHeaders.insert(AUTHORIZATION, "Bearer " + result.token());
    }
  }

  @Override
  public void onCallCompleted(CallStatus status) {}

  @Override
  public void onCallErrored(Throwable err) {}

  static final class Factory implements FlightServerMiddleware.Factory<AuthMiddleware> {
    private final Authenticator authenticator;

    Factory(Authenticator authenticator) {
      this.authenticator = authenticator;
    }

    @Override
    public AuthMiddleware onCallStarted(CallInfo info, CallHeaders incomingHeaders, RequestContext context) {
      try {
        return new AuthMiddleware(authenticator.authenticate(incomingHeaders.get(AUTHORIZATION)));
      } catch (EngineException e) {
        throw CallStatus.UNAUTHENTICATED.withDescription(e.getMessage()).toRuntimeException();
      }
    }
  }
}
