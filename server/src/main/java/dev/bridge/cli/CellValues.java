package dev.bridge.cli;

import java.time.LocalDate;
import java.time.temporal.TemporalAccessor;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.util.Text;

/** Arrow values as the client commands print them: JSON-ready Java values, or text for the table and CSV. */
final class CellValues {
  private CellValues() {}

  /** A value Jackson writes as the JSON the user expects: text, numbers, lists, objects, ISO dates. */
  static Object json(FieldVector vector, int row) {
    return plain(value(vector, row));
  }

  /** The value as text; null for SQL NULL. */
  static String text(FieldVector vector, int row) {
    Object value = plain(value(vector, row));
    if (value == null) {
      return null;
    }
    if (value instanceof byte[] bytes) {
      return "\\x" + java.util.HexFormat.of().formatHex(bytes);
    }
    return value.toString();
  }

  /** DATE columns come as day numbers from Arrow's DateDayVector; people want the date. */
  private static Object value(FieldVector vector, int row) {
    if (vector instanceof DateDayVector days && !days.isNull(row)) {
      return LocalDate.ofEpochDay(days.get(row));
    }
    return vector.getObject(row);
  }

  private static Object plain(Object value) {
    if (value instanceof Text || value instanceof TemporalAccessor || value instanceof java.time.Duration
        || value instanceof java.time.Period) {
      return value.toString();
    }
    if (value instanceof List<?> list) {
      List<Object> converted = new ArrayList<>(list.size());
      list.forEach(element -> converted.add(plain(element)));
      return converted;
    }
    if (value instanceof Map<?, ?> map) {
      Map<String, Object> converted = new LinkedHashMap<>();
      map.forEach((key, element) -> converted.put(String.valueOf(plain(key)), plain(element)));
      return converted;
    }
    return value;
  }
}
