package dev.bridge.ingest;

import java.io.IOException;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.dictionary.Dictionary;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Passes a source's batches through and counts their rows: DuckDB reports no row count for
 * {@code CREATE TABLE AS}, and every row DuckDB reads from the stream is a row the ingest writes.
 */
final class CountingReader extends ArrowReader {
  private final ArrowReader source;
  private final AtomicLong rows = new AtomicLong();

  CountingReader(ArrowReader source) {
    super(null);
    this.source = source;
  }

  long rows() {
    return rows.get();
  }

  @Override
  public VectorSchemaRoot getVectorSchemaRoot() throws IOException {
    return source.getVectorSchemaRoot();
  }

  @Override
  public boolean loadNextBatch() throws IOException {
    boolean loaded = source.loadNextBatch();
    if (loaded) {
      rows.addAndGet(source.getVectorSchemaRoot().getRowCount());
    }
    return loaded;
  }

  @Override
  public Dictionary lookup(long id) {
    return source.lookup(id);
  }

  @Override
  public Set<Long> getDictionaryIds() {
    return source.getDictionaryIds();
  }

  @Override
  public long bytesRead() {
    return source.bytesRead();
  }

  @Override
  protected void closeReadSource() throws IOException {
    source.close();
  }

  @Override
  protected Schema readSchema() throws IOException {
    return source.getVectorSchemaRoot().getSchema();
  }
}
