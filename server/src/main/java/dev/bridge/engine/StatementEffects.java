package dev.bridge.engine;

import com.fasterxml.jackson.databind.JsonNode;
import java.sql.Connection;
import java.util.HashSet;
import java.util.Set;

/**
 * What running a SQL text does besides returning rows, as DuckDB's own planner describes it: whether it opens or ends
 * a transaction, and which tables it writes. DuckDB plans every statement of the text without running any
 * ({@code json_serialize_plan}); nothing here matches SQL strings.
 *
 * <p>A text DuckDB cannot show the plan of (COPY, EXPLAIN, PRAGMA, a parameter it cannot type, a table an earlier
 * statement of the same text creates) is taken to write something unknown, unless DuckDB parses all of it as
 * queries, and to leave the transaction state {@link TransactionEffect#UNKNOWN}, which the unit of work then asks
 * DuckDB about after the run.
 *
 * <p>{@code severalStatements}: DuckDB runs all but the last statement of a text when it prepares it, so their
 * writes happen at planning (it is also assumed for a text DuckDB could not plan).
 */
public record StatementEffects(TransactionEffect transaction, Writes writes, boolean severalStatements) {
  public static final StatementEffects NONE = new StatementEffects(TransactionEffect.NONE, Writes.NONE, false);
  /** What a text DuckDB would not describe may do: anything. */
  private static final StatementEffects UNDESCRIBED =
      new StatementEffects(TransactionEffect.UNKNOWN, Writes.UNKNOWN, true);

  /** How a text changes the session's transaction state. */
  public enum TransactionEffect {
    NONE,
    /** BEGIN / START TRANSACTION: a transaction is open afterwards. */
    BEGINS,
    /** COMMIT / END: the open transaction's writes are published. */
    COMMITS,
    /** ROLLBACK / ABORT: the open transaction's writes are gone. */
    ROLLS_BACK,
    /** DuckDB could not plan the text: ask it after the run whether a transaction is open. */
    UNKNOWN
  }

  /** Operators that write one table, named in their {@code table_info} (DML) or {@code info} (DDL). */
  private static final Set<String> TABLE_WRITERS = Set.of("LOGICAL_INSERT", "LOGICAL_UPDATE", "LOGICAL_DELETE",
      "LOGICAL_MERGE_INTO");
  private static final Set<String> TABLE_DDL = Set.of("LOGICAL_CREATE_TABLE", "LOGICAL_ALTER", "LOGICAL_DROP");
  /** Top-level operators that change no data: settings and transaction control. */
  private static final Set<String> NO_DATA = Set.of("LOGICAL_SET", "LOGICAL_RESET", "LOGICAL_TRANSACTION");

  /** Whether the text is a BEGIN, COMMIT or ROLLBACK as DuckDB planned it (not one DuckDB could not plan). */
  public boolean controlsTransaction() {
    return transaction == TransactionEffect.BEGINS || transaction == TransactionEffect.COMMITS
        || transaction == TransactionEffect.ROLLS_BACK;
  }

  /** The effects of {@code sql}, described on {@code connection} (its current catalog and schema resolve names). */
  public static StatementEffects of(Connection connection, String sql) {
    return of(new StatementText(connection, sql));
  }

  /**
   * The effects of a text, from DuckDB's descriptions of it, before anything of it runs: none when DuckDB parses all
   * of it as queries (the common case, one parser call), else what the plans of its statements show
   * ({@code INSERT ... RETURNING}, DML inside a CTE, DDL, several statements). A text with more than one
   * transaction statement leaves the transaction state {@link TransactionEffect#UNKNOWN}: a COMMIT may hide
   * before a BEGIN.
   */
  public static StatementEffects of(StatementText text) {
    JsonNode planned;
    try {
      if (text.onlyQueries()) {
        return NONE;
      }
      planned = text.plan();
    } catch (EngineException refused) {
      // DuckDB runs nothing but ROLLBACK (or COMMIT) in a transaction a failed statement aborted, not even the
      // describing query: the effects are unknown, and the unit of work asks DuckDB about the transaction after.
      return UNDESCRIBED;
    }
    if (planned.path("error").asBoolean(true)) {
      return UNDESCRIBED;
    }
    TransactionEffect transaction = TransactionEffect.NONE;
    int transactionStatements = 0;
    Set<TableName> tables = new HashSet<>();
    boolean unknown = false;
    for (JsonNode plan : planned.path("plans")) {
      String type = plan.path("type").asText();
      if (type.equals("LOGICAL_TRANSACTION")) {
        transactionStatements++;
        transaction = switch (plan.path("info").path("type").asText()) {
          case "BEGIN_TRANSACTION" -> TransactionEffect.BEGINS;
          case "COMMIT" -> TransactionEffect.COMMITS;
          case "ROLLBACK" -> TransactionEffect.ROLLS_BACK;
          default -> TransactionEffect.UNKNOWN;
        };
      }
      unknown |= collectWrites(plan, tables);
    }
    if (transactionStatements > 1) {
      transaction = TransactionEffect.UNKNOWN;
    }
    return new StatementEffects(transaction, new Writes(tables, unknown), planned.path("plans").size() > 1);
  }

