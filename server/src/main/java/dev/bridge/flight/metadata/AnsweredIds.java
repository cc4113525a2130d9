package dev.bridge.flight.metadata;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.arrow.flight.FlightProducer.ServerStreamListener;
import org.apache.arrow.flight.sql.SqlInfoBuilder;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.UInt4Vector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.dictionary.DictionaryProvider;
import org.apache.arrow.vector.ipc.message.IpcOption;

/**
 * The ids a {@link SqlInfoBuilder} answers, found by letting it stream every answer
 * into this listener: the builder does not list its ids, and fails on an id it has no answer for.
 */
final class AnsweredIds implements ServerStreamListener {
  private final Set<Integer> ids = new HashSet<>();
  private VectorSchemaRoot root;

  static Set<Integer> of(SqlInfoBuilder builder) {
    AnsweredIds listener = new AnsweredIds();
    builder.send(List.of(), listener);
    return Set.copyOf(listener.ids);
  }

  @Override
  public void start(VectorSchemaRoot root, DictionaryProvider dictionaries, IpcOption option) {
    this.root = root;
  }

  @Override
  public void putNext() {
    putNext(null);
  }

  @Override
  public void putMetadata(ArrowBuf metadata) {
    // SqlInfo answers carry no application metadata.
  }

  @Override
  public void putNext(ArrowBuf metadata) {
    UInt4Vector names = (UInt4Vector) root.getVector("info_name");
    for (int row = 0; row < root.getRowCount(); row++) {
      ids.add(names.get(row));
    }
  }

  @Override
  public boolean isReady() {
    return true;
  }

  @Override
  public boolean isCancelled() {
    return false;
  }

  @Override
  public void setOnCancelHandler(Runnable handler) {
    // Nothing is sent anywhere; nothing can be cancelled.
  }

  @Override
  public void error(Throwable error) {
    throw new IllegalStateException("building the SqlInfo answers failed", error);
  }

  @Override
  public void completed() {
    // The ids were collected in putNext.
  }
}
