package dev.bridge.flight;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import org.apache.arrow.flight.CallHeaders;
import org.apache.arrow.flight.CallInfo;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.FlightServerMiddleware;
import org.apache.arrow.flight.RequestContext;

/**
 * Works out which session a call belongs to: the bearer token when the client sends one (ADBC keeps no cookies,
 * so the token is what stays the same across its calls), otherwise the client's connection.
 */
final class SessionKeyMiddleware implements FlightServerMiddleware {
  static final Key<SessionKeyMiddleware> KEY = Key.of("bridge.session-key");

  private final String sessionKey;

  private SessionKeyMiddleware(String sessionKey) {
    this.sessionKey = sessionKey;
  }

  String sessionKey() {
    return sessionKey;
  }

  /** The session key of a client connection, as the disconnect hook computes it too. */
  static String forPeer(String peerAddress) {
    return "peer:" + peerAddress;
  }

  /** The session key of a bearer token; the token itself never becomes a session id that could end up in a log. */
  static String forToken(String token) {
    return "token:" + Factory.sha256(token);
  }

  @Override
  public void onBeforeSendingHeaders(CallHeaders outgoingHeaders) {}

  @Override
  public void onCallCompleted(CallStatus status) {}

  @Override
  public void onCallErrored(Throwable err) {}

  static final class Factory implements FlightServerMiddleware.Factory<SessionKeyMiddleware> {
    @Override
    public SessionKeyMiddleware onCallStarted(CallInfo info, CallHeaders incomingHeaders, RequestContext context) {
      String authorization = incomingHeaders.get("authorization");
      if (authorization != null && authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
        return new SessionKeyMiddleware(forToken(authorization.substring(7).trim()));
      }
      String peer = incomingHeaders.get(PeerAddressInterceptor.HEADER);
      return new SessionKeyMiddleware(forPeer(peer == null ? "unknown" : peer));
    }

    private static String sha256(String text) {
      try {
        byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        return HexFormat.of().formatHex(digest, 0, 16);
      } catch (NoSuchAlgorithmException e) {
        throw new IllegalStateException("every JVM has SHA-256", e);
      }
    }
  }
}
