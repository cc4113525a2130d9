package dev.bridge.flight.metadata;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.apache.arrow.flight.FlightProducer.ServerStreamListener;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.UInt1Vector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.complex.impl.UnionListWriter;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Streams a small metadata answer: rows of plain Java values written into a batch of a Flight SQL result schema.
 * Values map by the column's Arrow type: String to utf8, Number to int32 / uint8, Boolean to bool, byte[] to binary,
 * a List of String to list&lt;utf8&gt;; null leaves the cell null.
 */
final class MetadataRows {
  private MetadataRows() {}

  static void stream(Schema schema, List<List<Object>> rows, BufferAllocator allocator,
      ServerStreamListener listener) {
    try (VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator)) {
      root.allocateNew();
      for (int column = 0; column < schema.getFields().size(); column++) {
        FieldVector vector = root.getVector(column);
        for (int row = 0; row < rows.size(); row++) {
          Object value = rows.get(row).get(column);
          if (value != null) {
            set(vector, row, value);
          }
        }
        vector.setValueCount(rows.size());
      }
      root.setRowCount(rows.size());
      listener.start(root);
      listener.putNext();
      listener.completed();
    }
  }

  private static void set(FieldVector vector, int row, Object value) {
    if (vector instanceof VarCharVector text) {
      text.setSafe(row, value.toString().getBytes(StandardCharsets.UTF_8));
    } else if (vector instanceof IntVector ints) {
      ints.setSafe(row, ((Number) value).intValue());
    } else if (vector instanceof UInt1Vector bytes) {
      bytes.setSafe(row, ((Number) value).intValue());
    } else if (vector instanceof BitVector bits) {
      bits.setSafe(row, (Boolean) value ? 1 : 0);
    } else if (vector instanceof VarBinaryVector binary) {
      binary.setSafe(row, (byte[]) value);
    } else if (vector instanceof ListVector list) {
      UnionListWriter writer = list.getWriter();
      writer.setPosition(row);
      writer.startList();
      for (Object element : (List<?>) value) {
        writer.writeVarChar(element.toString());
      }
      writer.endList();
    } else {
      throw new IllegalStateException("no writer for metadata column " + vector.getField());
    }
  }
}
