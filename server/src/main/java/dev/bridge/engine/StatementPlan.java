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
 */
public record StatementPlan(
    String sql,
    String executableSql,
    StatementKind kind,
    List<String> parameterTypes,
    Schema resultSchema,
    List<String> columnTypes,
    boolean schemaDependsOnParameters,
    StatementEffects effects) {

  public StatementPlan {
    parameterTypes = List.copyOf(parameterTypes);
    columnTypes = List.copyOf(columnTypes);
  }

  public int parameterCount() {
    return parameterTypes.size();
  }
}
