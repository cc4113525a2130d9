package dev.bridge.ingest;

import java.math.BigInteger;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.BaseIntVector;
import org.apache.arrow.vector.BaseLargeVariableWidthVector;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.Decimal256Vector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.LargeVarCharVector;
import org.apache.arrow.vector.ValueVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.dictionary.Dictionary;
import org.apache.arrow.vector.dictionary.DictionaryProvider;
import org.apache.arrow.vector.types.pojo.DictionaryEncoding;
import org.apache.arrow.vector.util.ValueVectorUtility;
import org.apache.arrow.vector.validate.ValidateUtil.ValidateException;
import org.apache.arrow.vector.validate.ValidateVectorDataVisitor;

/**
 * Checks a client's record batch before DuckDB scans it. DuckDB trusts the Arrow arrays it is given: offsets that
 * run backwards or past their buffer make it read out of bounds, a dictionary index past its dictionary likewise,
 * and invalid UTF-8 stored in a VARCHAR crashes some of its string functions later.
 *
 * <p>The checks are those of Arrow's {@code ValueVectorUtility.validateFull}, but the per-value ones are done in
 * place: Arrow's own copy every string into a new {@code byte[]}, box every offset and build an error message for
 * every value it finds valid, which took most of the server's CPU during an ingest.
 */
final class BatchValidator extends ValidateVectorDataVisitor {
  private static final long[] POWERS_OF_TEN = new long[19];

  static {
    POWERS_OF_TEN[0] = 1;
    for (int i = 1; i < POWERS_OF_TEN.length; i++) {
      POWERS_OF_TEN[i] = POWERS_OF_TEN[i - 1] * 10;
    }
  }

  /**
   * Throws {@link ValidateException}, naming the column and the row, when a vector of {@code root} is malformed or
   * a dictionary-encoded column refers to a dictionary {@code dictionaries} lacks or to an index past its end.
   */
  void validate(VectorSchemaRoot root, DictionaryProvider dictionaries) {
    for (FieldVector vector : root.getFieldVectors()) {
      try {
        validateVector(vector);
        DictionaryEncoding encoding = vector.getField().getDictionary();
        if (encoding != null) {
          requireIndicesIn((BaseIntVector) vector, dictionaries.lookup(encoding.getId()));
        }
      } catch (ValidateException | IllegalArgumentException | IndexOutOfBoundsException e) {
        throw new ValidateException("column " + vector.getName() + ": " + e.getMessage());
      }
    }
  }

  private void validateVector(ValueVector vector) {
    ValueVectorUtility.validate(vector);
    vector.accept(this, null);
  }

  private void requireIndicesIn(BaseIntVector indices, Dictionary dictionary) {
    if (dictionary == null) {
      throw new ValidateException("refers to a dictionary never sent");
    }
    validateVector(dictionary.getVector());
    long size = dictionary.getVector().getValueCount();
    for (int i = 0; i < indices.getValueCount(); i++) {
      if (!indices.isNull(i)) {
        long index = indices.getValueAsLong(i);
        if (index < 0 || index >= size) {
          throw new ValidateException(
              "row " + i + " has dictionary index " + index + " outside its dictionary of " + size + " values");
        }
      }
    }
  }

  @Override
  public Void visit(BaseFixedWidthVector vector, Void value) {
    // The buffer checks have covered every other fixed-width type: any bit pattern of the right size is a value.
    if (vector instanceof DecimalVector decimals) {
      requireDecimalsFit(decimals);
    } else if (vector instanceof Decimal256Vector) {
      vector.validateScalars();
    }
    return null;
  }

  @Override
  public Void visit(BaseVariableWidthVector vector, Void value) {
    ArrowBuf offsets = vector.getOffsetBuffer();
    requireOffsetsAndText(vector, vector instanceof VarCharVector,
        position -> offsets.getInt((long) position * BaseVariableWidthVector.OFFSET_WIDTH));
    return null;
  }

  @Override
  public Void visit(BaseLargeVariableWidthVector vector, Void value) {
    ArrowBuf offsets = vector.getOffsetBuffer();
    requireOffsetsAndText(vector, vector instanceof LargeVarCharVector,
        position -> offsets.getLong((long) position * BaseLargeVariableWidthVector.OFFSET_WIDTH));
    return null;
  }

  /** The offset at a position of a variable-width vector's offset buffer (32- or 64-bit). */
  private interface Offsets {
    long at(int position);
  }

  /** Offsets never decrease (the buffer checks bound the last one), and each non-null text value is UTF-8. */
  private static void requireOffsetsAndText(ValueVector vector, boolean text, Offsets offsets) {
    int count = vector.getValueCount();
    long first = count == 0 ? 0 : offsets.at(0);
    requireOffset(first >= 0, 0, first);
    long last = first;
    for (int i = 0; i < count; i++) {
      long end = offsets.at(i + 1);
      requireOffset(end >= last, i + 1, end);
      last = end;
    }
    if (text && !allValuesUtf8(vector.getDataBuffer(), count, offsets, first, last)) {
      requireEachValueUtf8(vector, offsets);
    }
  }

  private static void requireOffset(boolean valid, int position, long offset) {
    if (!valid) {
      throw new ValidateException("offset " + position + " (" + offset + ") is negative or less than the one before");
    }
  }

  /**
   * True when the column's bytes, all values back to back, are UTF-8 and no value starts inside a character: then
   * every value is whole characters. One run over the bytes instead of one per value, which is what makes short
   * strings (a one-letter flag) cheap. False says only that a closer look is needed: bytes under a null slot may be
   * anything.
   */
  private static boolean allValuesUtf8(ArrowBuf data, int count, Offsets offsets, long first, long last) {
    if (Utf8Check.firstInvalidByte(data, first, last) >= 0) {
      return false;
    }
    for (int i = 0; i < count; i++) {
      long start = offsets.at(i);
      if (start < last && Utf8Check.isContinuationByte(data, start)) {
        return false;
      }
    }
    return true;
  }

  private static void requireEachValueUtf8(ValueVector vector, Offsets offsets) {
    ArrowBuf data = vector.getDataBuffer();
    for (int i = 0; i < vector.getValueCount(); i++) {
      if (vector.isNull(i)) {
        continue;
      }
      long start = offsets.at(i);
      long invalid = Utf8Check.firstInvalidByte(data, start, offsets.at(i + 1));
      if (invalid >= 0) {
        throw new ValidateException("row " + i + " is not valid UTF-8 (byte " + (invalid - start) + ")");
      }
    }
  }

  /** Unscaled values must have at most the column's precision in digits, as Arrow's own check demands. */
  private static void requireDecimalsFit(DecimalVector vector) {
    int precision = vector.getPrecision();
    ArrowBuf data = vector.getDataBuffer();
    BigInteger bound = BigInteger.TEN.pow(precision);
    for (int i = 0; i < vector.getValueCount(); i++) {
      if (vector.isNull(i)) {
        continue;
      }
      long low = data.getLong((long) i * DecimalVector.TYPE_WIDTH);
      long high = data.getLong((long) i * DecimalVector.TYPE_WIDTH + Long.BYTES);
      boolean fits;
      if (high == (low >> 63) && low != Long.MIN_VALUE) {
        // Most values fit in a long: compare without allocating.
        fits = precision >= POWERS_OF_TEN.length || Math.abs(low) < POWERS_OF_TEN[precision];
      } else {
        fits = vector.getObject(i).unscaledValue().abs().compareTo(bound) < 0;
      }
      if (!fits) {
        throw new ValidateException("row " + i + " holds " + vector.getObject(i) + ", more than the precision of "
            + precision + " digits allows");
      }
    }
  }
}
