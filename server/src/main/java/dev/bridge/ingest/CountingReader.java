package dev.bridge.ingest;

import java.io.IOException;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.dictionary.Dictionary;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Passes a source's batches through and counts their rows and Arrow buffer bytes: DuckDB reports no row count for
 * {@code CREATE TABLE AS}, and every row DuckDB reads from the stream is a row the ingest writes.
 */
public final class CountingReader extends ArrowReader {
  private final ArrowReader source;
  private final AtomicLong rows = new AtomicLong();
  private final AtomicLong bytes = new AtomicLong();

  public CountingReader(ArrowReader source) {
    super(null);
    this.source = source;
  }

  public long rows() {
    return rows.get();
  }

  public long bytes() {
    return bytes.get();
  }

  @Override
  public VectorSchemaRoot getVectorSchemaRoot() throws IOException {
    return source.getVectorSchemaRoot();
  }

  @Override
  public boolean loadNextBatch() throws IOException {
    boolean loaded = source.loadNextBatch();
    if (loaded) {
      VectorSchemaRoot root = source.getVectorSchemaRoot();
      rows.addAndGet(root.getRowCount());
      bytes.addAndGet(root.getFieldVectors().stream().mapToLong(FieldVector::getBufferSize).sum());
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
