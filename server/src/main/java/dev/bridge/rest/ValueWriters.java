package dev.bridge.rest;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.BaseIntVector;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DateMilliVector;
import org.apache.arrow.vector.Decimal256Vector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.DurationVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.FixedSizeBinaryVector;
import org.apache.arrow.vector.Float2Vector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.IntervalDayVector;
import org.apache.arrow.vector.IntervalMonthDayNanoVector;
import org.apache.arrow.vector.IntervalYearVector;
import org.apache.arrow.vector.LargeVarBinaryVector;
import org.apache.arrow.vector.LargeVarCharVector;
import org.apache.arrow.vector.NullVector;
import org.apache.arrow.vector.SmallIntVector;
import org.apache.arrow.vector.TimeMicroVector;
import org.apache.arrow.vector.TimeMilliVector;
import org.apache.arrow.vector.TimeNanoVector;
import org.apache.arrow.vector.TimeSecVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.TinyIntVector;
import org.apache.arrow.vector.UInt1Vector;
import org.apache.arrow.vector.UInt2Vector;
import org.apache.arrow.vector.UInt4Vector;
import org.apache.arrow.vector.UInt8Vector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.complex.FixedSizeListVector;
import org.apache.arrow.vector.complex.LargeListVector;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.complex.StructVector;
import org.apache.arrow.vector.complex.UnionVector;
import org.apache.arrow.vector.holders.NullableIntervalDayHolder;
import org.apache.arrow.vector.holders.NullableIntervalMonthDayNanoHolder;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;

/**
 * Builds the {@link ValueWriter} of an Arrow column as DuckDB exports it. Values are read straight from the
 * vectors' buffers; no row objects are built. Numbers keep every digit (JSON numbers of any size), timestamps are
 * ISO 8601, binary is base64, lists are arrays, structs objects, maps arrays of {@code {"key", "value"}} objects.
 */
final class ValueWriters {
  private static final DateTimeFormatter LOCAL_TIMESTAMP = DateTimeFormatter.ISO_LOCAL_DATE_TIME;
  private static final DateTimeFormatter UTC_TIMESTAMP = DateTimeFormatter.ISO_OFFSET_DATE_TIME;
  private static final String UUID_EXTENSION = "arrow.uuid";

  private ValueWriters() {}

  /** The writer of {@code vector}, nulls included. Nested vectors get writers for their children. */
  static ValueWriter of(FieldVector vector) {
    if (vector instanceof NullVector) {
      return (out, row) -> out.writeNull();
    }
    ValueWriter value = nonNull(vector);
    return (out, row) -> {
      if (vector.isNull(row)) {
        out.writeNull();
      } else {
        value.write(out, row);
      }
    };
  }

  /** Whether values of this field are written as JSON arrays or objects rather than scalars. */
  static boolean isStructured(Field field) {
    ArrowType type = field.getType();
    return type.isComplex() || type instanceof ArrowType.Interval;
  }

