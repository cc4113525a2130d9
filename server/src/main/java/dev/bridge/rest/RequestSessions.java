package dev.bridge.rest;

import dev.bridge.engine.Session;
import dev.bridge.engine.SessionManager;
import dev.bridge.identity.Principal;
import java.util.UUID;
import org.eclipse.jetty.server.Request;

/**
 * The session an HTTP request runs in. A request that names a session in the {@value #HEADER} header shares it
 * with the other requests that name it (its temporary tables, settings and transaction), until it idles out; any
 * other request gets a session of its own, closed when the request ends. With authentication a session name is the
 * user's own: another user naming the same session gets a different one.
 */
public final class RequestSessions {
  static final String HEADER = "X-Bridge-Session";
  /** The request attribute holding the authenticated {@link Principal} (absent without authentication). */
  static final String PRINCIPAL = "bridge.principal";
  private static final int MAX_NAME_LENGTH = 128;

  private final SessionManager sessions;

  public RequestSessions(SessionManager sessions) {
    this.sessions = sessions;
  }

  Scoped open(Request request) {
    String name = request.getHeaders().get(HEADER);
    Principal principal = principal(request);
    if (name == null) {
      String key = "http-request:" + UUID.randomUUID();
      return new Scoped(sessions.session(key, principal), () -> sessions.close(key));
    }
    if (name.isBlank() || name.length() > MAX_NAME_LENGTH) {
      throw HttpError.badRequest(HEADER + " must be a name of 1 to " + MAX_NAME_LENGTH + " characters");
    }
    String owner = principal.anonymous() ? "" : principal.user() + "/";
    return new Scoped(sessions.session("http-session:" + owner + name.strip(), principal), () -> { });
  }

  /** Who the request runs as: its authenticated user, or {@link Principal#ANONYMOUS} without authentication. */
  static Principal principal(Request request) {
    return request.getAttribute(PRINCIPAL) instanceof Principal p ? p : Principal.ANONYMOUS;
  }

  /** A session for the length of one request. */
  record Scoped(Session session, Runnable onRequestEnd) implements AutoCloseable {
    @Override
    public void close() {
      onRequestEnd.run();
    }
  }
}
