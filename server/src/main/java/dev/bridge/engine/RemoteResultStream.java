package dev.bridge.engine;

/**
 * Another engine's result as the executor hands it to the doors: the statement's query-timeout watch and its place in
 * the statement queue last as long as the stream, as a DuckDB query's do; a failure once the timeout expired (the
 * engine's operation was interrupted by it) is reported as the timeout.
 */
final class RemoteResultStream extends ForwardingResultStream {
  private final QueryTimeouts.Watch watch;
  private final StatementQueue.Permit permit;

  RemoteResultStream(ResultStream stream, QueryTimeouts.Watch watch, StatementQueue.Permit permit) {
    super(stream);
    this.watch = watch;
    this.permit = permit;
  }

  @Override
  public boolean next() {
    try {
      return delegate.next();
    } catch (EngineException e) {
      throw watch.expired() ? watch.exceeded(e) : e;
    }
  }

  @Override
  public void close() {
    try {
      delegate.close();
    } finally {
      watch.close();
      permit.close();
    }
  }
}
