package dev.bridge.engine;

import java.io.IOException;
import java.sql.SQLException;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorLoader;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.ipc.message.ArrowRecordBatch;
import org.apache.arrow.vector.types.pojo.Schema;
import org.duckdb.DuckDBPreparedStatement;
import org.duckdb.DuckDBResultSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running query's result as DuckDB exports it through the Arrow C Data interface: each {@link #next()} loads the
 * next record batch DuckDB exported into {@link #root()} without copying. DuckDB computes and converts the next
 * {@link #PREFETCH_BATCHES} batches on an export thread while the reader sends the current one
 * ({@link BatchPrefetch}); beyond that it waits, so a slow reader slows the query. The stream owns its statement and
 * connection lease until {@link #close()}; a statement whose result was read to its end, without a cancel or a
 * timeout, is then handed on for reuse; then {@code released} runs on the connection (what the statement needed
 * besides itself goes), and the work ends.
 */
final class DuckDbResultStream implements ResultStream {
  private static final Logger log = LoggerFactory.getLogger(DuckDbResultStream.class);
  private static final String C_DATA_MESSAGE = "message=";
  /**
   * Batches DuckDB exports ahead of the reader. One keeps DuckDB converting while the door sends a batch; the second
   * absorbs the jitter of the door (gRPC's on-ready signal, a compression pool shared with other streams) so the
   * export rarely waits. Each costs a batch of memory per stream (about 11 MB at 65,536 rows of the benchmark's
   * 16-column table), so no more.
   */
  static final int PREFETCH_BATCHES = 2;

  private final UnitOfWork work;
  private final DuckDBPreparedStatement statement;
  private final DuckDBResultSet results;
  private final ArrowReader reader;
  private final BatchPrefetch prefetch;
  /** What the reader of this stream sees: each batch is loaded into it (by reference) as it is taken. */
  private final VectorSchemaRoot root;
  private final VectorLoader loader;
  private final QueryTimeouts.Watch watch;
  private final Consumer<DuckDBPreparedStatement> reuse;
  private final Runnable released;
  private final Cancellation cancellation;
  private final AtomicBoolean closed = new AtomicBoolean();
  private long rows;
  private boolean exhausted;

  /**
   * {@code reader} (DuckDB's export of {@code results}) read ahead on {@code exports}; its own root is initialised
   * here, on the caller's thread, before any export runs.
   */
  DuckDbResultStream(UnitOfWork work, DuckDBPreparedStatement statement, DuckDBResultSet results, ArrowReader reader,
      BufferAllocator allocator, Executor exports, QueryTimeouts.Watch watch, Cancellation cancellation,
      Consumer<DuckDBPreparedStatement> reuse, Runnable released) throws IOException {
    this.work = work;
    this.statement = statement;
    this.results = results;
    this.reader = reader;
    VectorSchemaRoot exported = reader.getVectorSchemaRoot();
    this.prefetch = new BatchPrefetch(reader, exported, exports, PREFETCH_BATCHES);
    this.root = VectorSchemaRoot.create(exported.getSchema(), allocator);
    this.loader = new VectorLoader(root);
    this.watch = watch;
    this.cancellation = cancellation;
    this.reuse = reuse;
    this.released = released;
  }

  @Override
  public Schema schema() {
    return root().getSchema();
  }

  @Override
  public VectorSchemaRoot root() {
    return root;
  }

  /** Loads the next batch into {@link #root()}; false at the end of the result. */
  @Override
  public boolean next() {
    if (watch.expired()) {
      throw watch.exceeded(null);
    }
    if (cancellation.requested()) {
      throw Cancellation.cancelled(null);
    }
    try {
      ArrowRecordBatch batch = prefetch.take();
      if (batch == null) {
        exhausted = true;
        return false;
      }
      try (batch) {
        loader.load(batch);
      }
      rows += root.getRowCount();
      return true;
    } catch (EngineException e) {
      throw e;
    } catch (IOException | RuntimeException e) {
      if (watch.expired()) {
        throw watch.exceeded(e);
      }
      if (cancellation.requested()) {
        throw Cancellation.cancelled(e);
      }
      throw DuckDbErrors.translate(streamErrorMessage(e), e);
    }
  }

  /** Rows loaded so far. */
  @Override
  public long rows() {
    return rows;
  }

  /** Interrupts the query inside DuckDB; safe to call from any thread, while another is in {@link #next()}. */
  @Override
  public void cancel() {
    cancellation.cancel();
  }

  @Override
  public boolean isCancelled() {
    return cancellation.requested();
  }

  /**
   * Stops the export (interrupting DuckDB when a batch is still being computed) and releases the batches read ahead,
   * the Arrow stream (it belongs to us, its consumer), the DuckDB result and the unit of work (its connection and its
   * read-only transaction).
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    watch.close();
    // From here a cancel leaves the statement alone: it is about to be closed or kept for reuse.
    cancellation.detach();
    try {
      prefetch.stop(this::interruptExport);
      root.close();
      reader.close();
    } catch (IOException | RuntimeException e) {
      log.debug("closing an Arrow stream failed: {}", e.getMessage());
    }
    try {
      results.close();
      if (exhausted && !cancellation.requested() && !watch.expired()) {
        reuse.accept(statement);
      } else {
        statement.close();
      }
    } catch (SQLException e) {
      log.debug("closing a DuckDB result failed: {}", e.getMessage());
    } finally {
      try {
        released.run();
      } finally {
        work.close();
      }
    }
  }

  /**
   * Stops DuckDB computing a batch nobody will read (the stream closes before its end: an error, a cancel already
   * detached). Not through the cancellation, which would report the query as cancelled.
   */
  private void interruptExport() {
    try {
      statement.cancel();
    } catch (SQLException e) {
      log.debug("interrupting a DuckDB export failed: {}", e.getMessage());
    }
  }

  /**
   * The C Data importer wraps DuckDB's message ({@code [errno -1] CDataJniException{errno=-1, message=...}});
   * the message is what the client needs.
   */
  private static String streamErrorMessage(Exception e) {
    String text = e.getMessage() == null ? e.toString() : e.getMessage();
    int start = text.indexOf(C_DATA_MESSAGE);
    if (start < 0) {
      return text;
    }
    String message = text.substring(start + C_DATA_MESSAGE.length());
    return message.endsWith("}") ? message.substring(0, message.length() - 1) : message;
  }
}
