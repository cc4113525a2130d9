package dev.bridge.engine;

import java.util.List;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * A statement DuckDB has prepared and described: what kind it is, the SQL that is really executed (the client's,
 * or a projection over it that converts types Arrow cannot carry faithfully), its parameters' DuckDB types, and
 * the exact Arrow schema its result stream will have (null when it returns no rows), and the DuckDB type of each
 * result column as it is streamed (empty when it returns no rows).
 */
public record StatementPlan(
    String sql,
    String executableSql,
    StatementKind kind,
    List<String> parameterTypes,
    Schema resultSchema,
    List<String> columnTypes) {

  public StatementPlan {
    parameterTypes = List.copyOf(parameterTypes);
    columnTypes = List.copyOf(columnTypes);
  }

  public int parameterCount() {
    return parameterTypes.size();
  }
}