  /**
   * Adds the tables {@code node}'s subtree writes; returns true when it may write something it does not name: an
   * operator that is neither a known writer, a setting, nor one that only reads.
   */
  private static boolean collectWrites(JsonNode node, Set<TableName> tables) {
    String type = node.path("type").asText();
    boolean unknown = false;
    if (TABLE_WRITERS.contains(type)) {
      unknown = !addTable(node.path("table_info"), tables);
    } else if (TABLE_DDL.contains(type)) {
      JsonNode info = node.path("info");
      boolean aTable = type.equals("LOGICAL_CREATE_TABLE") || "TABLE_ENTRY".equals(info.path("type").asText())
          || "ALTER_TABLE".equals(info.path("type").asText());
      // A table created or renamed may shadow a table of the same name later in the search path: what other
      // statements read by that name changes without their tables' versions moving, so the epoch moves too.
      boolean newName = type.equals("LOGICAL_CREATE_TABLE") || type.equals("LOGICAL_ALTER");
      unknown = !aTable || !addTable(info, tables) || newName;
    } else if (!NO_DATA.contains(type) && !READ_OPERATORS.contains(type)) {
      unknown = true;
    }
    for (JsonNode child : node.path("children")) {
      unknown |= collectWrites(child, tables);
    }
    return unknown;
  }

  /** DuckDB's logical operators that only read (a query's plan is built of these). */
  private static final Set<String> READ_OPERATORS = Set.of("LOGICAL_PROJECTION", "LOGICAL_FILTER",
      "LOGICAL_AGGREGATE_AND_GROUP_BY", "LOGICAL_WINDOW", "LOGICAL_UNNEST", "LOGICAL_LIMIT", "LOGICAL_ORDER_BY",
      "LOGICAL_TOP_N", "LOGICAL_DISTINCT", "LOGICAL_SAMPLE", "LOGICAL_PIVOT",
      "LOGICAL_GET", "LOGICAL_CHUNK_GET", "LOGICAL_DELIM_GET", "LOGICAL_EXPRESSION_GET", "LOGICAL_DUMMY_SCAN",
      "LOGICAL_EMPTY_RESULT", "LOGICAL_CTE_REF", "LOGICAL_JOIN", "LOGICAL_DELIM_JOIN", "LOGICAL_COMPARISON_JOIN",
      "LOGICAL_ANY_JOIN", "LOGICAL_CROSS_PRODUCT", "LOGICAL_POSITIONAL_JOIN", "LOGICAL_ASOF_JOIN",
      "LOGICAL_DEPENDENT_JOIN", "LOGICAL_UNION", "LOGICAL_EXCEPT", "LOGICAL_INTERSECT", "LOGICAL_RECURSIVE_CTE",
      "LOGICAL_MATERIALIZED_CTE");

  /**
   * Adds the table a catalog-entry description names, when it names one fully: DuckDB 2 writes a
   * {@code qualified_name} path, DuckDB 1.x {@code catalog}, {@code schema} and {@code table} (or {@code name}).
   */
  private static boolean addTable(JsonNode info, Set<TableName> tables) {
    JsonNode path = info.path("qualified_name").path("path");
    if (path.size() == 3) {
      tables.add(new TableName(path.get(0).asText(), path.get(1).asText(), path.get(2).asText()));
      return true;
    }
    String catalog = info.path("catalog").asText("");
    String schema = info.path("schema").asText("");
    String name = info.has("table") ? info.path("table").asText("") : info.path("name").asText("");
    if (catalog.isEmpty() || schema.isEmpty() || name.isEmpty()) {
      return false;
    }
    tables.add(new TableName(catalog, schema, name));
    return true;
  }
}
