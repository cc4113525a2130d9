package dev.bridge.engine;

import com.fasterxml.jackson.databind.JsonNode;
import java.sql.Connection;

/**
 * A SQL text about to be planned, with DuckDB's descriptions of it ({@link DuckDbStatements}: its parse and its
 * plan, neither of which runs anything), each asked of DuckDB at most once. The access check and the text's
 * {@link StatementEffects} both read them before DuckDB prepares the text, which for a text of several statements
 * already runs all but the last. Used by one thread, for one planning.
 */
public final class StatementText {
  private final Connection connection;
  private final String sql;
  private JsonNode parse;
  private JsonNode plan;

  /** {@code sql} as DuckDB sees it on {@code connection} (its current catalog and schema resolve names). */
  public StatementText(Connection connection, String sql) {
    this.connection = connection;
    this.sql = sql;
  }

  public Connection connection() {
    return connection;
  }

  public String sql() {
    return sql;
  }

  /** DuckDB's parse ({@code json_serialize_sql}); its {@code error} field is false only when all are queries. */
  public JsonNode parse() {
    if (parse == null) {
      parse = DuckDbStatements.parse(connection, sql);
    }
    return parse;
  }

  /** DuckDB's logical plans of every statement ({@code json_serialize_plan}), or the error planning gave. */
  public JsonNode plan() {
    if (plan == null) {
      plan = DuckDbStatements.plan(connection, sql);
    }
    return plan;
  }

  /** Whether DuckDB's parser takes every statement of the text for a query. */
  public boolean onlyQueries() {
    return !parse().path("error").asBoolean(true);
  }
}
