package dev.bridge.engine;

import dev.bridge.auth.StatementRoles;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
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
  private final QueryTimeouts timeouts;
  private final StatementQueue queue;

  public StatementExecutor(DuckDbEngine engine, BufferAllocator allocator, Duration busyWait, QueryTimeouts timeouts,
      StatementQueue queue) {
    this.engine = engine;
    this.planner = new StatementPlanner(allocator, timeouts);
    this.allocator = allocator;
    this.busyWait = busyWait;
    this.timeouts = timeouts;
    this.queue = queue;
  }

  public QueryTimeouts timeouts() {
    return timeouts;
  }

  /** Plans {@code sql} once the session's role is allowed to run it (checked before DuckDB prepares anything). */
  public StatementPlan plan(Session session, String sql) {
    try (ConnectionLease lease = session.lease(busyWait)) {
      StatementRoles.check(session.principal(), lease.connection(), sql);
      return planner.plan(engine, session, lease, sql, session.planCache(lease), session.reusableStatements(lease));
    }
  }

  /** The exact schema the query's stream will have with these parameter values; checks they are all bound. */
  public Schema describe(Session session, StatementPlan plan, List<Object> parameters) {
    requireParameters(plan, parameters);
    if (!plan.schemaDependsOnParameters()) {
      return plan.resultSchema();
    }
    try (ConnectionLease lease = session.lease(busyWait)) {
      return planner.describe(engine, session, lease, plan, parameters);
    }
  }

  /**
   * Starts a query and returns its stream; the caller must close it. Batches hold up to {@code batchRows} rows.
   */
  public ResultStream openQuery(Session session, StatementPlan plan, List<Object> parameters, int batchRows) {
    return openQuery(session, plan, parameters, batchRows, new Cancellation());
  }

  /**
   * Like {@link #openQuery(Session, StatementPlan, List, int)}, stopped by {@code cancellation} whenever it is
   * cancelled: while DuckDB computes before the first batch, or later while the stream is read.
   */
  public ResultStream openQuery(Session session, StatementPlan plan, List<Object> parameters, int batchRows,
      Cancellation cancellation) {
    requireParameters(plan, parameters);
    String sql = plan.executableSql();
    ConnectionLease lease = readOnlyForReaders(session, admitted(session, sql, session.lease(busyWait)));
    ReusableStatements reusable = session.reusableStatements(lease);
    long commandsRun = planner.commandsRun();
    DuckDBPreparedStatement statement = null;
    QueryTimeouts.Watch watch = null;
    try {
      Optional<DuckDBPreparedStatement> kept = reusable.take(sql, commandsRun);
      statement = kept.isPresent() ? kept.get() : lease.connection().prepare(sql);
      ParameterBinder.bind(statement, parameters);
      watch = timeouts.start(session, statement);
      cancellation.attach(statement);
      DuckDBResultSet results = (DuckDBResultSet) statement.executeQuery();
      ArrowReader reader = (ArrowReader) results.arrowExportStream(allocator, batchRows);
      return new ResultStream(lease, statement, results, reader, watch, cancellation,
          finished -> reusable.keep(sql, finished, commandsRun));
    } catch (SQLException e) {
      cancellation.detach();
      if (watch != null && watch.expired()) {
        abandon(watch, statement, lease);
        throw watch.exceeded(e);
      }
      if (cancellation.requested()) {
        abandon(watch, statement, lease);
        throw Cancellation.cancelled(e);
      }
      SQLException reported = LostErrors.isLost(e) ? LostErrors.recover(e, session, lease.connection(),
          session.principal().role().mayWrite() ? LostErrors.Ran.AUTO_COMMIT : LostErrors.Ran.READ_ONLY, sql,
          parameters, timeouts) : e;
      abandon(watch, statement, lease);
      throw DuckDbErrors.translate(reported);
    } catch (RuntimeException e) {
      cancellation.detach();
      abandon(watch, statement, lease);
      throw e;
    }
  }

  /**
   * Runs a statement that returns no rows once per parameter row (once when there are none) and returns the
   * number of rows it changed. Several executions form one atomic unit: they all apply or none does.
   */
  public long executeUpdate(Session session, StatementPlan plan, List<List<Object>> parameterRows) {
    return executeUpdate(session, plan, parameterRows, new Cancellation());
  }

  /** Like {@link #executeUpdate(Session, StatementPlan, List)}, interrupted by {@code cancellation}. */
  public long executeUpdate(Session session, StatementPlan plan, List<List<Object>> parameterRows,
      Cancellation cancellation) {
    List<List<Object>> rows = parameterRows.isEmpty() ? List.of(List.of()) : parameterRows;
    rows.forEach(row -> requireParameters(plan, row));
    Optional<Boolean> transactionControl = plan.kind() == StatementKind.COMMAND
        ? SqlTransactionControl.effect(plan.sql()) : Optional.empty();
    // BEGIN, COMMIT and ROLLBACK act on the session's own connection, even when they have to wait for it; they take
    // no time, so they do not queue either.
    try (ConnectionLease lease = transactionControl.isPresent()
        ? session.leaseOwnConnection(busyWait) : admitted(session, plan.executableSql(), session.lease(busyWait))) {
      DuckDBConnection connection = lease.connection();
      boolean ownTransaction = rows.size() > 1 && !session.inTransaction();
      try {
        if (ownTransaction) {
          execute(connection, "BEGIN TRANSACTION");
        }
        long changed = 0;
        try (DuckDBPreparedStatement statement = connection.prepare(plan.executableSql());
             QueryTimeouts.Watch watch = timeouts.start(session, statement)) {
          cancellation.attach(statement);
          try {
            for (List<Object> row : rows) {
              ParameterBinder.bind(statement, row);
              changed += Math.max(0, statement.executeLargeUpdate());
            }
          } catch (SQLException e) {
            throw watch.expired() ? watch.exceeded(e)
                : cancellation.requested() ? Cancellation.cancelled(e) : DuckDbErrors.translate(e);
          } finally {
            cancellation.detach();
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
          transactionControl.ifPresent(open -> session.noteSqlTransaction(connection, open));
        }
      }
    }
  }

  /**
   * The statement queue's hook: waits for the statement's place (see {@link StatementQueue}) while holding
   * {@code lease}, and returns a lease that gives the place back when the statement's work ends with it.
   */
  private ConnectionLease admitted(Session session, String sql, ConnectionLease lease) {
    StatementQueue.Permit permit;
    try {
      permit = queue.admit(session, () -> SmallStatements.readsNoTable(lease.connection(), sql));
    } catch (RuntimeException e) {
      lease.close();
      throw e;
    }
    return new ConnectionLease(lease.connection(), () -> {
      try {
        lease.close();
      } finally {
        permit.close();
      }
    });
  }

  /**
   * Runs a reader's query in a DuckDB read-only transaction (ended when the lease is), so DuckDB itself refuses the
   * writes a query can hide, such as {@code nextval()}. Inside the session's own transaction nothing is added: a
   * reader's transactions are begun read-only ({@link TransactionManager#begin}).
   */
  private static ConnectionLease readOnlyForReaders(Session session, ConnectionLease lease) {
    if (session.principal().role().mayWrite() || session.inTransaction()) {
      return lease;
    }
    DuckDBConnection connection = lease.connection();
    try {
      execute(connection, "BEGIN TRANSACTION READ ONLY");
    } catch (SQLException e) {
      lease.close();
      throw DuckDbErrors.translate(e);
    }
    return new ConnectionLease(connection, () -> {
      endReadOnly(connection);
      lease.close();
    });
  }

  private static void endReadOnly(DuckDBConnection connection) {
    try {
      execute(connection, "COMMIT");
    } catch (SQLException failed) {
      try {
        execute(connection, "ROLLBACK");
      } catch (SQLException ignored) {
        // The connection is closing, or DuckDB already ended the transaction the failed query aborted.
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

  private static void abandon(QueryTimeouts.Watch watch, DuckDBPreparedStatement statement, ConnectionLease lease) {
    if (watch != null) {
      watch.close();
    }
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
