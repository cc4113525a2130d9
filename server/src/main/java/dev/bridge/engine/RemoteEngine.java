package dev.bridge.engine;

import dev.bridge.config.EnginesConfig;
import java.util.List;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * An engine outside this process that owns a catalog of its own (Spark, through Spark Connect): a session whose
 * current catalog is {@link #catalog()} sends its statements here instead of to DuckDB ({@link StatementExecutor}),
 * and the catalog reads list its schemas and tables beside DuckDB's. Implementations live in their own packages
 * ({@code dev.bridge.engine.spark}), loaded only when configured; they report failures as {@link EngineException}s.
 */
public interface RemoteEngine extends AutoCloseable {
  /** The engine's name in the query log and metrics ({@code spark}). */
  String name();

  /** The catalog this engine owns, as clients name it. */
  String catalog();

  /**
   * Plans {@code sql} for the session without running it: its kind, its parameters, and for a query the schema of
   * its result. {@code duckDbCatalogs} are the names of DuckDB's catalogs: a statement naming a table in one of them
   * mixes the two engines and is refused. A {@link UseStatement} naming this engine's catalog makes it the session's
   * current catalog when it runs (from a DuckDB session too).
   */
  StatementPlan plan(Session session, String sql, List<String> duckDbCatalogs);

  /** The exact schema of a planned query's result with these parameter values (one per parameter). */
  Schema describe(Session session, StatementPlan plan, List<Object> parameters);

  /**
   * Starts a planned query with its parameter values; the stream's batches are the engine's, in this process's
   * Arrow memory. Cancelling {@code cancellation} stops the engine's operation, before its first batch too.
   */
  ResultStream open(Session session, StatementPlan plan, List<Object> parameters, Cancellation cancellation);

  /**
   * Runs a planned statement that returns no rows with its parameter values. After a {@link UseStatement} of this
   * catalog the session's current catalog is this engine's; while it is, its current schema is the engine's.
   */
  void execute(Session session, StatementPlan plan, List<Object> parameters, Cancellation cancellation);

  /** The engine's current schema for the session (its current database). */
  String currentSchema(Session session);

  /** The schemas of the catalog. */
  List<String> schemas(Session session);

  /** A table or view of the catalog, with the Flight SQL table type ({@code TABLE}, {@code VIEW}). */
  record Table(String schema, String name, String type) {}

  /** The tables and views of {@code schema}. */
  List<Table> tables(Session session, String schema);

  /**
   * A result's description: the Arrow schema it streams, and each column's type named as Bridge names DuckDB's
   * (the names the Flight SQL column metadata carries).
   */
  record Described(Schema schema, List<String> columnTypes) {
    public Described {
      columnTypes = List.copyOf(columnTypes);
    }
  }

  /** What a {@code SELECT *} of the table streams. */
  Described tableSchema(Session session, String schema, String table);

  /**
   * Takes an edited {@code engines} section (configuration reload) for the sessions that reach the engine from now
   * on; throws a {@link dev.bridge.config.ConfigException} naming the key when the edit needs a restart.
   */
  void reconfigure(EnginesConfig engines);

  @Override
  void close();
}
