package dev.bridge.engine;

import java.io.IOException;
import java.sql.SQLException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.Schema;
import org.duckdb.DuckDBPreparedStatement;
import org.duckdb.DuckDBResultSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running query's result as DuckDB exports it through the Arrow C Data interface: each {@link #next()} pulls the
 * next record batch from DuckDB into {@link #root()} without copying. DuckDB computes as the stream is read, so a
 * slow reader slows the query. The stream owns its statement and connection lease until {@link #close()}; a
 * statement whose result was read to its end, without a cancel or a timeout, is then handed on for reuse; then
 * {@code released} runs on the connection (what the statement needed besides itself goes), and the work ends.
 */
final class DuckDbResultStream implements ResultStream {
  private static final Logger log = LoggerFactory.getLogger(DuckDbResultStream.class);
  private static final String C_DATA_MESSAGE = "message=";

  private final UnitOfWork work;
  private final DuckDBPreparedStatement statement;
  private final DuckDBResultSet results;
  private final ArrowReader reader;
  private final QueryTimeouts.Watch watch;
  private final Consumer<DuckDBPreparedStatement> reuse;
  private final Runnable released;
  private final Cancellation cancellation;
  private final AtomicBoolean closed = new AtomicBoolean();
  private long rows;
  private boolean exhausted;

  DuckDbResultStream(UnitOfWork work, DuckDBPreparedStatement statement, DuckDBResultSet results, ArrowReader reader,
      QueryTimeouts.Watch watch, Cancellation cancellation, Consumer<DuckDBPreparedStatement> reuse,
      Runnable released) {
    this.work = work;
    this.statement = statement;
    this.results = results;
    this.reader = reader;
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
    try {
      return reader.getVectorSchemaRoot();
    } catch (IOException e) {
      throw new EngineException(ErrorKind.INTERNAL, "cannot read the result schema: " + e.getMessage(), e);
    }
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
      boolean loaded = reader.loadNextBatch();
      if (loaded) {
        rows += root().getRowCount();
      } else {
        exhausted = true;
      }
      return loaded;
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

  /** Releases the Arrow stream (it belongs to us, its consumer), the DuckDB result and the unit of work (its
   * connection and its read-only transaction). */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    watch.close();
    // From here a cancel leaves the statement alone: it is about to be closed or kept for reuse.
    cancellation.detach();
    try {
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
