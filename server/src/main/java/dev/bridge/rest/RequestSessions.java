package dev.bridge.rest;

import dev.bridge.engine.Session;
import dev.bridge.engine.SessionManager;
import java.util.UUID;
import org.eclipse.jetty.server.Request;

/**
 * The session an HTTP request runs in. A request that names a session in the {@value #HEADER} header shares it
 * with the other requests that name it (its temporary tables, settings and transaction), until it idles out; any
 * other request gets a session of its own, closed when the request ends.
 */
final class RequestSessions {
  static final String HEADER = "X-Bridge-Session";
  /** The request attribute an authentication handler sets to the user it authenticated. */
  public static final String USER_ATTRIBUTE = "bridge.user";
  private static final int MAX_NAME_LENGTH = 128;

  private final SessionManager sessions;

  RequestSessions(SessionManager sessions) {
    this.sessions = sessions;
  }

  Scoped open(Request request) {
    String name = request.getHeaders().get(HEADER);
    if (name == null) {
      String key = "http-request:" + UUID.randomUUID();
      return new Scoped(sessions.session(key), () -> sessions.close(key));
    }
    if (name.isBlank() || name.length() > MAX_NAME_LENGTH) {
      throw HttpError.badRequest(HEADER + " must be a name of 1 to " + MAX_NAME_LENGTH + " characters");
    }
    return new Scoped(sessions.session("http-session:" + name.strip()), () -> { });
  }

  /** The user the request was authenticated as, or null when it was not (no authentication configured). */
  static String user(Request request) {
    return request.getAttribute(USER_ATTRIBUTE) instanceof String user ? user : null;
  }

  /** A session for the length of one request. */
  record Scoped(Session session, Runnable onRequestEnd) implements AutoCloseable {
    @Override
    public void close() {
      onRequestEnd.run();
    }
  }
}
