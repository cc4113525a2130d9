package dev.bridge.ingest;

import dev.bridge.auth.StatementRoles;
import dev.bridge.engine.ConnectionLease;
import dev.bridge.engine.DuckDbErrors;
import dev.bridge.engine.Session;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.UUID;
import org.apache.arrow.c.ArrowArrayStream;
import org.apache.arrow.c.Data;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.duckdb.DuckDBConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lands a stream of Arrow record batches in a DuckDB table: the one ingest path both doors (Flight DoPut, REST)
 * call. The stream is handed to DuckDB through the Arrow C Data interface and scanned by one
 * {@code CREATE TABLE AS} or {@code INSERT ... SELECT}, so batches are written as they arrive and never gathered.
 *
 * <p>Everything happens in one transaction: the ingest's own, committed at the end, or the session's open one,
 * which it joins. A stream that fails halfway, a column that does not fit the table, or a constraint violation
 * leaves the table as it was (and a table the ingest created does not exist).
 */
public final class ArrowIngest {
  private static final Logger log = LoggerFactory.getLogger(ArrowIngest.class);
  private static final String IN_TRANSACTION_ERROR = "within a transaction";

  private final BufferAllocator allocator;
  private final Duration busyWait;

  public ArrowIngest(BufferAllocator allocator, Duration busyWait) {
    this.allocator = allocator;
    this.busyWait = busyWait;
  }

  /**
   * Writes every batch of {@code source} into {@code target} as {@code mode} says and returns the number of rows
   * written. The source is read to its end (or its first error) and closed.
   */
  public long ingest(Session session, IngestTarget target, IngestMode mode, ArrowReader source) {
    StatementRoles.requireWrite(session.principal(), "ingest data into tables");
    // A temporary table belongs to the connection that creates it: never let it land on a spare connection.
    ConnectionLease lease = target.temporary() ? session.leaseOwnConnection(busyWait) : session.lease(busyWait);
    try (lease; ArrowArrayStream stream = ArrowArrayStream.allocateNew(allocator)) {
      DuckDBConnection connection = lease.connection();
      boolean ownTransaction = beginUnlessInTransaction(session, connection);
      CountingReader counted = new CountingReader(source);
      String view = "bridge_ingest_" + UUID.randomUUID().toString().replace("-", "");
      try {
        Data.exportArrayStream(allocator, counted, stream);
        connection.registerArrowStream(view, stream);
        new IngestStatements(connection, resolve(connection, target), view).write(mode);
        execute(connection, "DROP VIEW " + view);
        if (ownTransaction) {
          execute(connection, "COMMIT");
        }
        return counted.rows();
      } catch (SQLException e) {
        abort(connection, ownTransaction, view, target, e);
        throw DuckDbErrors.translate(e);
      } catch (RuntimeException e) {
        abort(connection, ownTransaction, view, target, e);
        throw e;
      } finally {
        releaseUnconsumed(stream);
      }
    }
  }

  /**
   * Starts the ingest's own transaction, or joins the session's: one opened with BeginTransaction, or with SQL
   * {@code BEGIN}, which DuckDB's JDBC driver does not report and which only shows as a refused second BEGIN.
   */
  private static boolean beginUnlessInTransaction(Session session, DuckDBConnection connection) {
    if (session.inTransaction()) {
      return false;
    }
    try {
      execute(connection, "BEGIN TRANSACTION");
      return true;
    } catch (SQLException e) {
      if (e.getMessage() != null && e.getMessage().contains(IN_TRANSACTION_ERROR)) {
        return false;
      }
      throw DuckDbErrors.translate(e);
    }
  }

  private static TableName resolve(DuckDBConnection connection, IngestTarget target) throws SQLException {
    if (target.temporary()) {
      return new TableName(IngestTarget.TEMP_CATALOG, IngestTarget.TEMP_SCHEMA, target.name(), true);
    }
    try (Statement statement = connection.createStatement();
         var rs = statement.executeQuery("SELECT current_database(), current_schema()")) {
      rs.next();
      String catalog = target.catalog().isEmpty() ? rs.getString(1) : target.catalog();
      String schema = !target.schema().isEmpty() ? target.schema()
          : target.catalog().isEmpty() ? rs.getString(2) : "main";
      return new TableName(catalog, schema, target.name(), false);
    }
  }

  /** Undoes what the ingest did: its own transaction is rolled back; a joined one only loses the view. */
  private static void abort(DuckDBConnection connection, boolean ownTransaction, String view, IngestTarget target,
      Exception cause) {
    try {
      execute(connection, ownTransaction ? "ROLLBACK" : "DROP VIEW IF EXISTS " + view);
    } catch (SQLException ignored) {
      // DuckDB ended or aborted the transaction already; the failure being reported is the first one.
    }
    log.info("ingest into {} failed; {}: {}", target.name(),
        ownTransaction ? "rolled back" : "the session's transaction is left to its client", cause.getMessage());
  }

  /** DuckDB releases the stream once it has scanned it; one it never scanned (an early failure) is released here. */
  private static void releaseUnconsumed(ArrowArrayStream stream) {
    if (stream.snapshot().release != 0) {
      stream.release();
    }
  }

  static void execute(DuckDBConnection connection, String sql) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }
}
