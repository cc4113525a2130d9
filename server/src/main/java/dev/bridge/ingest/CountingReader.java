package dev.bridge.ingest;

import java.io.IOException;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.dictionary.Dictionary;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.Schema;
import org.apache.arrow.vector.validate.ValidateUtil;

/**
 * Passes a source's batches through and counts their rows and Arrow buffer bytes: DuckDB reports no row count for
 * {@code CREATE TABLE AS}, and every row DuckDB reads from the stream is a row the ingest writes.
 *
 * <p>Each batch is validated first ({@link BatchValidator}): DuckDB trusts the Arrow arrays it scans, and a corrupt
 * batch from a client would make it read out of bounds and crash the server. A batch that fails is reported to
 * DuckDB as the stream's error, so the ingest rolls back.
 */
public final class CountingReader extends ArrowReader {
  private final ArrowReader source;
  private final AtomicLong rows = new AtomicLong();
  private final AtomicLong bytes = new AtomicLong();
  private final BatchValidator validator = new BatchValidator();

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
      validate(root);
      rows.addAndGet(root.getRowCount());
      bytes.addAndGet(root.getFieldVectors().stream().mapToLong(FieldVector::getBufferSize).sum());
    }
    return loaded;
  }

  private void validate(VectorSchemaRoot root) throws IOException {
    try {
      validator.validate(root, source);
    } catch (ValidateUtil.ValidateException e) {
      throw new IOException("the Arrow batch is corrupt: " + e.getMessage(), e);
    }
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
