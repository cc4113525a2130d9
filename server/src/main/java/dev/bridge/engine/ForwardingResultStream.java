package dev.bridge.engine;

import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * A result stream that hands every call to another one; a wrapper that adds to a stream (recording it for the
 * cache, holding its place in the statement queue) overrides only the calls it changes, so each wrapper says what it
 * does and nothing else.
 */
abstract class ForwardingResultStream implements ResultStream {
  protected final ResultStream delegate;

  ForwardingResultStream(ResultStream delegate) {
    this.delegate = delegate;
  }

  @Override
  public Schema schema() {
    return delegate.schema();
  }

  @Override
  public VectorSchemaRoot root() {
    return delegate.root();
  }

  @Override
  public boolean next() {
    return delegate.next();
  }

  @Override
  public long rows() {
    return delegate.rows();
  }

  @Override
  public void cancel() {
    delegate.cancel();
  }

  @Override
  public boolean isCancelled() {
    return delegate.isCancelled();
  }

  @Override
  public boolean fromCache() {
    return delegate.fromCache();
  }

  @Override
  public void close() {
    delegate.close();
  }
}
