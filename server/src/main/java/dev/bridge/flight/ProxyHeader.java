package dev.bridge.flight;

import java.util.Locale;
import org.apache.arrow.flight.CallHeaders;
import org.apache.arrow.flight.CallInfo;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.FlightServerMiddleware;
import org.apache.arrow.flight.RequestContext;

/**
 * The {@code x-bridge-proxy} header of a call to a coordinator: {@code true} from a client that cannot reach the
 * workers, so every endpoint of its FlightInfo points at the coordinator (no location: the server it asked), which
 * relays each worker's stream. Sent like {@code x-bridge-compression} (a JDBC URL property, an ADBC
 * {@code adbc.flight.sql.rpc.call_header.*} option, pyarrow call headers); any value but true or false fails the call.
 */
final class ProxyHeader implements FlightServerMiddleware {
  static final String NAME = "x-bridge-proxy";
  static final Key<ProxyHeader> KEY = Key.of(NAME);

  private final boolean proxy;

  private ProxyHeader(boolean proxy) {
    this.proxy = proxy;
  }

  boolean proxy() {
    return proxy;
  }

  @Override
  public void onBeforeSendingHeaders(CallHeaders outgoingHeaders) {}

  @Override
  public void onCallCompleted(CallStatus status) {}

  @Override
  public void onCallErrored(Throwable err) {}

  static final class Factory implements FlightServerMiddleware.Factory<ProxyHeader> {
    @Override
    public ProxyHeader onCallStarted(CallInfo info, CallHeaders incomingHeaders, RequestContext context) {
      String value = incomingHeaders.get(NAME);
      if (value == null) {
        return new ProxyHeader(false);
      }
      return switch (value.strip().toLowerCase(Locale.ROOT)) {
        case "true" -> new ProxyHeader(true);
        case "false" -> new ProxyHeader(false);
        default -> throw CallStatus.INVALID_ARGUMENT.withDescription("header " + NAME + " must be true or false, "
            + "got '" + value + "'").toRuntimeException();
      };
    }
  }
}
