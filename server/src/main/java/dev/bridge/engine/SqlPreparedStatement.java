package dev.bridge.engine;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import org.duckdb.DuckDBConnection;
import org.duckdb.DuckDBPreparedStatement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A statement prepared by DuckDB's SQL {@code PREPARE} on one connection, executed with SQL {@code EXECUTE}: the one
 * way to hand DuckDB a typed NULL for a statement it cannot serialize (see {@link TypedNulls}), since its JDBC
 * binding drops every NULL's type and {@code EXECUTE} takes no {@code ?} among its arguments ("Unexpected prepared
 * parameter").
 *
 * <p>Each execution's arguments are {@code CAST(NULL AS type)} for the NULLs DuckDB needs typed, {@code NULL} for
 * the other NULLs (DuckDB casts them to their position's type, as it does with a bound NULL), and for each value a
 * field of one connection variable, set by {@code SET VARIABLE ... = {...}} with the values bound through JDBC as
 * usual. A value thus reaches the statement with exactly the type and contents the JDBC binding gives it: nothing
 * is rendered as SQL text. The statement is not kept: {@link #close()} deallocates it and resets the variable, so
 * neither outlives the unit of work that holds the connection (the next user of a shared connection sees neither).
 * Names are fixed: a connection runs one statement at a time.
 */
final class SqlPreparedStatement implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SqlPreparedStatement.class);
  private static final String NAME = "__bridge_typed_nulls";
  private static final String VARIABLE = "__bridge_parameters";

  private final DuckDBConnection connection;
  private boolean variableSet;

  private SqlPreparedStatement(DuckDBConnection connection) {
    this.connection = connection;
  }

  /**
   * Prepares {@code sql}, a single statement. A text of several is refused: the PREPARE would take its first
   * statement only, and DuckDB's JDBC would hand back its last (it runs those in between when preparing, as it does
   * for any text), which holds the parameters; refused before it runs.
   */
  static SqlPreparedStatement prepare(DuckDBConnection connection, String sql) throws SQLException {
    try (DuckDBPreparedStatement prepare = connection.prepare("PREPARE " + NAME + " AS " + sql)) {
      if (prepare.getParameterMetaData().getParameterCount() != 0) {
        // Preparing the text ran the PREPARE of its first statement: that one goes.
        new SqlPreparedStatement(connection).close();
        throw EngineException.invalidArgument("a NULL parameter needs its type here, which Bridge gives it for a"
            + " single statement only; this text has several: send its statements one by one, or CAST the"
            + " parameter in SQL");
      }
      prepare.execute();
    }
    return new SqlPreparedStatement(connection);
  }

  /**
   * A JDBC statement that executes the prepared one with {@code row}, the NULLs at {@code casts}' positions (1-based)
   * cast to their types; the caller executes and closes it. The variable holding the row's values is set now.
   */
  DuckDBPreparedStatement execution(List<Object> row, Map<Integer, String> casts) throws SQLException {
    return connection.prepare(execute(row, casts));
  }

  /**
   * Whether DuckDB binds the prepared statement with {@code row} (as {@link #execution} passes it, without casts):
   * asked with {@code EXPLAIN EXECUTE}, which binds and plans the statement without running it.
   */
  boolean binds(List<Object> row) {
    try (DuckDBPreparedStatement explain = connection.prepare("EXPLAIN " + execute(row, Map.of()))) {
      explain.executeQuery().close();
      return true;
    } catch (SQLException rejected) {
      return false;
    }
  }

  /** The EXECUTE of the prepared statement with {@code row}; sets the variable its values are read from. */
  private String execute(List<Object> row, Map<Integer, String> casts) throws SQLException {
    StringJoiner arguments = new StringJoiner(", ", "EXECUTE " + NAME + "(", ")");
    StringJoiner fields = new StringJoiner(", ", "SET VARIABLE " + VARIABLE + " = {", "}");
    List<Object> values = new ArrayList<>();
    for (int i = 0; i < row.size(); i++) {
      Object value = row.get(i);
      String cast = casts.get(i + 1);
      if (cast != null) {
        // A DuckDB type name from DuckDbTypeNames, already bound once by DuckDB (TypedNulls), never client text.
        arguments.add("CAST(NULL AS " + cast + ")");
      } else if (value == null || value instanceof TypedNull) {
        arguments.add("NULL");
      } else {
        String field = "p" + (i + 1);
        fields.add("'" + field + "': ?");
        values.add(value);
        arguments.add("getvariable('" + VARIABLE + "')." + field);
      }
    }
    if (!values.isEmpty()) {
      try (DuckDBPreparedStatement set = connection.prepare(fields.toString())) {
        ParameterBinder.bind(set, values);
        set.execute();
      }
      variableSet = true;
    }
    return arguments.toString();
  }

  /**
   * Deallocates the statement and resets the variable. DuckDB deallocates inside a failed transaction too, but
   * resets no variable there: the values then stay until the next execution replaces them. Every connection is
   * one session's (its own, or a spare closed after the work), so no other session sees them.
   */
  @Override
  public void close() {
    run("DEALLOCATE " + NAME);
    if (variableSet) {
      run("RESET VARIABLE " + VARIABLE);
    }
  }

  private void run(String sql) {
    try (DuckDBPreparedStatement statement = connection.prepare(sql)) {
      statement.execute();
    } catch (SQLException e) {
      // Cleaning up must not hide the statement's own outcome, which the caller reports.
      log.debug("{} failed: {}", sql, e.getMessage());
    }
  }
}
