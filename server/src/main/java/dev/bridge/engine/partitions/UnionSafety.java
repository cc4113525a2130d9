package dev.bridge.engine.partitions;

import com.fasterxml.jackson.databind.JsonNode;
import dev.bridge.engine.DuckDbErrors;
import dev.bridge.engine.DuckDbStatements;
import dev.bridge.engine.EngineException;
import dev.bridge.engine.TableName;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Decides whether a query's result is the plain union of its results over disjoint parts of its one input, from
 * DuckDB's own description of it, never from the SQL text:
 * <ul>
 *   <li>the parse ({@code json_serialize_sql}): one SELECT, no CTE, no modifier (ORDER BY, LIMIT/OFFSET, DISTINCT),
 *       no GROUP BY, HAVING, QUALIFY, SAMPLE or time travel; its FROM is one named table or view; its select list
 *       and WHERE hold only column references, constants, comparisons, conjunctions, operators, CASE, casts,
 *       BETWEEN, COLLATE, stars and function calls (no window, subquery, lambda, parameter);</li>
 *   <li>the function catalog ({@code duckdb_functions()}): every function called is known only as a scalar function
 *       whose stability is {@code CONSISTENT} (so no aggregate, no macro, no {@code random()} or {@code now()}, which
 *       would differ between partitions run at different moments);</li>
 *   <li>the plan ({@code json_serialize_plan}), for a table: projections and filters over one sequential scan of
 *       that very table. DuckDB cannot serialize the plan of a read over files; such a FROM must be one of the
 *       server's file datasets ({@link FileDatasets}), read with Parquet.</li>
 * </ul>
 * Anything else is not shown to be union-safe, and gets one endpoint.
 */
public final class UnionSafety {
  /** Expression classes of DuckDB's parse that are row-wise and deterministic by themselves. */
  private static final Set<String> ROW_WISE = Set.of("COLUMN_REF", "CONSTANT", "COMPARISON", "CONJUNCTION",
      "OPERATOR", "CASE", "CAST", "FUNCTION", "STAR", "BETWEEN", "COLLATE");
  private static final Set<String> PLAN_OPERATORS = Set.of("LOGICAL_PROJECTION", "LOGICAL_FILTER", "LOGICAL_GET");
  private static final String TABLE_SCAN = "seq_scan";
  private static final String PARQUET_READER = "read_parquet";

  /** What a union-safe query reads. */
  public sealed interface Source permits TableSource, DatasetSource {
    /** DuckDB's parse of the query, to be edited for each slice. */
    JsonNode parse();

    /** Whether the query filters its rows (then its row count is not known before it runs). */
    default boolean filtered() {
      return !parse().path("statements").get(0).path("node").path("where_clause").isNull();
    }
  }

  /** A query over one DuckDB table. */
  public record TableSource(JsonNode parse, TableName table) implements Source {}

  /** A query over one file dataset's view. */
  public record DatasetSource(JsonNode parse, TableName view, FileDatasets.FileDataset dataset) implements Source {}

  private UnionSafety() {}

  /** The query's one input, when DuckDB's description of {@code sql} shows it union-safe; else empty. */
  public static Optional<Source> analyse(Connection connection, String sql, FileDatasets datasets) {
    JsonNode parse;
    try {
      parse = DuckDbStatements.parse(connection, sql);
    } catch (EngineException notParsed) {
      return Optional.empty();
    }
    if (parse.path("error").asBoolean(true) || parse.path("statements").size() != 1) {
      return Optional.empty();
    }
    JsonNode node = parse.path("statements").get(0).path("node");
    if (!plainSelect(node)) {
      return Optional.empty();
    }
    Set<JsonNode> functions = new HashSet<>();
    if (!rowWise(node.path("select_list"), functions) || !rowWise(node.path("where_clause"), functions)
        || !functions.stream().allMatch(function -> consistentScalar(connection, function))) {
      return Optional.empty();
    }
    JsonNode from = node.path("from_table");
    JsonNode plan;
    try {
      plan = DuckDbStatements.plan(connection, sql);
    } catch (EngineException notPlanned) {
      return Optional.empty();
    }
    if (!plan.path("error").asBoolean(true)) {
      return scannedTable(plan, from).filter(table -> !table.temporary() && !hasRowidColumn(connection, table))
          .map(table -> new TableSource(parse, table));
    }
    // DuckDB serializes no plan that reads files; the FROM may still name a Parquet dataset's view.
    return viewNamed(connection, from).flatMap(view -> datasets.dataset(view)
        .filter(dataset -> readsParquet(connection, dataset))
        .map(dataset -> new DatasetSource(parse, view, dataset)));
  }

  private static boolean plainSelect(JsonNode node) {
    JsonNode from = node.path("from_table");
    return "SELECT_NODE".equals(node.path("type").asText())
        && node.path("modifiers").isArray() && node.path("modifiers").isEmpty()
        && node.path("cte_map").path("map").isArray() && node.path("cte_map").path("map").isEmpty()
        && node.path("group_expressions").isArray() && node.path("group_expressions").isEmpty()
        && node.path("group_sets").isArray() && node.path("group_sets").isEmpty()
        && "STANDARD_HANDLING".equals(node.path("aggregate_handling").asText())
        && node.path("having").isNull() && node.path("qualify").isNull() && node.path("sample").isNull()
        && "BASE_TABLE".equals(from.path("type").asText())
        && from.path("sample").isNull() && from.path("at_clause").isNull();
  }

