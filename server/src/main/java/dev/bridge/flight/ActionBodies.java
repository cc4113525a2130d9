package dev.bridge.flight;

import dev.bridge.engine.EngineException;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.util.Map;
import org.apache.arrow.flight.Action;
import org.apache.arrow.flight.CancelFlightInfoRequest;
import org.apache.arrow.flight.CloseSessionRequest;
import org.apache.arrow.flight.FlightConstants;
import org.apache.arrow.flight.GetSessionOptionsRequest;
import org.apache.arrow.flight.RenewFlightEndpointRequest;
import org.apache.arrow.flight.SetSessionOptionsRequest;

/**
 * Checks the bodies of Flight's own actions before Flight SQL dispatches them: Flight answers a body it cannot
 * parse with INTERNAL, though the mistake is the client's.
 */
final class ActionBodies {
  private interface Parser {
    void parse(ByteBuffer body) throws IOException, URISyntaxException;
  }

  private static final Map<String, Parser> PARSERS = Map.of(
      FlightConstants.CANCEL_FLIGHT_INFO.getType(), CancelFlightInfoRequest::deserialize,
      FlightConstants.RENEW_FLIGHT_ENDPOINT.getType(), RenewFlightEndpointRequest::deserialize,
      FlightConstants.SET_SESSION_OPTIONS.getType(), SetSessionOptionsRequest::deserialize,
      FlightConstants.GET_SESSION_OPTIONS.getType(), GetSessionOptionsRequest::deserialize,
      FlightConstants.CLOSE_SESSION.getType(), CloseSessionRequest::deserialize);

  private ActionBodies() {}

  /** Fails with INVALID_ARGUMENT, naming the action, when a Flight action's body does not parse. */
  static void requireParsable(Action action) {
    Parser parser = PARSERS.get(action.getType());
    if (parser == null) {
      return;
    }
    try {
      parser.parse(ByteBuffer.wrap(action.getBody()));
    } catch (IOException | URISyntaxException | RuntimeException e) {
      throw EngineException.invalidArgument("the body of action " + action.getType() + " is not a valid "
          + action.getType() + " request: " + e.getMessage());
    }
  }
}
