package dev.bridge.rest;

import dev.bridge.engine.Session;
import dev.bridge.engine.SessionManager;
import dev.bridge.identity.Principal;
import dev.bridge.identity.Role;
import dev.bridge.metrics.RunningStatements;
import dev.bridge.metrics.Telemetry;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;

/**
 * The operations view's routes: {@code GET /v1/statements} (what runs now on both doors), {@code DELETE
 * /v1/statements/{id}} (cancel one) and {@code GET /v1/sessions}. An admin sees and cancels everyone's; any other
 * user only their own: another user's statement is answered as unknown, as a Flight ticket of another user is.
 */
public final class OperationsRoutes {
  private final RunningStatements running;
  private final SessionManager sessions;

  public OperationsRoutes(RunningStatements running, SessionManager sessions) {
    this.running = running;
    this.sessions = sessions;
  }

  void statements(Request request, Response response) throws IOException {
    Principal caller = RequestSessions.principal(request);
    List<Map<String, Object>> rows = new ArrayList<>();
    for (RunningStatements.Snapshot statement : running.list()) {
      if (visible(caller, statement.user())) {
        rows.add(describe(statement));
      }
    }
    JsonResponses.write(response, 200, Map.of("statements", rows));
  }

  void cancel(String id, Request request, Response response) throws IOException {
    long number = parseId(id);
    Principal caller = RequestSessions.principal(request);
    Optional<RunningStatements.Snapshot> statement = running.find(number)
        .filter(found -> visible(caller, found.user()));
    // A statement that ended between the look-up and the cancel is as gone as one that never ran.
    if (statement.isEmpty() || !running.cancel(number)) {
      throw new HttpError(404, "NOT_FOUND", "no running statement " + number
          + (caller.role() == Role.ADMIN ? "" : " of user " + userName(caller))
          + "; it has ended, or see GET /v1/statements");
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("id", number);
    body.put("cancelled", true);
    body.put("statement", describe(statement.get()));
    JsonResponses.write(response, 200, body);
  }

  void sessions(Request request, Response response) throws IOException {
    Principal caller = RequestSessions.principal(request);
    Map<String, Long> runningBySession = new LinkedHashMap<>();
    running.list().forEach(statement -> runningBySession.merge(statement.session(), 1L, Long::sum));
    List<Map<String, Object>> rows = new ArrayList<>();
    for (Session session : sessions.list()) {
      String user = userName(session.principal());
      if (session.isClosed() || !visible(caller, user)) {
        continue;
      }
      Map<String, Object> row = new LinkedHashMap<>();
      row.put("id", session.id());
      row.put("user", user);
      row.put("role", session.principal().role().configName());
      row.put("opened_at", Instant.ofEpochMilli(session.openedAtMillis()).toString());
      row.put("idle_ms", session.idleFor().toMillis());
      row.put("in_transaction", session.inTransaction());
      row.put("running_statements", runningBySession.getOrDefault(session.id(), 0L));
      rows.add(row);
    }
    rows.sort((a, b) -> ((String) a.get("opened_at")).compareTo((String) b.get("opened_at")));
    JsonResponses.write(response, 200, Map.of("sessions", rows));
  }

  private static Map<String, Object> describe(RunningStatements.Snapshot statement) {
    Map<String, Object> row = new LinkedHashMap<>();
    row.put("id", statement.id());
    row.put("user", statement.user());
    row.put("session", statement.session());
    row.put("door", statement.door().label());
    row.put("kind", statement.kind());
    row.put("statement", statement.statement());
    row.put("started_at", Instant.ofEpochMilli(statement.startedAtMillis()).toString());
    row.put("elapsed_ms", statement.elapsedMillis());
    row.put("rows", statement.rows());
    row.put("bytes", statement.bytes());
    return row;
  }

  private static boolean visible(Principal caller, String user) {
    return caller.role() == Role.ADMIN || userName(caller).equals(user);
  }

  /** The user name as traces record it ({@value Telemetry#ANONYMOUS} without authentication). */
  private static String userName(Principal principal) {
    return principal.anonymous() ? Telemetry.ANONYMOUS : principal.user();
  }

  private static long parseId(String id) {
    try {
      long number = Long.parseLong(id);
      if (number > 0) {
        return number;
      }
    } catch (NumberFormatException e) {
      // Answered below.
    }
    throw HttpError.badRequest("a statement id is a positive number as GET /v1/statements lists it, got '" + id + "'");
  }
}
