package dev.bridge.engine;

import com.fasterxml.jackson.databind.JsonNode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * What a query's answer depends on, as DuckDB itself describes the query (its parse, {@code json_serialize_sql},
 * and its plan, {@code json_serialize_plan}, with views expanded to what they read): the tables it reads, or why
 * its answer may change without any table changing, which makes it uncacheable. Nothing here matches SQL text.
 *
 * <p>Uncacheable: a text that is not a single SELECT statement (EXPLAIN ANALYZE, PRAGMA, INSERT ... RETURNING),
 * any function DuckDB does not list as consistent (random, now, uuid, nextval, setseed, current_query, a user's
 * macro, ...), session variables ({@code getvariable}, folded to a constant in the plan, so read from the parse),
 * sampling, temporary tables, and table functions whose data has no version (catalog functions, file readers).
 *
 * <p>DuckDB 2.0 cannot serialize the plan of a file scan (Parquet, CSV, JSON). For a query whose plan it cannot
 * serialize, the tables and file datasets it reads are taken from its parse instead: each name it reads is looked up
 * in DuckDB's catalog, and must name exactly one table or a file dataset's view ({@code fileDatasets}, whose data
 * version moves when its files change). A name that could mean several objects, a CTE name that also names one, a
 * user's view (whose own text DuckDB does not give as a parse), a file read directly or a temporary table make it
 * uncacheable.
 */
public record QueryDependencies(Set<TableName> tables, Set<TableName> fileDatasets, String notCacheable) {
  /** Table functions that compute their rows from their arguments alone. */
  private static final Set<String> PURE_TABLE_FUNCTIONS = Set.of("range", "generate_series", "unnest");
  /** Consistent functions whose result depends on session state the cache key does not hold. */
  private static final Set<String> SESSION_STATE_FUNCTIONS = Set.of("getvariable");
  /** Names all of whose built-in overloads are consistent (a macro's body is checked in the plan it expands to). */
  private static final String FUNCTIONS_SQL = "SELECT lower(function_name) FROM duckdb_functions() WHERE internal"
      + " GROUP BY 1 HAVING bool_and(stability = 'CONSISTENT' OR function_type = 'macro')";

  public QueryDependencies {
    tables = Set.copyOf(tables);
    fileDatasets = Set.copyOf(fileDatasets);
  }

  public boolean cacheable() {
    return notCacheable == null;
  }

  static QueryDependencies uncacheable(String reason) {
    return new QueryDependencies(Set.of(), Set.of(), reason);
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
    return of(connection, sql, consistent, view -> false);
  }

