package dev.bridge.flight;

import java.util.List;
import org.apache.arrow.flight.FlightProducer.ServerStreamListener;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The answer of a statement that returns no rows (DDL, DML) when a client runs it through the query path: one row
 * with the number of rows it changed, in DuckDB's own {@code Count} column.
 */
final class UpdateCounts {
  static final Schema SCHEMA = new Schema(List.of(
      new Field("Count", FieldType.notNullable(new ArrowType.Int(64, true)), null)));

  private UpdateCounts() {}

  static void stream(long count, BufferAllocator allocator, ServerStreamListener listener) {
    try (VectorSchemaRoot root = VectorSchemaRoot.create(SCHEMA, allocator)) {
      BigIntVector vector = (BigIntVector) root.getVector(0);
      vector.allocateNew(1);
      vector.set(0, count);
      root.setRowCount(1);
      listener.start(root);
      listener.putNext();
      listener.completed();
    }
  }
}
