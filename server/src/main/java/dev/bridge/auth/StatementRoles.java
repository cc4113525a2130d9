package dev.bridge.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.bridge.engine.DuckDbErrors;
import dev.bridge.engine.EngineException;
import dev.bridge.engine.ErrorKind;
import java.io.IOException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Connection;

/**
 * Decides whether a role may run a SQL text, before DuckDB prepares it (preparing a text of several statements
 * already runs all but the last).
 *
 * <p>The text is classified by DuckDB's own parser through {@code json_serialize_sql}, which serializes a text only
 * when every statement in it is a query (SELECT, FROM, VALUES, WITH ... SELECT, SHOW, DESCRIBE, SUMMARIZE, set
 * operations) and otherwise names no statement. So a reader may run a text exactly when DuckDB parses all of it as
 * queries: DML hidden in a CTE, a second statement, a keyword behind a comment, EXPLAIN (ANALYZE), COPY, PRAGMA,
 * SET, CALL, ATTACH, INSTALL and LOAD are all something else. A text DuckDB cannot parse is reported as the syntax
 * error it is.
 */
public final class StatementRoles {
  private static final String CLASSIFY = "SELECT json_serialize_sql(?::VARCHAR)";
  private static final ObjectMapper JSON = new ObjectMapper();

  private StatementRoles() {}

  /** Throws PERMISSION_DENIED when {@code principal} may not run {@code sql}; {@code connection} parses it. */
  public static void check(Principal principal, Connection connection, String sql) {
    if (principal.role().mayWrite()) {
      return;
    }
    JsonNode parsed = parse(connection, sql);
    if (!parsed.path("error").asBoolean(true)) {
      return;
    }
    if ("parser".equals(parsed.path("error_type").asText())) {
      throw EngineException.invalidArgument("Parser Error: " + parsed.path("error_message").asText());
    }
    throw denied(principal, "run statements other than queries (SELECT); DuckDB does not parse every statement of"
        + " this text as a query");
  }

  /** Throws PERMISSION_DENIED unless {@code principal} may change data (ingest). */
  public static void requireWrite(Principal principal, String what) {
    if (!principal.role().mayWrite()) {
      throw denied(principal, what);
    }
  }

  private static EngineException denied(Principal principal, String what) {
    return new EngineException(ErrorKind.PERMISSION_DENIED, "user '" + principal.user() + "' has role "
        + principal.role().configName() + ", which may not " + what);
  }

  private static JsonNode parse(Connection connection, String sql) {
    try (PreparedStatement statement = connection.prepareStatement(CLASSIFY)) {
      statement.setString(1, sql);
      try (ResultSet result = statement.executeQuery()) {
        result.next();
        return JSON.readTree(result.getString(1));
      }
    } catch (SQLException e) {
      throw DuckDbErrors.translate(e);
    } catch (IOException e) {
      throw new EngineException(ErrorKind.INTERNAL, "DuckDB's statement classification is not JSON: " + e, e);
    }
  }
}
