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
 * duckdb_jdbc 2.0.0.1). DuckDB itself writes the type in, one of two ways:
 * <ul>
 *   <li>a SELECT runs with each such parameter wrapped in {@code CAST(? AS type)}: its AST
 *       ({@code json_serialize_sql}) gets the parameter nodes wrapped in the cast node DuckDB's parser makes for
 *       {@code CAST(NULL AS type)}, and {@code json_deserialize_sql} renders the SQL;</li>
 *   <li>any other statement (INSERT, UPDATE, DELETE, with or without RETURNING: {@code json_serialize_sql} parses
 *       SELECTs only) runs through DuckDB's own {@code PREPARE} and {@code EXECUTE} with {@code CAST(NULL AS type)}
 *       as those arguments ({@link SqlPreparedStatement}).</li>
 * </ul>
 *
 * <p>A NULL in a position DuckDB types from the context keeps its untyped binding (DuckDB casts it to that type,
 * whatever the client's column was). What to do is kept per statement, NULL positions and types, and commands run
 * (a DDL may change which positions are open), so a statement is examined once, not per row.
 */
final class TypedNulls {
  private static final ObjectMapper JSON = new ObjectMapper();

  private record Key(String sql, List<String> nullTypes, long commandsRun) {}

  /**
   * How one execution runs: {@code sql} with the row bound as usual, or, when {@code executeCasts} is not empty,
   * DuckDB's PREPARE of {@code sql} executed with {@code CAST(NULL AS type)} at these parameter positions (1-based).
   */
  record Rewrite(String sql, Map<Integer, String> executeCasts) {
    static Rewrite asWritten(String sql) {
      return new Rewrite(sql, Map.of());
    }

    boolean throughExecute() {
      return !executeCasts.isEmpty();
    }
  }

  private final Map<Key, Rewrite> rewritten;

  TypedNulls(int capacity) {
    this.rewritten = PlanCache.leastRecentlyUsed(capacity);
  }

  /**
   * How to run {@code sql} with these parameter values: as written unless a typed NULL is bound where DuckDB leaves
   * the type open.
   */
  Rewrite rewriteFor(DuckDBConnection connection, String sql, List<Object> parameters, long commandsRun) {
    List<String> nullTypes = new ArrayList<>(parameters.size());
    boolean anyTyped = false;
    for (Object value : parameters) {
      boolean typed = value instanceof TypedNull;
      nullTypes.add(typed ? ((TypedNull) value).duckDbType() : null);
      anyTyped |= typed;
    }
    if (!anyTyped) {
      return Rewrite.asWritten(sql);
    }
    Key key = new Key(sql, nullTypes, commandsRun);
    synchronized (this) {
      Rewrite known = rewritten.get(key);
      if (known != null) {
        return known;
      }
    }
    Rewrite result = rewrite(connection, sql, parameters);
    synchronized (this) {
      rewritten.put(key, result);
    }
    return result;
  }

  private static Rewrite rewrite(DuckDBConnection connection, String sql, List<Object> parameters) {
    Map<Integer, TypedNull> casts = new HashMap<>();
    try (DuckDBPreparedStatement prepared = connection.prepare(sql)) {
      ParameterMetaData metadata = prepared.getParameterMetaData();
      for (int i = 0; i < parameters.size() && i < metadata.getParameterCount(); i++) {
        if (parameters.get(i) instanceof TypedNull typed && OpenParameters.isOpen(metadata.getParameterTypeName(i + 1))) {
          casts.put(i + 1, typed);
        }
      }
      if (casts.isEmpty()) {
        return Rewrite.asWritten(sql);
      }
      Map<Integer, JsonNode> castNodes = new HashMap<>();
      Map<Integer, String> castTypes = new HashMap<>();
      for (Map.Entry<Integer, TypedNull> entry : casts.entrySet()) {
        castNodes.put(entry.getKey(), castNode(connection, entry.getKey(), entry.getValue()));
        castTypes.put(entry.getKey(), entry.getValue().duckDbType());
      }
      JsonNode tree = JSON.readTree(scalar(connection, "SELECT json_serialize_sql(?)", sql));
      if (tree.path("error").asBoolean() || tree.path("statements").size() != 1) {
        // Not a SELECT (DuckDB serializes only those): DuckDB's PREPARE takes the statement as it is, and its
        // EXECUTE takes the casts.
        return new Rewrite(sql, Map.copyOf(castTypes));
      }
      JsonNode statement = tree.path("statements").get(0);
      Map<String, Integer> indexes = new HashMap<>();
      statement.path("named_param_map").forEach(entry -> indexes.put(entry.path("key").asText(),
          entry.path("value").asInt()));
      wrapParameters(statement.path("node"), indexes, castNodes);
      return Rewrite.asWritten(scalar(connection, "SELECT json_deserialize_sql(?::JSON)",
          JSON.writeValueAsString(tree)));
    } catch (SQLException | JsonProcessingException e) {
      // The statement as written then fails (or not) with DuckDB's own error, which says more than this one.
      return Rewrite.asWritten(sql);
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
