package dev.bridge.flight;

import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.arrow.flight.CallHeaders;
import org.apache.arrow.flight.CallInfo;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.FlightServerMiddleware;
import org.apache.arrow.flight.RequestContext;

/**
 * Tells from the caller's {@code user-agent} header whether it is an Arrow Java Flight client of version 17 or older,
 * which cannot read two things newer clients get (see {@link dev.bridge.flight.metadata.SqlInfoAudience} and
 * {@link BridgeFlightSqlProducer#acceptPutPreparedStatementQuery}).
 *
 * <p>Flight clients identify themselves only by the gRPC library's user agent. The Flight SQL JDBC drivers send
 * that of the grpc-java they shade: 15.0.2 {@code grpc-java-netty/1.60.0}, 16.1.0 and 17.0.0 both {@code 1.63.0},
 * 18.3.0 {@code 1.71.0}. So "older than grpc-java 1.64" is how "Arrow Java 17 or older" shows; 17.0.0 is counted
 * with the older ones, and what it then misses it does not use (see the callers).
 */
final class ClientAgentMiddleware implements FlightServerMiddleware {
  static final Key<ClientAgentMiddleware> KEY = Key.of("bridge.client-agent");

  private static final Pattern GRPC_JAVA = Pattern.compile("grpc-java-[a-z]+/1\\.(\\d+)\\.");
  /** grpc-java 1.64 and later come with Arrow Java 18 and later. */
  private static final int FIRST_GRPC_JAVA_MINOR_OF_ARROW_18 = 64;

  private final boolean olderThanArrowJava18;

  private ClientAgentMiddleware(boolean olderThanArrowJava18) {
    this.olderThanArrowJava18 = olderThanArrowJava18;
  }

  /** Whether the caller is an Arrow Java Flight client of version 17 or older (JDBC drivers 15, 16, 17). */
  boolean olderThanArrowJava18() {
    return olderThanArrowJava18;
  }

  static boolean olderThanArrowJava18(String userAgent) {
    Matcher grpcJava = GRPC_JAVA.matcher(userAgent);
    return grpcJava.find() && Integer.parseInt(grpcJava.group(1)) < FIRST_GRPC_JAVA_MINOR_OF_ARROW_18;
  }

  @Override
  public void onBeforeSendingHeaders(CallHeaders outgoingHeaders) {}

  @Override
  public void onCallCompleted(CallStatus status) {}

  @Override
  public void onCallErrored(Throwable err) {}

  static final class Factory implements FlightServerMiddleware.Factory<ClientAgentMiddleware> {
    @Override
    public ClientAgentMiddleware onCallStarted(CallInfo info, CallHeaders incomingHeaders, RequestContext context) {
      String userAgent = incomingHeaders.get("user-agent");
      return new ClientAgentMiddleware(userAgent != null && olderThanArrowJava18(userAgent));
    }
  }
}
