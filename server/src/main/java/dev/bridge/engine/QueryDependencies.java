package dev.bridge.engine;

import com.fasterxml.jackson.databind.JsonNode;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * What a query's answer depends on, as DuckDB itself describes the query (its parse, {@code json_serialize_sql},
 * and its plan, {@code json_serialize_plan}, with views expanded to what they read): the tables it reads, or why
 * its answer may change without any table changing, which makes it uncacheable. Nothing here matches SQL text.
 *
 * <p>Uncacheable: a text that is not a single SELECT statement (EXPLAIN ANALYZE, PRAGMA, INSERT ... RETURNING),
 * any function DuckDB does not list as consistent (random, now, uuid, nextval, setseed, current_query, a user's
 * macro, ...), session variables ({@code getvariable}, folded to a constant in the plan, so read from the parse),
 * sampling, temporary tables, and table functions whose data has no version (catalog functions, file readers). DuckDB
 * 2.0 cannot serialize the plan of a file scan (Parquet, CSV, JSON), so queries of file datasets are not cached: the
 * plan would be the only exact account of which files they read.
 */
public record QueryDependencies(Set<TableName> tables, String notCacheable) {
  /** Table functions that compute their rows from their arguments alone. */
  private static final Set<String> PURE_TABLE_FUNCTIONS = Set.of("range", "generate_series", "unnest");
  /** Consistent functions whose result depends on session state the cache key does not hold. */
  private static final Set<String> SESSION_STATE_FUNCTIONS = Set.of("getvariable");
  /** Names all of whose built-in overloads are consistent (a macro's body is checked in the plan it expands to). */
  private static final String FUNCTIONS_SQL = "SELECT lower(function_name) FROM duckdb_functions() WHERE internal"
      + " GROUP BY 1 HAVING bool_and(stability = 'CONSISTENT' OR function_type = 'macro')";

  public QueryDependencies {
    tables = Set.copyOf(tables);
  }

  public boolean cacheable() {
    return notCacheable == null;
  }

  static QueryDependencies uncacheable(String reason) {
    return new QueryDependencies(Set.of(), reason);
  }

  /** The built-in functions whose result depends on their arguments alone, read once from DuckDB's catalog. */
  public static Set<String> consistentFunctions(Connection connection) {
    Set<String> names = new HashSet<>();
    try (Statement statement = connection.createStatement(); ResultSet rows = statement.executeQuery(FUNCTIONS_SQL)) {
      while (rows.next()) {
        names.add(rows.getString(1));
      }
    } catch (SQLException e) {
      throw DuckDbErrors.translate(e);
    }
    names.removeAll(SESSION_STATE_FUNCTIONS);
    return Set.copyOf(names);
  }

  /**
   * The dependencies of {@code sql} as planned on {@code connection} (its catalog, schema and search path resolve
   * the names). {@code consistent} are the functions allowed ({@link #consistentFunctions}).
   */
  public static QueryDependencies of(Connection connection, String sql, Set<String> consistent) {
    JsonNode parsed;
    JsonNode planned;
    try {
      parsed = DuckDbStatements.parse(connection, sql);
      if (parsed.path("error").asBoolean(true)) {
        return uncacheable("not a single SELECT statement");
      }
      if (parsed.path("statements").size() != 1) {
        return uncacheable("several statements");
      }
      Optional<String> refused = checkParse(parsed, consistent);
      if (refused.isPresent()) {
        return uncacheable(refused.get());
      }
      planned = DuckDbStatements.plan(connection, sql);
    } catch (EngineException e) {
      return uncacheable("DuckDB cannot describe it: " + e.getMessage());
    }
    if (planned.path("error").asBoolean(true)) {
      return uncacheable("DuckDB cannot serialize its plan: " + planned.path("error_message").asText());
    }
    Set<TableName> tables = new HashSet<>();
    for (JsonNode plan : planned.path("plans")) {
      Optional<String> refused = checkPlan(plan, consistent, tables);
      if (refused.isPresent()) {
        return uncacheable(refused.get());
      }
    }
    return new QueryDependencies(tables, null);
  }