  /**
   * Whether every expression in {@code tree} is of a row-wise class, collecting the function calls to check; a
   * function call with DISTINCT, FILTER, ORDER BY or an export state is an aggregate's.
   */
  private static boolean rowWise(JsonNode tree, Set<JsonNode> functions) {
    if (tree.isArray()) {
      for (JsonNode child : tree) {
        if (!rowWise(child, functions)) {
          return false;
        }
      }
      return true;
    }
    if (!tree.isObject()) {
      return true;
    }
    if (tree.has("class")) {
      String expressionClass = tree.path("class").asText();
      if (!ROW_WISE.contains(expressionClass)) {
        return false;
      }
      if (expressionClass.equals("FUNCTION")) {
        if (tree.path("distinct").asBoolean(true) || !tree.path("filter").isNull()
            || !tree.path("order_bys").path("orders").isEmpty() || tree.path("export_state").asBoolean(true)) {
          return false;
        }
        functions.add(tree);
      }
    }
    for (Iterator<Map.Entry<String, JsonNode>> fields = tree.fields(); fields.hasNext(); ) {
      if (!rowWise(fields.next().getValue(), functions)) {
        return false;
      }
    }
    return true;
  }

  /** Whether every function DuckDB knows by this call's name (in its schema, if named) is a consistent scalar. */
  private static boolean consistentScalar(Connection connection, JsonNode call) {
    String schema = call.path("schema").asText("");
    try (PreparedStatement statement = connection.prepareStatement("""
        SELECT count(*), count(*) FILTER (function_type = 'scalar' AND stability = 'CONSISTENT')
        FROM duckdb_functions() WHERE function_name = ? AND (? = '' OR schema_name = ?)""")) {
      statement.setString(1, call.path("function_name").asText());
      statement.setString(2, schema);
      statement.setString(3, schema);
      try (ResultSet result = statement.executeQuery()) {
        result.next();
        return result.getLong(1) > 0 && result.getLong(1) == result.getLong(2);
      }
    } catch (SQLException e) {
      return false;
    }
  }

  /**
   * The table the plan scans, when the plan is projections and filters over one sequential scan of the table the
   * FROM names (not a view over it: the parse's name is the scanned table's).
   */
  private static Optional<TableName> scannedTable(JsonNode plan, JsonNode from) {
    if (plan.path("plans").size() != 1) {
      return Optional.empty();
    }
    JsonNode node = plan.path("plans").get(0);
    while (!node.path("type").asText().equals("LOGICAL_GET")) {
      if (!PLAN_OPERATORS.contains(node.path("type").asText()) || node.path("children").size() != 1) {
        return Optional.empty();
      }
      node = node.path("children").get(0);
    }
    JsonNode path = node.path("function_data").path("qualified_name").path("path");
    if (!node.path("children").isEmpty() || node.path("qname").path("path").size() != 1
        || !TABLE_SCAN.equals(node.path("qname").path("path").get(0).asText()) || path.size() != 3) {
      return Optional.empty();
    }
    TableName table = new TableName(path.get(0).asText(), path.get(1).asText(), path.get(2).asText());
    boolean sameName = table.name().equalsIgnoreCase(from.path("table_name").asText())
        && matches(from.path("schema_name").asText(""), table.schema())
        && matches(from.path("catalog_name").asText(""), table.catalog());
    return sameName ? Optional.of(table) : Optional.empty();
  }

  private static boolean matches(String written, String resolved) {
    return written.isEmpty() || written.equalsIgnoreCase(resolved);
  }

  /** A column named rowid hides DuckDB's row id, which table slices filter on. */
  private static boolean hasRowidColumn(Connection connection, TableName table) {
    try (PreparedStatement statement = connection.prepareStatement("""
        SELECT count(*) FROM duckdb_columns()
        WHERE database_name = ? AND schema_name = ? AND table_name = ? AND lower(column_name) = 'rowid'""")) {
      statement.setString(1, table.catalog());
      statement.setString(2, table.schema());
      statement.setString(3, table.name());
      try (ResultSet result = statement.executeQuery()) {
        result.next();
        return result.getLong(1) > 0;
      }
    } catch (SQLException e) {
      return true;
    }
  }

  /**
   * The view the FROM names, resolved in the connection's current catalog and schema where it names none, when no
   * temporary table or view of that name would hide it.
   */
  private static Optional<TableName> viewNamed(Connection connection, JsonNode from) {
    String name = from.path("table_name").asText();
    try (PreparedStatement statement = connection.prepareStatement("""
        SELECT coalesce(nullif(?, ''), current_database()), coalesce(nullif(?, ''), current_schema()),
          (SELECT count(*) FROM duckdb_views() WHERE database_name = 'temp' AND lower(view_name) = lower(?))
          + (SELECT count(*) FROM duckdb_tables() WHERE database_name = 'temp' AND lower(table_name) = lower(?))""")) {
      statement.setString(1, from.path("catalog_name").asText(""));
      statement.setString(2, from.path("schema_name").asText(""));
      statement.setString(3, name);
      statement.setString(4, name);
      try (ResultSet result = statement.executeQuery()) {
        result.next();
        return result.getLong(3) > 0 ? Optional.empty()
            : Optional.of(new TableName(result.getString(1), result.getString(2), name));
      }
    } catch (SQLException e) {
      throw DuckDbErrors.translate(e);
    }
  }

  /**
   * Whether the dataset is read with {@code read_parquet}: a Parquet file's schema is its own, while a CSV reader
   * sniffs types from the files it is given, so a subset could be read differently from the whole.
   */
  private static boolean readsParquet(Connection connection, FileDatasets.FileDataset dataset) {
    if (dataset.files().isEmpty()) {
      return false;
    }
    JsonNode parse = DuckDbStatements.parse(connection,
        dataset.selectSql(List.of(dataset.files().get(0).path())));
    JsonNode from = parse.path("statements").path(0).path("node").path("from_table");
    return "TABLE_FUNCTION".equals(from.path("type").asText())
        && PARQUET_READER.equals(from.path("function").path("function_name").asText());
  }
}
