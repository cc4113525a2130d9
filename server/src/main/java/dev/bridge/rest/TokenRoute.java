package dev.bridge.rest;

import dev.bridge.auth.Authenticator;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;

/**
 * {@code POST /v1/token}: trades Basic credentials for a bearer token, the HTTP twin of the Flight handshake. The
 * console logs in with it once and sends the token afterwards, so the password is not kept by the page.
 */
public final class TokenRoute {
  /** The request attribute holding the {@link Authenticator.Result} of the request's credentials. */
  static final String CREDENTIALS = "bridge.credentials";

  private final Authenticator authenticator;

  public TokenRoute(Authenticator authenticator) {
    this.authenticator = authenticator;
  }

  void handle(Request request, Response response) throws IOException {
    if (!authenticator.enabled()) {
      throw new HttpError(404, "NOT_FOUND", "authentication is off on this server: requests need no token");
    }
    Authenticator.Result result = (Authenticator.Result) request.getAttribute(CREDENTIALS);
    if (result == null || !result.issued()) {
      throw HttpError.badRequest("POST /v1/token takes Basic credentials (Authorization: Basic base64(user:password));"
          + " a bearer token is already a token");
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("token", result.token());
    body.put("token_type", "Bearer");
    body.put("user", result.principal().user());
    body.put("role", result.principal().role().configName());
    JsonResponses.write(response, 200, body);
  }
}