  /** Finds, in the parse tree, a function that is not consistent or a sample; the plan does not show them all. */
  private static Optional<String> checkParse(JsonNode node, Set<String> consistent) {
    if (node.isArray()) {
      for (JsonNode child : node) {
        Optional<String> refused = checkParse(child, consistent);
        if (refused.isPresent()) {
          return refused;
        }
      }
      return Optional.empty();
    }
    if (!node.isObject()) {
      return Optional.empty();
    }
    if (node.has("sample") && !node.path("sample").isNull()) {
      return Optional.of("it samples rows");
    }
    boolean tableFunction = "TABLE_FUNCTION".equals(node.path("type").asText());
    if (!tableFunction && "FUNCTION".equals(node.path("class").asText())) {
      String name = node.path("function_name").asText().toLowerCase(Locale.ROOT);
      if (!consistent.contains(name)) {
        return Optional.of("it calls " + name + "(), whose result may change without the data changing");
      }
    }
    for (var field : (Iterable<java.util.Map.Entry<String, JsonNode>>) node::fields) {
      // A table function is judged from the plan; its arguments are expressions like any other.
      Iterable<JsonNode> children = tableFunction && field.getKey().equals("function")
          ? field.getValue()::elements : List.of(field.getValue());
      for (JsonNode child : children) {
        Optional<String> refused = checkParse(child, consistent);
        if (refused.isPresent()) {
          return refused;
        }
      }
    }
    return Optional.empty();
  }

  /** Collects the tables {@code node}'s subtree reads; returns why it is not cacheable, if it is not. */
  private static Optional<String> checkPlan(JsonNode node, Set<String> consistent, Set<TableName> tables) {
    if (node.isArray()) {
      for (JsonNode child : node) {
        Optional<String> refused = checkPlan(child, consistent, tables);
        if (refused.isPresent()) {
          return refused;
        }
      }
      return Optional.empty();
    }
    if (!node.isObject()) {
      return Optional.empty();
    }
    String type = node.path("type").asText();
    if (type.equals("LOGICAL_SAMPLE")) {
      return Optional.of("it samples rows");
    }
    if (type.equals("LOGICAL_GET")) {
      Optional<String> refused = readsOf(node, tables);
      if (refused.isPresent()) {
        return refused;
      }
    }
    String expression = node.path("expression_class").asText();
    if (expression.equals("BOUND_FUNCTION") || expression.equals("BOUND_AGGREGATE")) {
      String name = functionName(node);
      if (!consistent.contains(name)) {
        return Optional.of("it calls " + name + "(), whose result may change without the data changing");
      }
    }
    for (var field : (Iterable<java.util.Map.Entry<String, JsonNode>>) node::fields) {
      Optional<String> refused = checkPlan(field.getValue(), consistent, tables);
      if (refused.isPresent()) {
        return refused;
      }
    }
    return Optional.empty();
  }

  /** A function's name in a plan: DuckDB 2 writes its qualified name's path, DuckDB 1.x a {@code name}. */
  private static String functionName(JsonNode node) {
    JsonNode path = node.path("qname").path("path");
    String name = path.size() > 0 ? path.get(path.size() - 1).asText() : node.path("name").asText();
    return name.toLowerCase(Locale.ROOT);
  }

  private static Optional<String> readsOf(JsonNode get, Set<TableName> tables) {
    String function = functionName(get);
    JsonNode data = get.path("function_data");
    if (function.equals("seq_scan")) {
      JsonNode path = data.path("qualified_name").path("path");
      String catalog = path.size() == 3 ? path.get(0).asText() : data.path("catalog").asText("");
      String schema = path.size() == 3 ? path.get(1).asText() : data.path("schema").asText("");
      String name = path.size() == 3 ? path.get(2).asText() : data.path("table").asText("");
      if (catalog.isEmpty() || schema.isEmpty() || name.isEmpty()) {
        return Optional.of("DuckDB's plan does not name a table it scans");
      }
      TableName table = new TableName(catalog, schema, name);
      if (table.temporary()) {
        return Optional.of("it reads the temporary table " + name);
      }
      tables.add(table);
      return Optional.empty();
    }
    if (PURE_TABLE_FUNCTIONS.contains(function)) {
      return Optional.empty();
    }
    return Optional.of("it reads " + function + "(), whose data has no version");
  }
}