  private static ValueWriter nonNull(FieldVector vector) {
    if (vector instanceof BitVector v) {
      return (out, row) -> out.writeBoolean(v.get(row) != 0);
    }
    if (vector instanceof TinyIntVector v) {
      return (out, row) -> out.writeNumber(v.get(row));
    }
    if (vector instanceof SmallIntVector v) {
      return (out, row) -> out.writeNumber(v.get(row));
    }
    if (vector instanceof IntVector v) {
      return (out, row) -> out.writeNumber(v.get(row));
    }
    if (vector instanceof BigIntVector v) {
      return (out, row) -> out.writeNumber(v.get(row));
    }
    if (vector instanceof UInt1Vector v) {
      return (out, row) -> out.writeNumber(Byte.toUnsignedInt(v.get(row)));
    }
    if (vector instanceof UInt2Vector v) {
      return (out, row) -> out.writeNumber((int) v.get(row));
    }
    if (vector instanceof UInt4Vector v) {
      return (out, row) -> out.writeNumber(Integer.toUnsignedLong(v.get(row)));
    }
    if (vector instanceof UInt8Vector v) {
      return (out, row) -> out.writeNumber(Long.toUnsignedString(v.get(row)));
    }
    if (vector instanceof Float2Vector v) {
      return (out, row) -> out.writeNumber(v.getValueAsFloat(row));
    }
    if (vector instanceof Float4Vector v) {
      return (out, row) -> out.writeNumber(v.get(row));
    }
    if (vector instanceof Float8Vector v) {
      return (out, row) -> out.writeNumber(v.get(row));
    }
    if (vector instanceof DecimalVector v) {
      return decimal(v);
    }
    if (vector instanceof Decimal256Vector v) {
      return (out, row) -> out.writeNumber(v.getObject(row));
    }
    if (vector instanceof VarCharVector v) {
      return utf8(v);
    }
    if (vector instanceof LargeVarCharVector v) {
      return (out, row) -> out.writeString(v.getObject(row).toString());
    }
    if (vector instanceof VarBinaryVector v) {
      return (out, row) -> out.writeBinary(v.get(row));
    }
    if (vector instanceof LargeVarBinaryVector v) {
      return (out, row) -> out.writeBinary(v.get(row));
    }
    if (vector instanceof FixedSizeBinaryVector v) {
      return fixedSizeBinary(v);
    }
    if (vector instanceof DateDayVector v) {
      return date(v);
    }
    if (vector instanceof DateMilliVector v) {
      return (out, row) -> out.writeString(LocalDate.ofEpochDay(Math.floorDiv(v.get(row), 86_400_000L)).toString());
    }
    if (vector instanceof TimeSecVector v) {
      return (out, row) -> writeTime(out, v.get(row) * 1_000_000_000L);
    }
    if (vector instanceof TimeMilliVector v) {
      return (out, row) -> writeTime(out, v.get(row) * 1_000_000L);
    }
    if (vector instanceof TimeMicroVector v) {
      return (out, row) -> writeTime(out, v.get(row) * 1_000L);
    }
    if (vector instanceof TimeNanoVector v) {
      return (out, row) -> writeTime(out, v.get(row));
    }
    if (vector instanceof TimeStampVector v) {
      return timestamp(v);
    }
    if (vector instanceof IntervalMonthDayNanoVector v) {
      return interval(v);
    }
    if (vector instanceof IntervalDayVector v) {
      NullableIntervalDayHolder holder = new NullableIntervalDayHolder();
      return (out, row) -> {
        v.get(row, holder);
        writeInterval(out, 0, holder.days, holder.milliseconds * 1_000_000L);
      };
    }
    if (vector instanceof IntervalYearVector v) {
      return (out, row) -> writeInterval(out, v.get(row), 0, 0);
    }
    if (vector instanceof DurationVector v) {
      return (out, row) -> out.writeString(v.getObject(row).toString());
    }
    if (vector instanceof FixedSizeListVector v) {
      return fixedSizeList(v);
    }
    if (vector instanceof LargeListVector v) {
      return largeList(v);
    }
    if (vector instanceof ListVector v) {
      return list(v);
    }
    if (vector instanceof StructVector v) {
      return struct(v);
    }
    if (vector instanceof UnionVector v) {
      return union(v);
    }
    if (vector instanceof BaseIntVector v) {
      return (out, row) -> out.writeNumber(v.getValueAsLong(row));
    }
    throw new IllegalArgumentException("column '" + vector.getName() + "' has the Arrow type "
        + vector.getField().getType() + ", which the HTTP result writers do not map");
  }

  /** DECIMAL up to 18 digits reads its unscaled value from the low 64 bits; wider ones through BigDecimal. */
  private static ValueWriter decimal(DecimalVector vector) {
    int scale = vector.getScale();
    if (vector.getPrecision() > 18) {
      return (out, row) -> out.writeNumber(vector.getObject(row));
    }
    char[] text = new char[24];
    return (out, row) -> {
      long unscaled = vector.getDataBuffer().getLong((long) row * DecimalVector.TYPE_WIDTH);
      out.writeNumber(text, 0, plainDecimal(unscaled, scale, text));
    };
  }

