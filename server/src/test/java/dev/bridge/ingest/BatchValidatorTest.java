package dev.bridge.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.LargeVarCharVector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.dictionary.Dictionary;
import org.apache.arrow.vector.dictionary.DictionaryProvider;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.DictionaryEncoding;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.validate.ValidateUtil.ValidateException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The checks a client's batch passes before DuckDB scans it; every refusal names the column and the row. */
class BatchValidatorTest {
  private final BufferAllocator allocator = new RootAllocator();
  private final BatchValidator validator = new BatchValidator();
  private final DictionaryProvider.MapDictionaryProvider dictionaries = new DictionaryProvider.MapDictionaryProvider();

  @AfterEach
  void close() {
    dictionaries.close();
    allocator.close();
  }

  @Test
  void acceptsWellFormedText() {
    try (VarCharVector text = strings("s", "", "plain ascii longer than eight bytes", "é", "€ at 3 bytes", "𝄞 at 4",
        "\u007f\u0080\u07ff\u0800\uffff", new String(Character.toChars(0x10FFFF)), null)) {
      assertThatCode(() -> validate(text)).doesNotThrowAnyException();
    }
  }

  @Test
  void refusesMalformedText() {
    List<byte[]> malformed = List.of(
        bytes(0x80), // a continuation byte with no lead
        bytes(0xC0, 0x80), // overlong NUL
        bytes(0xE0, 0x80, 0x80), // overlong three-byte form
        bytes(0xED, 0xA0, 0x80), // a UTF-16 surrogate
        bytes(0xF4, 0x90, 0x80, 0x80), // past U+10FFFF
        bytes(0xF5, 0x80, 0x80, 0x80), // no such lead byte
        bytes(0x61, 0x62, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0xE2, 0x82), // cut short after the ASCII fast path
        bytes(0xE2, 0x28, 0xA1)); // a lead byte followed by ASCII
    for (byte[] value : malformed) {
      try (VarCharVector text = new VarCharVector("name", allocator)) {
        text.setSafe(0, "fine".getBytes(StandardCharsets.UTF_8));
        text.setSafe(1, value);
        text.setValueCount(2);
        assertThatThrownBy(() -> validate(text)).isInstanceOf(ValidateException.class)
            .hasMessageContaining("column name").hasMessageContaining("row 1 is not valid UTF-8");
      }
    }
  }

  @Test
  void aCharacterSplitAcrossTwoValuesIsInvalidInBoth() {
    try (VarCharVector text = new VarCharVector("t", allocator)) {
      text.setSafe(0, bytes(0xE2, 0x82));
      text.setSafe(1, bytes(0xAC));
      text.setValueCount(2);
      assertThatThrownBy(() -> validate(text)).hasMessageContaining("row 0 is not valid UTF-8");
    }
  }

  @Test
  void agreesWithTheJdkDecoderOnRandomBytes() {
    Random random = new Random(20261123);
    for (int round = 0; round < 20_000; round++) {
      byte[] value = new byte[random.nextInt(12)];
      for (int i = 0; i < value.length; i++) {
        // Mostly bytes at or above 0x80, where the cases are, with some ASCII to cross the eight-byte path.
        value[i] = (byte) (random.nextInt(4) == 0 ? random.nextInt(0x80) : 0x80 + random.nextInt(0x80));
      }
      try (VarCharVector text = new VarCharVector("t", allocator)) {
        text.setSafe(0, value);
        text.setValueCount(1);
        boolean accepted = Utf8Check.firstInvalidByte(text.getDataBuffer(), 0, value.length) < 0;
        assertThat(accepted).as("bytes %s", HexFormat.of().formatHex(value)).isEqualTo(jdkAccepts(value));
      }
    }
  }

  @Test
  void judgesEachValueOfAColumnAsTheJdkDecoderDoes() {
    // The validator checks a column's bytes in one run; values cut from real characters at random points make
    // columns whose bytes together are valid UTF-8 while single values are not, and the reverse.
    byte[] pool = "ab é€ 𝄞 xyz 1234567 Ω".getBytes(StandardCharsets.UTF_8);
    Random random = new Random(1123);
    for (int round = 0; round < 5_000; round++) {
      try (VarCharVector text = new VarCharVector("t", allocator)) {
        int count = 1 + random.nextInt(6);
        Integer firstInvalidRow = null;
        for (int row = 0; row < count; row++) {
          int from = random.nextInt(pool.length);
          byte[] value = Arrays.copyOfRange(pool, from, from + random.nextInt(pool.length - from + 1));
          text.setSafe(row, value);
          if (random.nextInt(5) == 0) {
            text.setNull(row); // the bytes stay under the null slot
          } else if (firstInvalidRow == null && !jdkAccepts(value)) {
            firstInvalidRow = row;
          }
        }
        text.setValueCount(count);
        if (firstInvalidRow == null) {
          assertThatCode(() -> validate(text)).doesNotThrowAnyException();
        } else {
          assertThatThrownBy(() -> validate(text))
              .hasMessageContaining("row " + firstInvalidRow + " is not valid UTF-8");
        }
      }
    }
  }

  @Test
  void ignoresTheBytesOfNullSlots() {
    try (VarCharVector text = new VarCharVector("t", allocator)) {
      text.setSafe(0, bytes(0xFF, 0xFE));
      text.setNull(0); // the offsets still span the two bytes
      text.setSafe(1, "ok".getBytes(StandardCharsets.UTF_8));
      text.setValueCount(2);
      assertThat(text.getOffsetBuffer().getInt(4)).isEqualTo(2);
      assertThatCode(() -> validate(text)).doesNotThrowAnyException();
    }
  }

