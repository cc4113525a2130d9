package dev.bridge.auth;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bridge.engine.AccessPolicy;
import dev.bridge.engine.DuckDbErrors;
import dev.bridge.engine.EngineException;
import dev.bridge.engine.ErrorKind;
import dev.bridge.engine.StatementText;
import dev.bridge.identity.Principal;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * Decides whether a role may run a SQL text, before DuckDB prepares it (preparing a text of several statements
 * already runs all but the last). DuckDB classifies the text itself; nothing here matches SQL strings.
 *
 * <ul>
 *   <li>A reader may run a text only when DuckDB's parser takes every statement in it for a query:
 *       {@code json_serialize_sql} serializes a text only when all its statements are SELECT statements (SELECT,
 *       FROM, VALUES, WITH ... SELECT, SHOW, DESCRIBE, SUMMARIZE, set operations). DML inside a CTE, a second
 *       statement, a keyword behind a comment, EXPLAIN, COPY, PRAGMA, SET, CALL, ATTACH, INSTALL and LOAD are all
 *       something else.</li>
 *   <li>A writer may run a text unless DuckDB's planner shows an admin-only operator in the plan of one of its
 *       statements ({@code json_serialize_plan}, which plans every statement without running any): ATTACH,
 *       DETACH, INSTALL/LOAD, UPDATE EXTENSIONS, EXPORT DATABASE, and SET/RESET of a database-wide setting. A text
 *       DuckDB cannot serialize a plan of (EXPLAIN, PRAGMA, PIVOT, PREPARE, CREATE SECRET, ...) is a writer's only
 *       when it consists of queries; otherwise it is refused, since an admin-only statement could hide in it.</li>
 *   <li>An admin may run everything.</li>
 * </ul>
 */
public final class StatementRoles implements AccessPolicy {
  private static final String SETTING_SCOPE = "SELECT scope FROM duckdb_settings() WHERE name = ?";
  private static final Set<String> ADMIN_OPERATORS = Set.of("LOGICAL_ATTACH", "LOGICAL_DETACH", "LOGICAL_LOAD",
      "LOGICAL_UPDATE_EXTENSIONS", "LOGICAL_EXPORT");
  private static final Set<String> SETTING_OPERATORS = Set.of("LOGICAL_SET", "LOGICAL_RESET");
  /** DuckDB could plan the statement but cannot serialize its plan: says nothing about the statement itself. */
  private static final Set<String> UNSERIALIZABLE = Set.of("not implemented", "invalid input");

  /** Role rules hold no state: one policy serves the whole server. */
  public StatementRoles() {}

  @Override
  public void checkStatement(Principal principal, StatementText text) {
    switch (principal.role()) {
      case ADMIN -> { }
      case WRITER -> requireNoAdminOperator(principal, text);
      case READER -> {
        if (!onlyQueries(text)) {
          throw denied(principal, "run statements other than queries (SELECT); DuckDB does not parse every"
              + " statement of this text as a query");
        }
      }
    }
  }

  @Override
  public void checkWrite(Principal principal, String what) {
    if (!principal.role().mayWrite()) {
      throw denied(principal, what);
    }
  }

  private static boolean onlyQueries(StatementText text) {
    JsonNode parsed = text.parse();
    if (!parsed.path("error").asBoolean(true)) {
      return true;
    }
    throwIfParserError(parsed);
    return false;
  }

  private static void requireNoAdminOperator(Principal principal, StatementText text) {
    JsonNode planned = text.plan();
    if (!planned.path("error").asBoolean(true)) {
      for (JsonNode plan : planned.path("plans")) {
        adminOperator(text.connection(), plan).ifPresent(operator -> {
          throw denied(principal, "run " + operator + ", which only admins may");
        });
      }
      return;
    }
    throwIfParserError(planned);
    String errorType = planned.path("error_type").asText();
    if (!UNSERIALIZABLE.contains(errorType)) {
      // The text does not bind (a missing table, a bad column): DuckDB's own error says why; nothing ran.
      throw DuckDbErrors.translate(errorClass(errorType) + ": " + planned.path("error_message").asText(), null);
    }
    if (!onlyQueries(text)) {
      throw denied(principal, "run this text: DuckDB cannot show the plan of one of its statements ("
          + planned.path("error_message").asText() + "), so it cannot rule out admin-only statements; send each"
          + " statement on its own, or ask an admin");
    }
  }

  /** The first admin-only operator in a plan tree, by DuckDB's operator name. */
  private static Optional<String> adminOperator(Connection connection, JsonNode node) {
    String type = node.path("type").asText();
    if (ADMIN_OPERATORS.contains(type)) {
      return Optional.of(type.substring("LOGICAL_".length()));
    }
    if (SETTING_OPERATORS.contains(type) && !sessionSetting(connection, node)) {
      return Optional.of(type.substring("LOGICAL_".length()) + " of the database-wide setting '"
          + node.path("name").asText() + "'");
    }
    for (JsonNode child : node.path("children")) {
      Optional<String> found = adminOperator(connection, child);
      if (found.isPresent()) {
        return found;
      }
    }
    return Optional.empty();
  }

  /** A SET VARIABLE, or a SET/RESET of a setting DuckDB keeps per connection (search_path, USE's schema, ...). */
  private static boolean sessionSetting(Connection connection, JsonNode node) {
    String scope = node.path("scope").asText();
    if (scope.equals("VARIABLE")) {
      return true;
    }
    if (scope.equals("GLOBAL")) {
      return false;
    }
    try (PreparedStatement statement = connection.prepareStatement(SETTING_SCOPE)) {
      statement.setString(1, node.path("name").asText());
      try (ResultSet result = statement.executeQuery()) {
        return result.next() && result.getString(1).equals("LOCAL");
      }
    } catch (SQLException e) {
      throw DuckDbErrors.translate(e);
    }
  }

  private static void throwIfParserError(JsonNode serialized) {
    if ("parser".equals(serialized.path("error_type").asText())) {
      throw EngineException.invalidArgument("Parser Error: " + serialized.path("error_message").asText());
    }
  }

  /** DuckDB's exception class for an error type of its JSON ("catalog" is "Catalog Error"), as DuckDbErrors reads. */
  private static String errorClass(String errorType) {
    return errorType.isEmpty() ? "Error"
        : errorType.substring(0, 1).toUpperCase(Locale.ROOT) + errorType.substring(1) + " Error";
  }

  private static EngineException denied(Principal principal, String what) {
    return new EngineException(ErrorKind.PERMISSION_DENIED, "user '" + principal.user() + "' has role "
        + principal.role().configName() + ", which may not " + what);
  }
}
