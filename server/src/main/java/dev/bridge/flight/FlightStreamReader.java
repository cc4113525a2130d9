package dev.bridge.flight;

import java.util.Set;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.dictionary.Dictionary;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * A DoPut stream seen as an {@link ArrowReader}, the source the ingest takes. Each batch is read into the stream's
 * own root as it arrives (FlightStream decompresses ZSTD and LZ4 bodies); nothing is buffered here. The stream
 * belongs to Flight, which closes it when the call ends.
 */
final class FlightStreamReader extends ArrowReader {
  private final FlightStream stream;

  FlightStreamReader(FlightStream stream, BufferAllocator allocator) {
    super(allocator);
    this.stream = stream;
  }

  @Override
  public VectorSchemaRoot getVectorSchemaRoot() {
    return stream.getRoot();
  }

  @Override
  public boolean loadNextBatch() {
    return stream.next();
  }

  /** Dictionary-encoded columns: the dictionaries the stream has received so far. */
  @Override
  public Dictionary lookup(long id) {
    return stream.getDictionaryProvider().lookup(id);
  }

  @Override
  public Set<Long> getDictionaryIds() {
    return stream.getDictionaryProvider().getDictionaryIds();
  }

  @Override
  public long bytesRead() {
    return 0;
  }

  @Override
  protected void closeReadSource() {
    // Flight closes the stream after the DoPut handler returns.
  }

  @Override
  protected Schema readSchema() {
    return stream.getSchema();
  }
}
