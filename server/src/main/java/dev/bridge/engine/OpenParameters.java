package dev.bridge.engine;

import java.sql.SQLException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import org.duckdb.DuckDBConnection;
import org.duckdb.DuckDBPreparedStatement;

/**
 * Declares a type for each query parameter DuckDB leaves open ({@code SELECT ?}, {@code ? + 1}): the first of a
 * few candidate types whose value DuckDB can bind in that position.
 *
 * <p>The declaration is for the Flight SQL JDBC driver (15 to 18): its binder writes a value only into a vector of
 * the declared type's family (a String into Utf8, any Number into Int or FloatingPoint, ...) and refuses a union
 * outright, so no single declaration takes every kind of value. Text comes first because DuckDB casts a string to
 * whatever a position needs; where it cannot ({@code ? + 1} is ambiguous for a string), DOUBLE takes every JDBC
 * number (setInt, setLong, setDouble, setBigDecimal) without the silent truncation an integer type would apply to
 * 2.5. Clients that build their own parameter batches (ADBC, pyarrow) may bind any type: the value reaches DuckDB
 * with the type it was bound with, whatever was declared.
 *
 * <p>Each candidate is tried on the query wrapped in a LIMIT 0 projection, which binds without producing rows. A
 * statement that cannot be wrapped (INSERT, UPDATE, DELETE) is tried with DuckDB's {@code EXPLAIN EXECUTE} of its
 * own PREPARE ({@link SqlPreparedStatement}), which binds and plans it without running it. DuckDB refuses most
 * candidates somewhere, and a refused statement aborts an open transaction, so the candidates are tried as the unit
 * of work's trials: on a spare connection while a transaction is open ({@link UnitOfWork#trials}).
 */
final class OpenParameters {
  /** What DuckDB's JDBC driver reports for a parameter it could not type. */
  private static final Set<String> OPEN = Set.of("INVALID", "UNKNOWN");

  private record Candidate(String duckDbType, Object sample) {}

  private static final List<Candidate> CANDIDATES = List.of(
      new Candidate("VARCHAR", ""),
      new Candidate("DOUBLE", 0.0d),
      new Candidate("TIMESTAMP", LocalDateTime.of(2000, 1, 1, 0, 0)),
      new Candidate("DATE", LocalDate.of(2000, 1, 1)),
      new Candidate("BOOLEAN", false),
      new Candidate("BLOB", new byte[0]));

  private OpenParameters() {}

  /** Whether DuckDB left a parameter of this reported type open (it could not infer one from the context). */
  static boolean isOpen(String duckDbType) {
    return OPEN.contains(duckDbType);
  }

  /**
   * The parameters of a query as the planner describes it: their declared DuckDB types, and the values its schema
   * is described with (the accepted candidate's sample for an open parameter, where NULL may not bind at all, as
   * in {@code ? + INTERVAL 1 DAY}; NULL for the others).
   */
  record Declared(List<String> types, List<Object> samples) {}

  /**
   * {@code types} with the open parameters of query {@code sql} given candidate types DuckDB accepts together: the
   * first candidate that fits all of them at once ({@code ? + ?} is DOUBLE twice), else one parameter after the
   * other, each tried with the samples already accepted for those before it. Either way the samples returned are a
   * combination DuckDB bound.
   */
  static Declared declare(UnitOfWork work, String sql, List<String> types) throws SQLException {
    List<String> declared = new ArrayList<>(types);
    List<Object> samples = new ArrayList<>(Collections.nCopies(types.size(), null));
    List<Integer> open = new ArrayList<>();
    for (int i = 0; i < types.size(); i++) {
      if (isOpen(types.get(i))) {
        open.add(i);
      }
    }
    if (open.isEmpty()) {
      return new Declared(declared, samples);
    }
    // Most candidates are refused somewhere (a VARCHAR in `? + INTERVAL 1 DAY`): they are trials (UnitOfWork#trials).
    return work.trials(connection -> {
      if (!prepares(connection, sql)) {
        // Only on a spare connection (the work's own prepared the statement): it names something only the
        // transaction's connection sees, where a refused candidate would abort the transaction and its writes.
        throw new EngineException(ErrorKind.FAILED_PRECONDITION, "DuckDB cannot infer the type of parameter "
            + (open.get(0) + 1) + " of this statement, and the statement names a temporary table or an object"
            + " created or changed in the open transaction: the server finds such a type by trying candidates,"
            + " which would abort the transaction there; give the parameter a type with CAST(? AS type)");
      }
      try (Probe probe = probe(connection, sql)) {
        Declared found = declare(probe, declared, samples, open);
        return probe.wrapped() != null ? found
            : new Declared(found.types(), withNulls(probe, found.samples(), open));
      }
    });
  }

