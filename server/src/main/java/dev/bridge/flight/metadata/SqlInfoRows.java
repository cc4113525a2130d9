package dev.bridge.flight.metadata;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.arrow.flight.FlightProducer.ServerStreamListener;
import org.apache.arrow.flight.sql.FlightSqlProducer.Schemas;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.UInt4Vector;
import org.apache.arrow.vector.ValueVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.DenseUnionVector;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.complex.MapVector;
import org.apache.arrow.vector.complex.impl.UnionListWriter;
import org.apache.arrow.vector.complex.impl.UnionMapWriter;
import org.apache.arrow.vector.complex.writer.BaseWriter.ListWriter;

/**
 * Writes SqlInfo answers into the CommandGetSqlInfo result schema. The union member follows the Java type of the
 * value: String is string_value, Boolean bool_value, Long bigint_value, Integer int32_bitmask (bitmasks and int32
 * ordinals alike), a List of String string_list, and a Map of Integer to List of Integer int32_to_int32_list_map.
 */
final class SqlInfoRows {
  private static final byte STRING = 0;
  private static final byte BOOL = 1;
  private static final byte BIGINT = 2;
  private static final byte INT32 = 3;
  private static final byte STRING_LIST = 4;
  private static final byte INT32_TO_INT32_LIST_MAP = 5;

  private SqlInfoRows() {}

  static void stream(List<Integer> ids, Map<Integer, Object> answers, BufferAllocator allocator,
      ServerStreamListener listener) {
    try (VectorSchemaRoot root = VectorSchemaRoot.create(Schemas.GET_SQL_INFO_SCHEMA, allocator)) {
      root.allocateNew();
      UInt4Vector names = (UInt4Vector) root.getVector("info_name");
      DenseUnionVector values = (DenseUnionVector) root.getVector("value");
      for (int row = 0; row < ids.size(); row++) {
        names.setSafe(row, ids.get(row));
        write(values, row, answers.get(ids.get(row)));
      }
      names.setValueCount(ids.size());
      values.setValueCount(ids.size());
      root.setRowCount(ids.size());
      listener.start(root);
      listener.putNext();
      listener.completed();
    }
  }

  @SuppressWarnings("unchecked")
  private static void write(DenseUnionVector values, int row, Object value) {
    byte typeId = typeOf(value);
    ValueVector child = values.getVectorByType(typeId);
    int offset = child.getValueCount();
    values.setTypeId(row, typeId);
    values.getOffsetBuffer().setInt((long) row * DenseUnionVector.OFFSET_WIDTH, offset);
    switch (typeId) {
      case STRING -> ((VarCharVector) child).setSafe(offset, ((String) value).getBytes(StandardCharsets.UTF_8));
      case BOOL -> ((BitVector) child).setSafe(offset, (Boolean) value ? 1 : 0);
      case BIGINT -> ((BigIntVector) child).setSafe(offset, (Long) value);
      case INT32 -> ((IntVector) child).setSafe(offset, (Integer) value);
      case STRING_LIST -> writeStrings((ListVector) child, offset, (List<String>) value);
      default -> writeIntListMap((MapVector) child, offset, (Map<Integer, List<Integer>>) value);
    }
    child.setValueCount(offset + 1);
  }

  private static byte typeOf(Object value) {
    if (value instanceof String) {
      return STRING;
    } else if (value instanceof Boolean) {
      return BOOL;
    } else if (value instanceof Long) {
      return BIGINT;
    } else if (value instanceof Integer) {
      return INT32;
    } else if (value instanceof List<?>) {
      return STRING_LIST;
    } else if (value instanceof Map<?, ?>) {
      return INT32_TO_INT32_LIST_MAP;
    }
    throw new IllegalArgumentException("no SqlInfo union member for " + value);
  }

  private static void writeStrings(ListVector list, int offset, List<String> strings) {
    UnionListWriter writer = list.getWriter();
    writer.setPosition(offset);
    writer.startList();
    strings.forEach(writer::writeVarChar);
    writer.endList();
  }

  private static void writeIntListMap(MapVector map, int offset, Map<Integer, List<Integer>> entries) {
    UnionMapWriter writer = map.getWriter();
    writer.setPosition(offset);
    writer.startMap();
    for (Map.Entry<Integer, List<Integer>> entry : entries.entrySet()) {
      writer.startEntry();
      writer.key().integer().writeInt(entry.getKey());
      ListWriter values = writer.value().list();
      values.startList();
      entry.getValue().forEach(values.integer()::writeInt);
      values.endList();
      writer.endEntry();
    }
    writer.endMap();
  }
}
