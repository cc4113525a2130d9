package dev.bridge.rest;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteFeature;
import com.fasterxml.jackson.dataformat.csv.CsvFactory;
import com.fasterxml.jackson.dataformat.csv.CsvGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.io.OutputStream;
import java.util.List;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Field;

/**
 * RFC 4180 CSV with a header line of column names. Scalars are written as in NDJSON (numbers with every digit,
 * ISO 8601 times, base64 binary); a nested value (list, struct, map, interval) is one field
 * holding its JSON text. NULL is an empty field, an empty
 * string is {@code ""}. CSV has no way to carry an error, so a failure after the header cuts the response off.
 */
final class CsvResultWriter implements ResultWriter {
  private static final CsvFactory FACTORY = CsvFactory.builder()
      // An empty string is written "", so that an empty unquoted field means NULL.
      .enable(CsvGenerator.Feature.ALWAYS_QUOTE_EMPTY_STRINGS)
      .enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN)
      .disable(StreamWriteFeature.AUTO_CLOSE_TARGET)
      .build();

  private final CsvGenerator out;

  CsvResultWriter(OutputStream body) throws IOException {
    this.out = FACTORY.createGenerator(body);
  }

  @Override
  public void start(VectorSchemaRoot root) throws IOException {
    out.writeStartArray();
    for (Field field : root.getSchema().getFields()) {
      out.writeString(field.getName());
    }
    out.writeEndArray();
    out.flush();
  }

  @Override
  public void batch(VectorSchemaRoot root) throws IOException {
    List<FieldVector> vectors = root.getFieldVectors();
    ValueWriter[] columns = new ValueWriter[vectors.size()];
    for (int i = 0; i < columns.length; i++) {
      FieldVector vector = vectors.get(i);
      ValueWriter value = ValueWriters.of(vector);
      ValueWriter field = ValueWriters.isStructured(vector.getField()) ? asJsonText(value) : value;
      // The CSV generator drops nulls inside a row, so NULL is written as an empty raw field.
      columns[i] = (out, row) -> {
        if (vector.isNull(row)) {
          out.writeRawValue("");
        } else {
          field.write(out, row);
        }
      };
    }
    int rowCount = root.getRowCount();
    for (int row = 0; row < rowCount; row++) {
      out.writeStartArray();
      for (ValueWriter column : columns) {
        column.write(out, row);
      }
      out.writeEndArray();
    }
    out.flush();
  }

  /** A nested value becomes one CSV field: its JSON text, rendered by the same writer into a scratch buffer. */
  private static ValueWriter asJsonText(ValueWriter writer) {
    return (out, row) -> {
      ByteArrayOutputStream text = new ByteArrayOutputStream();
      try (JsonGenerator json = NdjsonResultWriter.FACTORY.createGenerator(text)) {
        writer.write(json, row);
      }
      out.writeString(text.toString(StandardCharsets.UTF_8));
    };
  }

  @Override
  public void end(long rows, long elapsedMillis) throws IOException {
    out.flush();
  }

  @Override
  public boolean error(String message) {
    return false;
  }

  @Override
  public void close() throws IOException {
    out.close();
  }
}
