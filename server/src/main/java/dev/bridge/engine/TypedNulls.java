package dev.bridge.engine;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.sql.ParameterMetaData;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.duckdb.DuckDBConnection;
import org.duckdb.DuckDBPreparedStatement;

/**
 * Gives the NULLs a client bound in typed Arrow columns ({@link TypedNull}) their type where DuckDB needs it: a
 * parameter whose type DuckDB leaves open and that sits in an overloaded function ({@code ? + INTERVAL 1 DAY},
 * {@code octet_length(?)}) cannot take an untyped NULL ("add explicit type casts"), and DuckDB's JDBC binding sends
 * every NULL untyped ({@code setNull(i, type)} and {@code setObject(i, null, type)} drop the type, checked with
 * duckdb_jdbc 2.0.0.1). The statement is then run with each such parameter wrapped in {@code CAST(? AS type)},
 * written by DuckDB itself: its AST ({@code json_serialize_sql}) gets the parameter nodes wrapped in the cast node
 * DuckDB's parser makes for {@code CAST(NULL AS type)}, and {@code json_deserialize_sql} renders the SQL.
 *
 * <p>A NULL in a position DuckDB types from the context keeps its untyped binding (DuckDB casts it to that type,
 * whatever the client's column was). {@code json_serialize_sql} parses SELECT statements only; other statements
 * run as written. The rewritten SQL is kept per statement, NULL positions and types, and commands run (a DDL may
 * change which positions are open), so a statement is rewritten once, not per row.
 */
final class TypedNulls {
  private static final ObjectMapper JSON = new ObjectMapper();

  private record Key(String sql, List<String> nullTypes, long commandsRun) {}

  private final Map<Key, String> rewritten;

  TypedNulls(int capacity) {
    this.rewritten = PlanCache.leastRecentlyUsed(capacity);
  }

  /**
   * The SQL to run {@code sql} with these parameter values: {@code sql} itself unless a typed NULL is bound where
   * DuckDB leaves the type open.
   */
  String sqlFor(DuckDBConnection connection, String sql, List<Object> parameters, long commandsRun) {
    List<String> nullTypes = new ArrayList<>(parameters.size());
    boolean anyTyped = false;
    for (Object value : parameters) {
      boolean typed = value instanceof TypedNull;
      nullTypes.add(typed ? ((TypedNull) value).duckDbType() : null);
      anyTyped |= typed;
    }
    if (!anyTyped) {
      return sql;
    }
    Key key = new Key(sql, nullTypes, commandsRun);
    synchronized (this) {
      String known = rewritten.get(key);
      if (known != null) {
        return known;
      }
    }
    String result = rewrite(connection, sql, parameters);
    synchronized (this) {
      rewritten.put(key, result);
    }
    return result;
  }

  private static String rewrite(DuckDBConnection connection, String sql, List<Object> parameters) {
    Map<Integer, TypedNull> casts = new HashMap<>();
    try (DuckDBPreparedStatement prepared = connection.prepare(sql)) {
      ParameterMetaData metadata = prepared.getParameterMetaData();
      for (int i = 0; i < parameters.size() && i < metadata.getParameterCount(); i++) {
        if (parameters.get(i) instanceof TypedNull typed && OpenParameters.isOpen(metadata.getParameterTypeName(i + 1))) {
          casts.put(i + 1, typed);
        }
      }
      if (casts.isEmpty()) {
        return sql;
      }
      JsonNode tree = JSON.readTree(scalar(connection, "SELECT json_serialize_sql(?)", sql));
      if (tree.path("error").asBoolean() || tree.path("statements").size() != 1) {
        // Not a SELECT (DuckDB serializes only those): it runs as written, and DuckDB says what it cannot bind.
        return sql;
      }
      JsonNode statement = tree.path("statements").get(0);
      Map<String, Integer> indexes = new HashMap<>();
      statement.path("named_param_map").forEach(entry -> indexes.put(entry.path("key").asText(),
          entry.path("value").asInt()));
      Map<Integer, JsonNode> castNodes = new HashMap<>();
      for (Map.Entry<Integer, TypedNull> entry : casts.entrySet()) {
        castNodes.put(entry.getKey(), castNode(connection, entry.getKey(), entry.getValue()));
      }
      wrapParameters(statement.path("node"), indexes, castNodes);
      return scalar(connection, "SELECT json_deserialize_sql(?::JSON)", JSON.writeValueAsString(tree));
    } catch (SQLException | JsonProcessingException e) {
      // The statement as written then fails (or not) with DuckDB's own error, which says more than this one.
      return sql;
    }
  }