  /**
   * Writes {@code unscaled * 10^-scale} in plain notation into {@code text} (right-aligned, then moved to the
   * front) and returns its length; what BigDecimal.toPlainString gives, without the objects. |unscaled| < 10^18.
   */
  static int plainDecimal(long unscaled, int scale, char[] text) {
    boolean negative = unscaled < 0;
    long magnitude = Math.abs(unscaled);
    int position = text.length;
    int digits = 0;
    do {
      if (digits == scale && scale > 0) {
        text[--position] = '.';
      }
      text[--position] = (char) ('0' + magnitude % 10);
      magnitude /= 10;
      digits++;
    } while (magnitude > 0 || digits <= scale);
    if (negative) {
      text[--position] = '-';
    }
    int length = text.length - position;
    System.arraycopy(text, position, text, 0, length);
    return length;
  }

  /** UTF-8 text copied from the Arrow data buffer into a reused array, escaped by the generator. */
  private static ValueWriter utf8(VarCharVector vector) {
    byte[][] scratch = {new byte[256]};
    return (out, row) -> {
      long start = vector.getStartOffset(row);
      int length = vector.getValueLength(row);
      if (scratch[0].length < length) {
        scratch[0] = new byte[Math.max(length, scratch[0].length * 2)];
      }
      ArrowBuf data = vector.getDataBuffer();
      data.getBytes(start, scratch[0], 0, length);
      out.writeUTF8String(scratch[0], 0, length);
    };
  }

  /** UUIDs (the arrow.uuid extension) as their canonical text, other fixed-size binary as base64. */
  private static ValueWriter fixedSizeBinary(FixedSizeBinaryVector vector) {
    String extension = vector.getField().getMetadata().get("ARROW:extension:name");
    if (UUID_EXTENSION.equals(extension) && vector.getByteWidth() == 16) {
      return (out, row) -> {
        ArrowBuf data = vector.getDataBuffer();
        long offset = (long) row * 16;
        long high = Long.reverseBytes(data.getLong(offset));
        long low = Long.reverseBytes(data.getLong(offset + 8));
        out.writeString(new UUID(high, low).toString());
      };
    }
    return (out, row) -> out.writeBinary(vector.get(row));
  }

  /** DuckDB's infinite dates are the extreme int32 values; they are written as DuckDB prints them. */
  private static ValueWriter date(DateDayVector vector) {
    char[] text = new char[10];
    return (out, row) -> {
      int epochDay = vector.get(row);
      if (epochDay == Integer.MAX_VALUE) {
        out.writeString("infinity");
        return;
      }
      if (epochDay == -Integer.MAX_VALUE) {
        out.writeString("-infinity");
        return;
      }
      LocalDate date = LocalDate.ofEpochDay(epochDay);
      int year = date.getYear();
      if (year < 0 || year > 9999) {
        out.writeString(date.toString());
        return;
      }
      fourDigits(text, 0, year);
      text[4] = '-';
      twoDigits(text, 5, date.getMonthValue());
      text[7] = '-';
      twoDigits(text, 8, date.getDayOfMonth());
      out.writeString(text, 0, 10);
    };
  }

  private static void fourDigits(char[] text, int at, int value) {
    twoDigits(text, at, value / 100);
    twoDigits(text, at + 2, value % 100);
  }

  private static void twoDigits(char[] text, int at, int value) {
    text[at] = (char) ('0' + value / 10);
    text[at + 1] = (char) ('0' + value % 10);
  }

  private static void writeTime(JsonGenerator out, long nanoOfDay) throws IOException {
    // DuckDB's 24:00:00 is one past LocalTime's range.
    if (nanoOfDay == 86_400_000_000_000L) {
      out.writeString("24:00:00");
      return;
    }
    out.writeString(LocalTime.ofNanoOfDay(nanoOfDay).format(DateTimeFormatter.ISO_LOCAL_TIME));
  }