  /**
   * Like {@link #of(Connection, String, Set)}; {@code fileDataset} tells the views that are file datasets
   * (their version moves when their files change), which a query may read although DuckDB cannot serialize its plan.
   */
  public static QueryDependencies of(Connection connection, String sql, Set<String> consistent,
      Predicate<TableName> fileDataset) {
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
      String why = "DuckDB cannot serialize its plan: " + planned.path("error_message").asText();
      return fromParse(connection, parsed, fileDataset).orElse(uncacheable(why));
    }
    Set<TableName> tables = new HashSet<>();
    for (JsonNode plan : planned.path("plans")) {
      Optional<String> refused = checkPlan(plan, consistent, tables);
      if (refused.isPresent()) {
        return uncacheable(refused.get());
      }
    }
    return new QueryDependencies(tables, Set.of(), null);
  }

  /**
   * The tables and file datasets a query reads, from its parse: every name it reads must resolve, in DuckDB's
   * catalog, to exactly one table or file dataset; empty when one does not (the query is then not cacheable).
   */
  private static Optional<QueryDependencies> fromParse(Connection connection, JsonNode parsed,
      Predicate<TableName> fileDataset) {
    List<JsonNode> references = new ArrayList<>();
    Set<String> cteNames = new HashSet<>();
    if (!collectReferences(parsed, references, cteNames)) {
      return Optional.empty();
    }
    Set<TableName> tables = new HashSet<>();
    Set<TableName> datasets = new HashSet<>();
    for (JsonNode reference : references) {
      String catalog = reference.path("catalog_name").asText("");
      String schema = reference.path("schema_name").asText("");
      String name = reference.path("table_name").asText("");
      List<CatalogObject> candidates = candidates(connection, catalog, schema, name);
      boolean unqualified = catalog.isEmpty() && schema.isEmpty();
      if (unqualified && cteNames.contains(name.toLowerCase(Locale.ROOT))) {
        if (candidates.isEmpty()) {
          continue;
        }
        return Optional.empty();
      }
      if (candidates.size() != 1) {
        return Optional.empty();
      }
      CatalogObject object = candidates.get(0);
      if (object.table().temporary() || object.internal()) {
        return Optional.empty();
      }
      if (object.view()) {
        if (!fileDataset.test(object.table())) {
          return Optional.empty();
        }
        datasets.add(object.table());
      }
      tables.add(object.table());
    }
    return Optional.of(new QueryDependencies(tables, datasets, null));
  }

  /**
   * Gathers the parse's table references and its CTE names; false when it reads something else that has data
   * (a table function other than a pure one, a time-travel clause).
   */
  private static boolean collectReferences(JsonNode node, List<JsonNode> references, Set<String> cteNames) {
    if (node.isArray()) {
      for (JsonNode child : node) {
        if (!collectReferences(child, references, cteNames)) {
          return false;
        }
      }
      return true;
    }
    if (!node.isObject()) {
      return true;
    }
    String type = node.path("type").asText();
    if (type.equals("BASE_TABLE")) {
      if (!node.path("at_clause").isNull() && !node.path("at_clause").isMissingNode()) {
        return false;
      }
      references.add(node);
    } else if (type.equals("TABLE_FUNCTION")) {
      JsonNode function = node.path("function");
      String name = function.path("function_name").asText().toLowerCase(Locale.ROOT);
      if (!PURE_TABLE_FUNCTIONS.contains(name)) {
        return false;
      }
    }
    for (JsonNode cte : node.path("cte_map").path("map")) {
      cteNames.add(cte.path("key").asText().toLowerCase(Locale.ROOT));
    }
    for (var field : (Iterable<java.util.Map.Entry<String, JsonNode>>) node::fields) {
      if (!collectReferences(field.getValue(), references, cteNames)) {
        return false;
      }
    }
    return true;
  }

  /** A table or view of DuckDB's catalog. */
  private record CatalogObject(TableName table, boolean view, boolean internal) {}

  /**
   * Every table and view a reference could name, wherever it is in the catalog: {@code name} alone matches in any
   * catalog and schema; {@code a.name} in schema a of any catalog, or in catalog a; {@code c.s.name} exactly.
   */
  private static List<CatalogObject> candidates(Connection connection, String catalog, String schema,
      String name) {
    String where = catalog.isEmpty() && schema.isEmpty() ? "lower(name) = lower($1)"
        : catalog.isEmpty() ? "lower(name) = lower($1) AND (lower(schema_name) = lower($2)"
            + " OR lower(database_name) = lower($2))"
        : "lower(name) = lower($1) AND lower(schema_name) = lower($2) AND lower(database_name) = lower($3)";
    String sql = "SELECT database_name, schema_name, name, is_view, internal FROM ("
        + "SELECT database_name, schema_name, table_name AS name, false AS is_view, internal FROM duckdb_tables()"
        + " UNION ALL SELECT database_name, schema_name, view_name, true, internal FROM duckdb_views()) WHERE "
        + where;
    List<CatalogObject> objects = new ArrayList<>();
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      statement.setString(1, name);
      if (!schema.isEmpty()) {
        statement.setString(2, schema);
      }
      if (!catalog.isEmpty()) {
        statement.setString(3, catalog);
      }
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          objects.add(new CatalogObject(new TableName(rows.getString(1), rows.getString(2), rows.getString(3)),
              rows.getBoolean(4), rows.getBoolean(5)));
        }
      }
    } catch (SQLException e) {
      throw DuckDbErrors.translate(e);
    }
    return objects;
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