  @Test
  void binaryIsNotText() {
    try (VarBinaryVector binary = new VarBinaryVector("b", allocator)) {
      binary.setSafe(0, bytes(0xFF, 0xFE));
      binary.setValueCount(1);
      assertThatCode(() -> validate(binary)).doesNotThrowAnyException();
    }
  }

  @Test
  void refusesDecreasingAndNegativeOffsets() {
    try (VarCharVector text = strings("t", "abc", "def", "ghi")) {
      text.getOffsetBuffer().setInt(8, 1);
      assertThatThrownBy(() -> validate(text)).hasMessageContaining("column t: offset 2 (1)");
    }
    try (VarCharVector text = strings("t", "abc")) {
      text.getOffsetBuffer().setInt(0, -4);
      assertThatThrownBy(() -> validate(text)).hasMessageContaining("column t: offset 0 (-4)");
    }
  }

  @Test
  void refusesAnOffsetPastTheDataBuffer() {
    try (VarCharVector text = strings("t", "abc")) {
      text.getOffsetBuffer().setInt(4, Integer.MAX_VALUE);
      assertThatThrownBy(() -> validate(text)).isInstanceOf(ValidateException.class).hasMessageContaining("column t");
    }
  }

  @Test
  void checksLargeTextToo() {
    try (LargeVarCharVector text = new LargeVarCharVector("big", allocator)) {
      text.setSafe(0, "fine".getBytes(StandardCharsets.UTF_8));
      text.setSafe(1, bytes(0xC3));
      text.setValueCount(2);
      assertThatThrownBy(() -> validate(text)).hasMessageContaining("column big: row 1 is not valid UTF-8");
    }
  }

  @Test
  void decimalsMustFitTheirPrecision() {
    try (DecimalVector small = decimals(5, "99999", "-99999", null)) {
      assertThatCode(() -> validate(small)).doesNotThrowAnyException();
    }
    try (DecimalVector small = decimals(5, "1", "-100000")) {
      assertThatThrownBy(() -> validate(small)).hasMessageContaining("column d: row 1 holds -100000")
          .hasMessageContaining("precision of 5");
    }
    try (DecimalVector wide = decimals(38, "99999999999999999999999999999999999999", "-9223372036854775808")) {
      assertThatCode(() -> validate(wide)).doesNotThrowAnyException();
    }
    try (DecimalVector past = decimals(20, "99999999999999999999", "100000000000000000000")) {
      assertThatThrownBy(() -> validate(past)).hasMessageContaining("row 1 holds 100000000000000000000");
    }
  }

  @Test
  void dictionaryIndicesMustPointIntoTheirDictionary() {
    DictionaryEncoding encoding = new DictionaryEncoding(7, false, null);
    VarCharVector values = strings("values", "a", "b");
    dictionaries.put(new Dictionary(values, encoding));
    try (IntVector indices = new IntVector("coded", new FieldType(true, new ArrowType.Int(32, true), encoding),
        allocator)) {
      indices.setSafe(0, 1);
      indices.setNull(1);
      indices.setValueCount(2);
      assertThatCode(() -> validate(indices)).doesNotThrowAnyException();
      indices.setSafe(1, 2);
      assertThatThrownBy(() -> validate(indices))
          .hasMessageContaining("column coded: row 1 has dictionary index 2 outside its dictionary of 2 values");
      try (IntVector orphan = new IntVector("orphan",
          new FieldType(true, new ArrowType.Int(32, true), new DictionaryEncoding(8, false, null)), allocator)) {
        orphan.setSafe(0, 0);
        orphan.setValueCount(1);
        assertThatThrownBy(() -> validate(orphan)).hasMessageContaining("column orphan: refers to a dictionary never sent");
      }
    }
  }

  private void validate(FieldVector vector) {
    validator.validate(new VectorSchemaRoot(List.of(vector)), dictionaries); // the test still owns the vector
  }

  private VarCharVector strings(String name, String... values) {
    VarCharVector vector = new VarCharVector(name, allocator);
    for (int i = 0; i < values.length; i++) {
      if (values[i] == null) {
        vector.setNull(i);
      } else {
        vector.setSafe(i, values[i].getBytes(StandardCharsets.UTF_8));
      }
    }
    vector.setValueCount(values.length);
    return vector;
  }

  private DecimalVector decimals(int precision, String... unscaled) {
    DecimalVector vector = new DecimalVector("d", allocator, precision, 0);
    vector.allocateNew(unscaled.length);
    for (int i = 0; i < unscaled.length; i++) {
      if (unscaled[i] == null) {
        vector.setNull(i);
      } else {
        // Written as raw 128-bit integers: DecimalVector.set would refuse the values that are out of precision.
        ArrowBuf data = vector.getDataBuffer();
        byte[] bigEndian = new BigDecimal(unscaled[i]).unscaledValue().toByteArray();
        byte[] littleEndian = new byte[DecimalVector.TYPE_WIDTH];
        byte sign = (byte) (bigEndian[0] < 0 ? -1 : 0);
        for (int b = 0; b < littleEndian.length; b++) {
          littleEndian[b] = b < bigEndian.length ? bigEndian[bigEndian.length - 1 - b] : sign;
        }
        data.setBytes((long) i * DecimalVector.TYPE_WIDTH, littleEndian);
        vector.setIndexDefined(i);
      }
    }
    vector.setValueCount(unscaled.length);
    return vector;
  }

  private static byte[] bytes(int... values) {
    byte[] bytes = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      bytes[i] = (byte) values[i];
    }
    return bytes;
  }

  private static boolean jdkAccepts(byte[] value) {
    try {
      StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(value));
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }
}
