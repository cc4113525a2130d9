package dev.bridge.engine;

import java.util.List;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * A statement DuckDB has prepared and described: what kind it is, the SQL that is really executed (the client's,
 * or a projection over it that converts types Arrow cannot carry faithfully), its parameters' DuckDB types, and
 * the exact Arrow schema its result stream will have (null when it returns no rows), and the DuckDB type of each
 * result column as it is streamed (empty when it returns no rows, or when the types depend on the parameters),
 * and what running it does besides returning rows ({@link StatementEffects}: the tables it writes, the transaction
 * it begins or ends).
 *
 * <p>When DuckDB cannot type a parameter until it sees its value ({@code SELECT ? || '!'}), the result's types
 * depend on the bound values: {@code resultSchema} is then the schema with every parameter NULL, and
 * {@link StatementExecutor#describe} gives the exact one for the values bound.
 *
 * <p>{@code engine} names the engine that runs it: {@link #DUCKDB}, or another engine's name ({@link RemoteEngine},
 * such as Spark) when the session's current catalog is that engine's; such a plan has no effects DuckDB would
 * know of, and its column types are the engine's named as DuckDB names the same Arrow types.
 */
public record StatementPlan(
    String sql,
    String executableSql,
    StatementKind kind,
    List<String> parameterTypes,
    Schema resultSchema,
    List<String> columnTypes,
    boolean schemaDependsOnParameters,
    StatementEffects effects,
    String engine) {

  /** The engine name of statements DuckDB runs, as the query log and metrics label them. */
  public static final String DUCKDB = "duckdb";

  public StatementPlan {
    parameterTypes = List.copyOf(parameterTypes);
    columnTypes = List.copyOf(columnTypes);
  }

  /**
   * What every plan knows once DuckDB has prepared the statement; its result is added by one of the methods, so that
   * no call site passes the plan's eight parts by position.
   */
  public record Prepared(String sql, StatementKind kind, List<String> parameterTypes, StatementEffects effects) {
    /** A statement that returns no rows. */
    public StatementPlan returningNoRows() {
      return new StatementPlan(sql, sql, kind, parameterTypes, null, List.of(), false, effects, DUCKDB);
    }

    /** A query run as written, whose result has {@code schema} and streams columns of {@code columnTypes}. */
    public StatementPlan returning(Schema schema, List<String> columnTypes) {
      return returning(sql, schema, columnTypes);
    }

    /** A query run as {@code executableSql} (a projection that converts types), with that result. */
    public StatementPlan returning(String executableSql, Schema schema, List<String> columnTypes) {
      return new StatementPlan(sql, executableSql, kind, parameterTypes, schema, columnTypes, false, effects,
          DUCKDB);
    }

    /** A query whose result types depend on its parameters' values: {@code schema} is the one for NULLs. */
    public StatementPlan returningByParameters(Schema schemaForNulls) {
      return new StatementPlan(sql, sql, kind, parameterTypes, schemaForNulls, List.of(), true, effects, DUCKDB);
    }
  }

  /**
   * A statement another engine planned: {@code executableSql} is what that engine is sent (empty when nothing is:
   * a {@code USE} of its catalog alone); {@code parameterTypes} are the DuckDB names of the types its parameters are
   * declared with; {@code result} is its result's description (null when it returns no rows), as that engine
   * described it without running it, with every parameter NULL when {@code schemaDependsOnParameters}.
   */
  public static StatementPlan remote(String engine, String sql, String executableSql, StatementKind kind,
      List<String> parameterTypes, RemoteEngine.Described result, boolean schemaDependsOnParameters) {
    return new StatementPlan(sql, executableSql, kind, parameterTypes, result == null ? null : result.schema(),
        result == null ? List.of() : result.columnTypes(), schemaDependsOnParameters, StatementEffects.NONE, engine);
  }

  /** Whether DuckDB runs it (rather than another engine). */
  public boolean onDuckDb() {
    return DUCKDB.equals(engine);
  }

  public int parameterCount() {
    return parameterTypes.size();
  }
}