  /** DuckDB's AST node for {@code CAST(NULL AS type)}: its NULL child is replaced by the parameter node. */
  private static JsonNode castNode(DuckDBConnection connection, int index, TypedNull typed)
      throws SQLException, JsonProcessingException {
    // The type name is DuckDB's name for the Arrow column's type (DuckDbTypeNames), never text from the client.
    // json_serialize_sql only parses, so the cast is prepared first: that binds the type name.
    String castSql = "SELECT CAST(NULL AS " + typed.duckDbType() + ")";
    JsonNode tree;
    try (DuckDBPreparedStatement probe = connection.prepare(castSql)) {
      tree = JSON.readTree(scalar(connection, "SELECT json_serialize_sql(?)", castSql));
    } catch (SQLException e) {
      tree = JSON.nullNode();
    }
    JsonNode cast = tree.path("statements").path(0).path("node").path("select_list").path(0);
    if (tree.path("error").asBoolean() || !"CAST".equals(cast.path("class").asText())) {
      throw EngineException.invalidArgument("parameter " + index + " is a NULL of Arrow type " + typed.arrowType()
          + ", which has no DuckDB type, in a position where DuckDB needs one; bind it with another type or CAST"
          + " it in SQL");
    }
    return cast;
  }

  /** Replaces, anywhere under {@code node}, each parameter node of {@code castNodes} by its cast node. */
  private static void wrapParameters(JsonNode node, Map<String, Integer> indexes, Map<Integer, JsonNode> castNodes) {
    if (node instanceof ArrayNode array) {
      for (int i = 0; i < array.size(); i++) {
        JsonNode wrapped = wrapped(array.get(i), indexes, castNodes);
        if (wrapped != null) {
          array.set(i, wrapped);
        } else {
          wrapParameters(array.get(i), indexes, castNodes);
        }
      }
    } else if (node instanceof ObjectNode object) {
      List<String> fields = new ArrayList<>();
      object.fieldNames().forEachRemaining(fields::add);
      for (String field : fields) {
        JsonNode wrapped = wrapped(object.get(field), indexes, castNodes);
        if (wrapped != null) {
          object.set(field, wrapped);
        } else {
          wrapParameters(object.get(field), indexes, castNodes);
        }
      }
    }
  }

  /** The cast node wrapping {@code node} when it is one of the parameters to cast, else null. */
  private static JsonNode wrapped(JsonNode node, Map<String, Integer> indexes, Map<Integer, JsonNode> castNodes) {
    if (!"PARAMETER".equals(node.path("class").asText())) {
      return null;
    }
    Integer index = indexes.get(node.path("identifier").asText());
    JsonNode cast = index == null ? null : castNodes.get(index);
    if (cast == null) {
      return null;
    }
    // An alias names the select-list item, which is now the cast: it moves from the parameter to the cast.
    ObjectNode copy = cast.deepCopy();
    ObjectNode child = ((ObjectNode) node).deepCopy();
    copy.set("alias", child.path("alias"));
    child.put("alias", "");
    copy.set("child", child);
    return copy;
  }

  private static String scalar(DuckDBConnection connection, String query, String argument) throws SQLException {
    try (DuckDBPreparedStatement statement = connection.prepare(query)) {
      statement.setString(1, argument);
      try (ResultSet result = statement.executeQuery()) {
        result.next();
        return result.getString(1);
      }
    }
  }
}
