package dev.bridge.ingest;

import dev.bridge.engine.AccessPolicy;
import dev.bridge.engine.DuckDbErrors;
import dev.bridge.engine.Session;
import dev.bridge.engine.TableName;
import dev.bridge.engine.UnitOfWork;
import dev.bridge.engine.Writes;
import dev.bridge.engine.catalog.CatalogReader;
import java.sql.SQLException;
import java.util.UUID;
import org.apache.arrow.c.ArrowArrayStream;
import org.apache.arrow.c.Data;
import org.apache.arrow.memory.BufferAllocator;
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

  private final BufferAllocator allocator;
  private final AccessPolicy access;
  private final CatalogReader catalog;

  public ArrowIngest(BufferAllocator allocator, AccessPolicy access, CatalogReader catalog) {
    this.allocator = allocator;
    this.access = access;
    this.catalog = catalog;
  }

  /**
   * Writes every batch of {@code source} into {@code target} as {@code mode} says and returns the number of rows
   * written. The source is read to its end (or its first error) and closed. The door that received the stream
   * wraps it in its {@link CountingReader} (which validates each batch once and counts what the door reports), and
   * the ingest reads through that same reader.
   */
  public long ingest(Session session, IngestTarget target, IngestMode mode, CountingReader source) {
    access.checkWrite(session.principal(), "ingest data into tables");
    // A temporary table belongs to the connection that creates it: never let it land on a spare connection.
    UnitOfWork work = target.temporary() ? session.workOnOwnConnection(UnitOfWork.Mode.ATOMIC)
        : session.work(UnitOfWork.Mode.ATOMIC);
    try (work; ArrowArrayStream stream = ArrowArrayStream.allocateNew(allocator)) {
      String view = "bridge_ingest_" + UUID.randomUUID().toString().replace("-", "");
      try {
        TableName table = resolve(session, work, target);
        Data.exportArrayStream(allocator, source, stream);
        work.connection().registerArrowStream(view, stream);
        new IngestStatements(work, table, view).write(mode);
        work.execute("DROP VIEW " + view);
        // A created table may shadow one of the same name later in the search path: that moves the epoch.
        work.wrote(mode.ifMissing() == IngestMode.IfMissing.CREATE ? Writes.of(table).plus(Writes.UNKNOWN)
            : Writes.of(table));
        work.commit();
        return source.rows();
      } catch (SQLException e) {
        abort(work, view, target, e);
        throw DuckDbErrors.translate(e);
      } catch (RuntimeException e) {
        abort(work, view, target, e);
        throw e;
      } finally {
        releaseUnconsumed(stream);
      }
    }
  }

  /** The table the request names, resolved inside the work: it sees a table the session's transaction created. */
  private TableName resolve(Session session, UnitOfWork work, IngestTarget target) {
    return target.temporary() ? TableName.temporary(target.name())
        : catalog.resolve(session, work, target.table().path());
  }

  /**
   * Undoes what the ingest did: its own transaction is rolled back when the work closes; a joined one only loses the
   * view.
   */
  private static void abort(UnitOfWork work, String view, IngestTarget target, Exception cause) {
    boolean joined = work.inSessionTransaction();
    if (joined) {
      try {
        work.execute("DROP VIEW IF EXISTS " + view);
      } catch (SQLException ignored) {
        // DuckDB aborted the transaction already; the failure being reported is the first one.
      }
    }
    log.info("ingest into {} failed; {}: {}", target.name(),
        joined ? "the session's transaction is left to its client" : "rolled back", cause.getMessage());
  }

  /** DuckDB releases the stream once it has scanned it; one it never scanned (an early failure) is released here. */
  private static void releaseUnconsumed(ArrowArrayStream stream) {
    if (stream.snapshot().release != 0) {
      stream.release();
    }
  }
}
