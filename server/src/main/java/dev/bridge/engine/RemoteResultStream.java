package dev.bridge.engine;

import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Another engine's result as the executor hands it to the doors: the statement's query-timeout watch and its place in
 * the statement queue last as long as the stream, as a DuckDB query's do; a failure once the timeout expired (the
 * engine's operation was interrupted by it) is reported as the timeout.
 */
final class RemoteResultStream implements ResultStream {
  private final ResultStream stream;
  private final QueryTimeouts.Watch watch;
  private final StatementQueue.Permit permit;

  RemoteResultStream(ResultStream stream, QueryTimeouts.Watch watch, StatementQueue.Permit permit) {
    this.stream = stream;
    this.watch = watch;
    this.permit = permit;
  }

  @Override
  public Schema schema() {
    return stream.schema();
  }

  @Override
  public VectorSchemaRoot root() {
    return stream.root();
  }

  @Override
  public boolean next() {
    try {
      return stream.next();
    } catch (EngineException e) {
      throw watch.expired() ? watch.exceeded(e) : e;
    }
  }

  @Override
  public long rows() {
    return stream.rows();
  }

  @Override
  public void cancel() {
    stream.cancel();
  }

  @Override
  public boolean isCancelled() {
    return stream.isCancelled();
  }

  @Override
  public void close() {
    try {
      stream.close();
    } finally {
      watch.close();
      permit.close();
    }
  }
}
