package dev.bridge.engine;

import java.io.IOException;
import java.sql.ParameterMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.Schema;
import org.duckdb.DuckDBConnection;
import org.duckdb.DuckDBPreparedStatement;
import org.duckdb.DuckDBResultSet;
import org.duckdb.DuckDBResultSetMetaData;
import org.duckdb.StatementReturnType;

/**
 * Prepares a statement with DuckDB and describes it without running it: its kind, its parameters, and the exact
 * Arrow schema its stream will have.
 *
 * <p>The schema comes from DuckDB's own Arrow exporter, run on the query wrapped in a {@code LIMIT 0} projection,
 * so it is identical to the one the real execution streams (field names, types, nullability, metadata). Statements
 * that cannot be wrapped in a subquery (PRAGMA, EXPLAIN, CALL, INSERT ... RETURNING) are run once inside a
 * transaction that is rolled back.
 */
public final class StatementPlanner {
  /** The result type DuckDB reports when it can only bind a statement once it sees its parameter values. */
  private static final String UNRESOLVED_TYPE = "UNKNOWN";
  /** An ENUM's Arrow dictionary index width depends on how many values it has, which its type name does not show. */
  private static final String UNCACHEABLE_TYPE = "ENUM";
  /** How many statements rewritten for typed NULLs are kept (one per statement and NULL types, few in practice). */
  private static final int TYPED_NULL_STATEMENTS = 256;

  private final BufferAllocator allocator;
  private final QueryTimeouts timeouts;
  /** Commands (SET, PRAGMA, DDL, ...) run on any session so far: a plan cached before the last one is stale. */
  private final AtomicLong commandsRun = new AtomicLong();
  private final TypedNulls typedNulls = new TypedNulls(TYPED_NULL_STATEMENTS);

  public StatementPlanner(BufferAllocator allocator, QueryTimeouts timeouts) {
    this.allocator = allocator;
    this.timeouts = timeouts;
  }

  /** Notes that a command ran, which may have changed a setting the Arrow export depends on. */
  void commandRan() {
    commandsRun.incrementAndGet();
  }

  /** How many commands have run so far, on any session. */
  long commandsRun() {
    return commandsRun.get();
  }

  /**
   * How {@code sql} runs with these parameters: with casts for the typed NULLs DuckDB needs typed, written into a
   * SELECT or passed to DuckDB's EXECUTE (see {@link TypedNulls}).
   */
  TypedNulls.Rewrite withTypedNulls(DuckDBConnection connection, String sql, List<Object> parameters) {
    return typedNulls.rewriteFor(connection, sql, parameters, commandsRun.get());
  }

  /**
   * Plans {@code sql}, reusing a plan of {@code cache} when DuckDB describes the statement as it did then. A query
   * that runs as written leaves its DuckDB prepared statement in {@code reusable}, for its execution to take.
   * {@code effects} is what running the text does besides returning rows, described before DuckDB prepared it
   * ({@link StatementEffects#of(StatementText)}): preparing a text of several statements runs all but the last.
   */
  public StatementPlan plan(Session session, UnitOfWork work, String sql, StatementEffects effects, PlanCache cache,
      ReusableStatements reusable) {
    if (sql == null || sql.isBlank()) {
      throw EngineException.invalidArgument("the SQL statement is empty");
    }
    DuckDBConnection connection = work.connection();
    long commandsBefore = commandsRun.get();
    DuckDBPreparedStatement prepared = null;
    boolean kept = false;
    try {
      prepared = connection.prepare(sql);
      DuckDBResultSetMetaData metadata = (DuckDBResultSetMetaData) prepared.getMetaData();
      List<String> parameterTypes = parameterTypes(prepared.getParameterMetaData());
      StatementKind kind = kindOf(metadata.getReturnType());
      if (effects.severalStatements()) {
        // Preparing ran the text's other statements: its execution runs this statement, not the text again.
        reusable.keepLastOfSeveral(sql, prepared, commandsBefore);
        kept = true;
      }
      if (!kind.returnsRows()) {
        return new StatementPlan.Prepared(sql, kind, parameterTypes, effects).returningNoRows();
      }
      OpenParameters.Declared parameters = OpenParameters.declare(work, sql, parameterTypes);
      parameterTypes = parameters.types();
      List<String> names = new ArrayList<>();
      List<String> types = new ArrayList<>();
      for (int i = 1; i <= metadata.getColumnCount(); i++) {
        names.add(metadata.getColumnName(i));
        types.add(metadata.getColumnTypeName(i));
      }
      List<Object> sampleParameters = parameters.samples();
      if (types.contains(UNRESOLVED_TYPE)) {
        // DuckDB types this statement only once it sees its parameters, and until then reports it as returning
        // rows. Described with its parameters' samples (NULL where DuckDB typed them, or could type none), it may
        // turn out to return none (INSERT ... FROM range(?)).
        Schema schema = describeUnresolved(session, work, TypedNulls.Rewrite.asWritten(sql), sampleParameters);
        return schema == null
            ? new StatementPlan.Prepared(sql, StatementKind.UPDATE, parameterTypes, effects).returningNoRows()
            : new StatementPlan.Prepared(sql, kind, parameterTypes, effects).returningByParameters(schema);
      }
      PlanCache.Shape shape = new PlanCache.Shape(kind, names, types, parameterTypes, commandsBefore);
      boolean casts = ResultShaper.needsConversion(types);
      if (!casts && !kept) {
        reusable.keep(sql, prepared, commandsBefore);
        kept = true;
      }
      Optional<StatementPlan> cached = cache.lookup(sql, shape);
      if (cached.isPresent()) {
        return cached.get();
      }
      String projection = ResultShaper.project(sql, names, types);
      // Without casts to add, the shape alone fixes the schema and the SQL to run: another SQL text of this shape
      // (other literals) was described already. With casts, the projection must be tried: some statements
      // (PRAGMA, CALL, ...) cannot be wrapped in one.
      Optional<Schema> known = casts ? Optional.empty() : cache.schemaOf(shape);
      Schema schema = known.isPresent() ? known.get()
          : schemaOfWrapped(session, work, sql, projection + " LIMIT 0", sampleParameters);
      StatementPlan.Prepared statement = new StatementPlan.Prepared(sql, kind, parameterTypes, effects);
      if (schema != null) {
        String executable = casts ? projection : sql;
        List<String> streamedTypes = types.stream().map(ResultShaper::converted).toList();
        StatementPlan plan = statement.returning(executable, schema, streamedTypes);
        if (types.stream().noneMatch(type -> type.contains(UNCACHEABLE_TYPE))) {
          cache.put(sql, shape, plan);
        }
        return plan;
      }
      return statement.returning(
          schemaByRolledBackRun(session, work, TypedNulls.Rewrite.asWritten(sql), sampleParameters), types);
    } catch (SQLException e) {
      throw DuckDbErrors.translate(e);
    } finally {
      if (prepared != null && !kept) {
        ReusableStatements.closeQuietly(prepared);
      }
    }
  }

