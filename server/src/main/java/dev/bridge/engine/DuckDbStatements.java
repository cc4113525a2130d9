package dev.bridge.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * DuckDB's own description of a SQL text, without running it: its parse ({@code json_serialize_sql}, which succeeds
 * only when every statement is a SELECT statement) and its plan ({@code json_serialize_plan}, every statement
 * planned, none run). The access checks and {@link StatementEffects} read these instead of matching SQL strings.
 */
public final class DuckDbStatements {
  private static final String QUERIES = "SELECT json_serialize_sql(?::VARCHAR)";
  private static final String PLANS = "SELECT json_serialize_plan(?::VARCHAR)";
  private static final ObjectMapper JSON = new ObjectMapper();

  private DuckDbStatements() {}

  /** The parse of {@code sql}; its {@code error} field is false only when all its statements are queries. */
  public static JsonNode parse(Connection connection, String sql) {
    return serialize(connection, QUERIES, sql);
  }

  /** The logical plans of {@code sql}'s statements, or an error DuckDB gives for planning or serializing them. */
  public static JsonNode plan(Connection connection, String sql) {
    return serialize(connection, PLANS, sql);
  }

  /** Whether DuckDB's parser takes every statement of {@code sql} for a query. */
  public static boolean onlyQueries(Connection connection, String sql) {
    return !parse(connection, sql).path("error").asBoolean(true);
  }

  private static JsonNode serialize(Connection connection, String function, String sql) {
    try (PreparedStatement statement = connection.prepareStatement(function)) {
      statement.setString(1, sql);
      try (ResultSet result = statement.executeQuery()) {
        result.next();
        return JSON.readTree(result.getString(1));
      }
    } catch (SQLException e) {
      throw DuckDbErrors.translate(e);
    } catch (IOException e) {
      throw new EngineException(ErrorKind.INTERNAL, "DuckDB's statement description is not JSON: " + e, e);
    }
  }
}
