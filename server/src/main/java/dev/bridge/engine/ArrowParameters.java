package dev.bridge.engine;

import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.apache.arrow.vector.BaseIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DateMilliVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.Decimal256Vector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.FixedSizeBinaryVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.LargeVarBinaryVector;
import org.apache.arrow.vector.LargeVarCharVector;
import org.apache.arrow.vector.NullVector;
import org.apache.arrow.vector.TimeMicroVector;
import org.apache.arrow.vector.TimeMilliVector;
import org.apache.arrow.vector.TimeNanoVector;
import org.apache.arrow.vector.TimeSecVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.UInt1Vector;
import org.apache.arrow.vector.UInt2Vector;
import org.apache.arrow.vector.UInt4Vector;
import org.apache.arrow.vector.UInt8Vector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.DenseUnionVector;
import org.apache.arrow.vector.types.pojo.ArrowType;

/**
 * Reads bound parameter values out of an Arrow batch (Flight SQL binds parameters as a record batch, one row per
 * execution) into the plain Java values DuckDB's JDBC binding takes; a NULL in a typed column is a
 * {@link TypedNull}.
 */
public final class ArrowParameters {
  private ArrowParameters() {}

  /** Each row of {@code batch} as a list of values, in column order. */
  public static List<List<Object>> rows(VectorSchemaRoot batch) {
    List<List<Object>> rows = new ArrayList<>(batch.getRowCount());
    for (int row = 0; row < batch.getRowCount(); row++) {
      Object[] values = new Object[batch.getFieldVectors().size()];
      for (int column = 0; column < values.length; column++) {
        values[column] = value(batch.getVector(column), row);
      }
      rows.add(Collections.unmodifiableList(Arrays.asList(values)));
    }
    return rows;
  }

  static Object value(FieldVector vector, int row) {
    // A dense union parameter (a client choosing a member per row) binds its row's member value, with that type.
    if (vector instanceof DenseUnionVector union) {
      return union.isNull(row) ? null
          : value((FieldVector) union.getVectorByType(union.getTypeId(row)), union.getOffset(row));
    }
    if (vector instanceof NullVector) {
      return null;
    }
    if (vector.isNull(row)) {
      // The column's type is the one the client bound the NULL with: kept for statements that need it.
      return new TypedNull(DuckDbTypeNames.describe(vector.getField()), vector.getField().getType().toString());
    }
    if (vector instanceof UInt1Vector v) {
      return (short) Byte.toUnsignedInt(v.get(row));
    }
    if (vector instanceof UInt2Vector v) {
      return (int) v.get(row);
    }
    if (vector instanceof UInt4Vector v) {
      return Integer.toUnsignedLong(v.get(row));
    }
    if (vector instanceof UInt8Vector v) {
      long value = v.get(row);
      return value >= 0 ? (Object) value : new BigInteger(Long.toUnsignedString(value));
    }
    if (vector instanceof BaseIntVector || vector instanceof Float4Vector || vector instanceof Float8Vector
        || vector instanceof BitVector || vector instanceof DecimalVector || vector instanceof Decimal256Vector) {
      return vector.getObject(row);
    }
    if (vector instanceof VarCharVector || vector instanceof LargeVarCharVector) {
      return vector.getObject(row).toString();
    }
    if (vector instanceof VarBinaryVector || vector instanceof LargeVarBinaryVector
        || vector instanceof FixedSizeBinaryVector) {
      return vector.getObject(row);
    }
    if (vector instanceof DateDayVector v) {
      return LocalDate.ofEpochDay(v.get(row));
    }
    if (vector instanceof DateMilliVector v) {
      return LocalDate.ofEpochDay(Math.floorDiv(v.get(row), 86_400_000L));
    }
    if (vector instanceof TimeSecVector v) {
      return LocalTime.ofSecondOfDay(v.get(row));
    }
    if (vector instanceof TimeMilliVector v) {
      return LocalTime.ofNanoOfDay(v.get(row) * 1_000_000L);
    }
    if (vector instanceof TimeMicroVector v) {
      return LocalTime.ofNanoOfDay(v.get(row) * 1_000L);
    }
    if (vector instanceof TimeNanoVector v) {
      return LocalTime.ofNanoOfDay(v.get(row));
    }
    if (vector instanceof TimeStampVector v) {
      return timestamp(v, row);
    }
    throw EngineException.invalidArgument("parameter '" + vector.getName() + "' has Arrow type "
        + vector.getField().getType() + ", which cannot be bound; bind it as a string and CAST it in SQL");
  }

  private static Object timestamp(TimeStampVector vector, int row) {
    ArrowType.Timestamp type = (ArrowType.Timestamp) vector.getField().getType();
    long value = vector.get(row);
    Instant instant = switch (type.getUnit()) {
      case SECOND -> Instant.ofEpochSecond(value);
      case MILLISECOND -> Instant.ofEpochMilli(value);
      case MICROSECOND -> Instant.EPOCH.plus(value, ChronoUnit.MICROS);
      case NANOSECOND -> Instant.EPOCH.plusNanos(value);
    };
    if (type.getTimezone() == null) {
      return LocalDateTime.ofInstant(instant, ZoneOffset.UTC);
    }
    return OffsetDateTime.ofInstant(instant, ZoneOffset.UTC);
  }
}