  /** The schema of {@code plan}'s result for these parameter values. */
  public Schema describe(Session session, UnitOfWork work, StatementPlan plan, List<Object> parameters) {
    if (!plan.schemaDependsOnParameters()) {
      return plan.resultSchema();
    }
    try {
      Schema schema = describeUnresolved(session, work,
          withTypedNulls(work.connection(), plan.sql(), parameters), parameters);
      if (schema == null) {
        throw EngineException.invalidArgument("with these parameter values the statement returns no rows;"
            + " execute it as an update");
      }
      return schema;
    } catch (SQLException e) {
      throw DuckDbErrors.translate(e);
    }
  }

  /** The schema of a statement whose types depend on its parameters, or null when it returns no rows. */
  private Schema describeUnresolved(Session session, UnitOfWork work, TypedNulls.Rewrite rewrite,
      List<Object> parameters) throws SQLException {
    // A statement that runs through EXECUTE is not a SELECT, which alone can be wrapped.
    Schema schema = rewrite.throughExecute() ? null
        : schemaOfWrapped(session, work, rewrite.sql(), ResultShaper.limitZero(rewrite.sql()), parameters);
    if (schema != null) {
      return schema;
    }
    // Not a query. Whether it returns rows (INSERT ... RETURNING) DuckDB tells without running it: running it
    // with sample values could fail where real ones would not (a NULL sample in a NOT NULL column).
    if (!work.rolledBack(connection -> returnsRows(connection, rewrite, parameters))) {
      return null;
    }
    return schemaByRolledBackRun(session, work, rewrite, parameters);
  }

  /**
   * Whether DuckDB binds the statement with these values to one that returns rows, asked through its PREPARE
   * (DuckDB binds an EXECUTE when it is prepared); true when DuckDB does not say, so that running it tells.
   */
  private static boolean returnsRows(DuckDBConnection connection, TypedNulls.Rewrite rewrite,
      List<Object> parameters) {
    try (SqlPreparedStatement typed = SqlPreparedStatement.prepare(connection, rewrite.sql());
         DuckDBPreparedStatement execution = typed.execution(parameters, rewrite.executeCasts())) {
      return ((DuckDBResultSetMetaData) execution.getMetaData()).getReturnType() == StatementReturnType.QUERY_RESULT;
    } catch (SQLException | EngineException unknown) {
      return true;
    }
  }

  private static StatementKind kindOf(StatementReturnType returnType) {
    return switch (returnType) {
      case QUERY_RESULT -> StatementKind.QUERY;
      case CHANGED_ROWS -> StatementKind.UPDATE;
      case NOTHING -> StatementKind.COMMAND;
    };
  }

  private static List<String> parameterTypes(ParameterMetaData metadata) throws SQLException {
    List<String> types = new ArrayList<>(metadata.getParameterCount());
    for (int i = 1; i <= metadata.getParameterCount(); i++) {
      types.add(metadata.getParameterTypeName(i));
    }
    return types;
  }