  /** Whether DuckDB prepares {@code sql} on {@code connection}. */
  static boolean prepares(DuckDBConnection connection, String sql) {
    try (DuckDBPreparedStatement statement = connection.prepare(sql)) {
      return true;
    } catch (SQLException refused) {
      return false;
    }
  }

  /**
   * {@code samples} with NULL wherever the statement binds with NULL: a statement that is not a query is described
   * by running it (rolled back), and a sample value may bind yet fail to run ({@code id = ''} casts '' to an
   * INTEGER), where a NULL matches nothing and converts to anything.
   */
  private static List<Object> withNulls(Probe probe, List<Object> samples, List<Integer> open) {
    List<Object> values = new ArrayList<>(samples);
    for (int index : open) {
      Object sample = values.set(index, null);
      if (sample != null && !probe.binds(values)) {
        values.set(index, sample);
      }
    }
    return values;
  }

  private static Declared declare(Probe probe, List<String> declared, List<Object> samples, List<Integer> open) {
    if (open.size() > 1) {
      for (Candidate candidate : CANDIDATES) {
        List<Object> values = new ArrayList<>(samples);
        open.forEach(i -> values.set(i, candidate.sample()));
        if (probe.binds(values)) {
          open.forEach(i -> declared.set(i, candidate.duckDbType()));
          return new Declared(declared, values);
        }
      }
    }
    for (int index : open) {
      for (Candidate candidate : CANDIDATES) {
        List<Object> values = new ArrayList<>(samples);
        values.set(index, candidate.sample());
        if (probe.binds(values)) {
          declared.set(index, candidate.duckDbType());
          samples.set(index, candidate.sample());
          break;
        }
      }
    }
    return new Declared(declared, samples);
  }

  /**
   * Asks DuckDB whether the statement binds with some values, without running it: a query through its LIMIT 0
   * wrapper ({@code wrapped}), another statement through EXPLAIN EXECUTE of its PREPARE ({@code prepared}); neither
   * when DuckDB takes neither (then nothing binds, and the statement fails as DuckDB says when it runs).
   */
  private record Probe(DuckDBConnection connection, String wrapped, SqlPreparedStatement prepared)
      implements AutoCloseable {
    boolean binds(List<Object> values) {
      return wrapped != null ? OpenParameters.binds(connection, wrapped, values)
          : prepared != null && prepared.binds(values);
    }

    @Override
    public void close() {
      if (prepared != null) {
        prepared.close();
      }
    }
  }

  private static Probe probe(DuckDBConnection connection, String sql) {
    String wrapped = ResultShaper.limitZero(sql);
    try (DuckDBPreparedStatement query = connection.prepare(wrapped)) {
      return new Probe(connection, wrapped, null);
    } catch (SQLException notAQuery) {
      // INSERT, UPDATE, DELETE cannot be wrapped: asked through DuckDB's PREPARE instead.
    }
    try {
      return new Probe(connection, null, SqlPreparedStatement.prepare(connection, sql));
    } catch (SQLException | EngineException cannotPrepare) {
      return new Probe(connection, null, null);
    }
  }

  /** Whether DuckDB binds the wrapped query with these values. */
  private static boolean binds(DuckDBConnection connection, String wrapped, List<Object> values) {
    // A failed execution closes the DuckDB statement, so each try gets a statement of its own.
    try (DuckDBPreparedStatement probe = connection.prepare(wrapped)) {
      ParameterBinder.bind(probe, values);
      probe.executeQuery().close();
      return true;
    } catch (SQLException rejected) {
      // DuckDB cannot bind these values here (or cannot wrap the statement at all).
      return false;
    }
  }
}