  /** Without a time zone: local date-time text; with one: the UTC instant, suffixed Z. */
  private static ValueWriter timestamp(TimeStampVector vector) {
    ArrowType.Timestamp type = (ArrowType.Timestamp) vector.getField().getType();
    boolean zoned = type.getTimezone() != null;
    return (out, row) -> {
      long value = vector.get(row);
      // DuckDB's infinite timestamps are the extreme int64 values.
      if (value == Long.MAX_VALUE || value == -Long.MAX_VALUE) {
        out.writeString(value > 0 ? "infinity" : "-infinity");
        return;
      }
      Instant instant = switch (type.getUnit()) {
        case SECOND -> Instant.ofEpochSecond(value);
        case MILLISECOND -> Instant.ofEpochMilli(value);
        case MICROSECOND -> Instant.EPOCH.plus(value, ChronoUnit.MICROS);
        case NANOSECOND -> Instant.ofEpochSecond(0, value);
      };
      out.writeString(zoned ? UTC_TIMESTAMP.format(instant.atOffset(ZoneOffset.UTC))
          : LOCAL_TIMESTAMP.format(LocalDateTime.ofInstant(instant, ZoneOffset.UTC)));
    };
  }

  private static ValueWriter interval(IntervalMonthDayNanoVector vector) {
    NullableIntervalMonthDayNanoHolder holder = new NullableIntervalMonthDayNanoHolder();
    return (out, row) -> {
      vector.get(row, holder);
      writeInterval(out, holder.months, holder.days, holder.nanoseconds);
    };
  }

  private static void writeInterval(JsonGenerator out, int months, long days, long nanoseconds) throws IOException {
    out.writeStartObject();
    out.writeNumberField("months", months);
    out.writeNumberField("days", days);
    out.writeNumberField("nanoseconds", nanoseconds);
    out.writeEndObject();
  }

  private static ValueWriter list(ListVector vector) {
    ValueWriter element = of(vector.getDataVector());
    return (out, row) -> writeElements(out, element, vector.getElementStartIndex(row),
        vector.getElementEndIndex(row));
  }

  private static ValueWriter largeList(LargeListVector vector) {
    ValueWriter element = of(vector.getDataVector());
    return (out, row) -> writeElements(out, element, Math.toIntExact(vector.getElementStartIndex(row)),
        Math.toIntExact(vector.getElementEndIndex(row)));
  }

  private static ValueWriter fixedSizeList(FixedSizeListVector vector) {
    ValueWriter element = of(vector.getDataVector());
    int size = vector.getListSize();
    return (out, row) -> writeElements(out, element, row * size, row * size + size);
  }

  private static void writeElements(JsonGenerator out, ValueWriter element, int start, int end) throws IOException {
    out.writeStartArray();
    for (int i = start; i < end; i++) {
      element.write(out, i);
    }
    out.writeEndArray();
  }

  private static ValueWriter struct(StructVector vector) {
    List<String> names = new ArrayList<>();
    List<ValueWriter> children = new ArrayList<>();
    for (FieldVector child : vector.getChildrenFromFields()) {
      names.add(child.getName());
      children.add(of(child));
    }
    return (out, row) -> {
      out.writeStartObject();
      for (int i = 0; i < children.size(); i++) {
        out.writeFieldName(names.get(i));
        children.get(i).write(out, row);
      }
      out.writeEndObject();
    };
  }

  /**
   * A sparse union (DuckDB's UNION) as the value of its active member. Arrow Java's C Data import rewrites the
   * field's type ids to its own type ordinals but keeps DuckDB's type buffer, whose ids are member positions
   * (0, 1, ...): an id that is not among the field's ids is therefore read as a position.
   */
  private static ValueWriter union(UnionVector vector) {
    List<FieldVector> members = vector.getChildrenFromFields();
    int[] typeIds = ((ArrowType.Union) vector.getField().getType()).getTypeIds();
    List<ValueWriter> writers = new ArrayList<>();
    members.forEach(member -> writers.add(of(member)));
    return (out, row) -> {
      int typeId = vector.getTypeValue(row);
      int member = typeIds == null ? typeId : memberOf(typeIds, typeId);
      writers.get(member).write(out, row);
    };
  }

  private static int memberOf(int[] typeIds, int typeId) {
    for (int i = 0; i < typeIds.length; i++) {
      if (typeIds[i] == typeId) {
        return i;
      }
    }
    if (typeId >= 0 && typeId < typeIds.length) {
      return typeId;
    }
    throw new IllegalStateException("union type id " + typeId + " names no member");
  }
}