  /** The schema of query {@code sql} wrapped in a LIMIT 0 subquery, or null when DuckDB cannot wrap the statement. */
  private Schema schemaOfWrapped(Session session, UnitOfWork work, String sql, String wrapped,
      List<Object> parameters) throws SQLException {
    if (work.refusalAbortsTransaction() && !wraps(work, sql, wrapped)) {
      return null;
    }
    DuckDBPreparedStatement probe;
    try {
      probe = work.connection().prepare(wrapped);
    } catch (SQLException notWrappable) {
      return null;
    }
    try (probe) {
      return exportedSchema(probe, parameters);
    } catch (SQLException e) {
      throw DuckDbErrors.translate(LostErrors.isLost(e)
          ? LostErrors.recover(e, session, work, wrapped, parameters, timeouts) : e);
    }
  }

  /**
   * Whether DuckDB takes {@code sql} inside {@code wrapped}, asked as a trial (UnitOfWork#trials): inside a
   * transaction a refused wrapper would abort it. Where the trial's connection does not see what the statement
   * names (a table the transaction created), DuckDB's parser answers instead, which refuses nothing: a query
   * (SELECT, SHOW, ...) can be wrapped, a PRAGMA cannot.
   */
  private static boolean wraps(UnitOfWork work, String sql, String wrapped) throws SQLException {
    Boolean tried = work.trials(connection -> OpenParameters.prepares(connection, wrapped) ? Boolean.TRUE
        : OpenParameters.prepares(connection, sql) ? Boolean.FALSE : null);
    return tried != null ? tried : DuckDbStatements.onlyQueries(work.connection(), sql);
  }

  /** Runs the statement in a transaction that is rolled back: its effects never stay (see UnitOfWork#rolledBack). */
  private Schema schemaByRolledBackRun(Session session, UnitOfWork work, TypedNulls.Rewrite rewrite,
      List<Object> parameters) throws SQLException {
    try {
      return work.rolledBack(connection -> schemaOfRun(session, connection, rewrite, parameters));
    } catch (SQLException e) {
      // The probe's transaction is rolled back by now; the second run gets one of its own.
      throw LostErrors.isLost(e) ? LostErrors.recover(e, session, work, rewrite.sql(), parameters, timeouts) : e;
    }
  }

  /**
   * The schema of the statement's result when run with these parameters, or null when it returned no rows. The run
   * is bounded by the session's query timeout like the real execution.
   */
  private Schema schemaOfRun(Session session, DuckDBConnection connection, TypedNulls.Rewrite rewrite,
      List<Object> parameters) throws SQLException {
    try (SqlPreparedStatement typed = rewrite.throughExecute()
             ? SqlPreparedStatement.prepare(connection, rewrite.sql()) : null;
         DuckDBPreparedStatement statement = typed != null ? typed.execution(parameters, rewrite.executeCasts())
             : bound(connection.prepare(rewrite.sql()), parameters);
         QueryTimeouts.Watch watch = timeouts.start(session, statement)) {
      if (!executeWithin(watch, statement)) {
        return null;
      }
      try (DuckDBResultSet results = (DuckDBResultSet) statement.getResultSet()) {
        return resultSchema(results);
      }
    }
  }

  /** {@code statement} with {@code parameters} bound; closed when they cannot be. */
  private static DuckDBPreparedStatement bound(DuckDBPreparedStatement statement, List<Object> parameters)
      throws SQLException {
    try {
      ParameterBinder.bind(statement, parameters);
      return statement;
    } catch (SQLException | RuntimeException e) {
      ReusableStatements.closeQuietly(statement);
      throw e;
    }
  }

  private Schema exportedSchema(DuckDBPreparedStatement statement, List<Object> parameters) throws SQLException {
    ParameterBinder.bind(statement, parameters);
    try (DuckDBResultSet results = (DuckDBResultSet) statement.executeQuery()) {
      return resultSchema(results);
    }
  }

  private Schema resultSchema(DuckDBResultSet results) throws SQLException {
    try (ArrowReader reader = (ArrowReader) results.arrowExportStream(allocator, 1)) {
      return reader.getVectorSchemaRoot().getSchema();
    } catch (IOException e) {
      throw new EngineException(ErrorKind.INTERNAL, "cannot read the result schema: " + e.getMessage(), e);
    } catch (IllegalStateException | IllegalArgumentException e) {
      // Arrow's C Data import refuses some results, e.g. types nested deeper than 64 levels.
      throw EngineException.invalidArgument("the result cannot be carried as Arrow: " + e.getMessage());
    }
  }

  private static boolean executeWithin(QueryTimeouts.Watch watch, DuckDBPreparedStatement statement)
      throws SQLException {
    try {
      return statement.execute();
    } catch (SQLException e) {
      if (watch.expired()) {
        throw watch.exceeded(e);
      }
      throw e;
    }
  }
}
