package dev.bridge.engine;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import java.util.Set;

/**
 * Tells the queries whose every input is a file (a dataset view, {@code read_parquet(...)}) or a constant
 * ({@code SELECT 1}): from DuckDB's own physical plan ({@code EXPLAIN (FORMAT json)}), where views are expanded,
 * subqueries are joins, and each scan names the table or the function it reads. Such a query returns the same
 * rows on any node that sees the same files, so a coordinator may run it on a worker. A scan of a DuckDB table, of
 * a catalog function ({@code duckdb_tables()}) or of any other table function reads this node's own state and
 * keeps the query here. (DuckDB's {@code json_serialize_plan} cannot serialize a Parquet scan, so the logical plan
 * cannot tell.)
 */
final class FileReads {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** DuckDB's table functions that read files and nothing of the database, as EXPLAIN names them. */
  private static final Set<String> FILE_SCANS = Set.of("READ_PARQUET", "PARQUET_SCAN", "READ_CSV", "READ_CSV_AUTO",
      "READ_JSON", "READ_JSON_AUTO", "READ_JSON_OBJECTS", "READ_JSON_OBJECTS_AUTO", "READ_NDJSON",
      "READ_NDJSON_AUTO", "READ_NDJSON_OBJECTS");
  /** Operators that read a table of the database whatever their details say. */
  private static final Set<String> TABLE_SCANS = Set.of("SEQ_SCAN", "TABLE_SCAN", "INDEX_SCAN");
  /** Words of the operators that write (INSERT, BATCH_COPY_TO_FILE, CREATE_TABLE_AS, ...): never a plain query. */
  private static final Set<String> WRITE_WORDS = Set.of("INSERT", "DELETE", "UPDATE", "MERGE", "CREATE", "COPY",
      "ALTER", "DROP", "ATTACH", "DETACH", "EXPORT", "VACUUM", "SET", "RESET", "LOAD", "PRAGMA", "TRANSACTION");
  /** Operators that produce rows from nothing stored: constants, a materialized CTE, an empty result. */
  private static final Set<String> NO_INPUT = Set.of("DUMMY_SCAN", "COLUMN_DATA_SCAN", "EMPTY_RESULT", "CTE_SCAN",
      "DELIM_SCAN", "CHUNK_SCAN", "RECURSIVE_CTE_SCAN", "EXPRESSION_SCAN");

  private FileReads() {}

  /** Whether DuckDB plans the query {@code sql} reading files and constants only; false when it cannot plan it. */
  static boolean only(Connection connection, String sql) {
    JsonNode plan;
    try (Statement statement = connection.createStatement();
         ResultSet rs = statement.executeQuery("EXPLAIN (FORMAT json) " + sql)) {
      if (!rs.next()) {
        return false;
      }
      plan = JSON.readTree(rs.getString(2));
      if (rs.next()) {
        return false;
      }
    } catch (SQLException | JsonProcessingException e) {
      return false;
    }
    return readsOnlyFiles(plan);
  }

  /** Walks every member, not only children, so that no operator is overlooked wherever DuckDB nests it. */
  private static boolean readsOnlyFiles(JsonNode node) {
    if (node.isObject() && node.has("name")) {
      String name = node.path("name").asText().strip().toUpperCase(Locale.ROOT);
      JsonNode info = node.path("extra_info");
      String function = info.path("Function").asText("").strip().toUpperCase(Locale.ROOT);
      if (TABLE_SCANS.contains(name) || info.has("Table")
          || Set.of(name.split("_")).stream().anyMatch(WRITE_WORDS::contains)) {
        return false;
      }
      boolean scan = !function.isEmpty() || name.endsWith("_SCAN") || name.startsWith("READ_");
      if (scan && !FILE_SCANS.contains(function.isEmpty() ? name : function) && !NO_INPUT.contains(name)) {
        return false;
      }
    }
    for (JsonNode child : node) {
      if (!readsOnlyFiles(child)) {
        return false;
      }
    }
    return true;
  }
}
