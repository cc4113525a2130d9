package dev.bridge.engine;

import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.Schema;
import org.duckdb.DuckDBConnection;
import org.duckdb.DuckDBPreparedStatement;
import org.duckdb.DuckDBResultSet;

/** Plans and runs statements on sessions: the one execution path both doors (Flight, HTTP) call. */
public final class StatementExecutor {
  private final DuckDbEngine engine;
  private final StatementPlanner planner;
  private final BufferAllocator allocator;
  private final Duration busyWait;

  public StatementExecutor(DuckDbEngine engine, BufferAllocator allocator, Duration busyWait) {
    this.engine = engine;
    this.planner = new StatementPlanner(allocator);
    this.allocator = allocator;
    this.busyWait = busyWait;
  }

  public StatementPlan plan(Session session, String sql) {
    try (ConnectionLease lease = session.lease(busyWait)) {
      return planner.plan(engine, lease, sql, session.planCache(lease));
    }
  }

  /** The exact schema the query's stream will have with these parameter values; checks they are all bound. */
  public Schema describe(Session session, StatementPlan plan, List<Object> parameters) {
    requireParameters(plan, parameters);
    if (!plan.schemaDependsOnParameters()) {
      return plan.resultSchema();
    }
    try (ConnectionLease lease = session.lease(busyWait)) {
      return planner.describe(engine, lease, plan, parameters);
    }
  }

  /**
   * Starts a query and returns its stream; the caller must close it. Batches hold up to {@code batchRows} rows.
   */
  public ResultStream openQuery(Session session, StatementPlan plan, List<Object> parameters, int batchRows) {
    requireParameters(plan, parameters);
    ConnectionLease lease = session.lease(busyWait);
    DuckDBPreparedStatement statement = null;
    try {
      statement = lease.connection().prepare(plan.executableSql());
      ParameterBinder.bind(statement, parameters);
      DuckDBResultSet results = (DuckDBResultSet) statement.executeQuery();
      ArrowReader reader = (ArrowReader) results.arrowExportStream(allocator, batchRows);
      return new ResultStream(lease, statement, results, reader);
    } catch (SQLException e) {
      abandon(statement, lease);
      throw DuckDbErrors.translate(e);
    } catch (RuntimeException e) {
      abandon(statement, lease);
      throw e;
    }
  }

  /**
   * Runs a statement that returns no rows once per parameter row (once when there are none) and returns the
   * number of rows it changed. Several executions form one atomic unit: they all apply or none does.
   */
  public long executeUpdate(Session session, StatementPlan plan, List<List<Object>> parameterRows) {
    List<List<Object>> rows = parameterRows.isEmpty() ? List.of(List.of()) : parameterRows;
    rows.forEach(row -> requireParameters(plan, row));
    try (ConnectionLease lease = session.lease(busyWait)) {
      DuckDBConnection connection = lease.connection();
      boolean ownTransaction = rows.size() > 1 && !session.inTransaction();
      try {
        if (ownTransaction) {
          execute(connection, "BEGIN TRANSACTION");
        }
        long changed = 0;
        try (DuckDBPreparedStatement statement = connection.prepare(plan.executableSql())) {
          for (List<Object> row : rows) {
            ParameterBinder.bind(statement, row);
            changed += Math.max(0, statement.executeLargeUpdate());
          }
        }
        if (ownTransaction) {
          execute(connection, "COMMIT");
        }
        return changed;
      } catch (SQLException e) {
        abortOwnTransaction(connection, ownTransaction);
        throw DuckDbErrors.translate(e);
      } catch (RuntimeException e) {
        abortOwnTransaction(connection, ownTransaction);
        throw e;
      } finally {
        if (plan.kind() == StatementKind.COMMAND) {
          planner.commandRan();
          session.refreshCurrentSchema(connection);
          SqlTransactionControl.effect(plan.sql()).ifPresent(open -> session.noteSqlTransaction(connection, open));
        }
      }
    }
  }

  private static void requireParameters(StatementPlan plan, List<Object> parameters) {
    if (parameters.size() != plan.parameterCount()) {
      throw EngineException.invalidArgument("the statement takes " + plan.parameterCount() + " parameter(s) but "
          + parameters.size() + " were bound");
    }
  }

  private static void execute(DuckDBConnection connection, String sql) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }

  private static void abortOwnTransaction(DuckDBConnection connection, boolean ownTransaction) {
    if (!ownTransaction) {
      return;
    }
    try {
      execute(connection, "ROLLBACK");
    } catch (SQLException ignored) {
      // DuckDB already rolled the transaction back when the failing statement aborted it.
    }
  }

  private static void abandon(DuckDBPreparedStatement statement, ConnectionLease lease) {
    try {
      if (statement != null) {
        statement.close();
      }
    } catch (SQLException ignored) {
      // The statement failed already; its error is the one reported.
    } finally {
      lease.close();
    }
  }
}
