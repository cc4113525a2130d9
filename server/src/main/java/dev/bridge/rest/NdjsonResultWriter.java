package dev.bridge.rest;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonFactoryBuilder;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.StreamWriteFeature;
import dev.bridge.engine.DuckDbTypeNames;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Field;

/**
 * Newline-delimited JSON: a {@code metadata} line with the columns, {@code data} lines of up to one batch of rows
 * (each row an array in column order), and an {@code end} line with the row count, or an {@code error} line.
 */
final class NdjsonResultWriter implements ResultWriter {
  static final JsonFactory FACTORY = new JsonFactoryBuilder()
      .rootValueSeparator((String) null)
      .enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN)
      .disable(StreamWriteFeature.AUTO_CLOSE_TARGET)
      .build();

  private final JsonGenerator out;

  NdjsonResultWriter(OutputStream body) throws IOException {
    this.out = FACTORY.createGenerator(body);
  }

  @Override
  public void start(VectorSchemaRoot root) throws IOException {
    out.writeStartObject();
    out.writeStringField("type", "metadata");
    out.writeArrayFieldStart("columns");
    for (Field field : root.getSchema().getFields()) {
      out.writeStartObject();
      out.writeStringField("name", field.getName());
      out.writeStringField("type", DuckDbTypeNames.describe(field));
      out.writeEndObject();
    }
    out.writeEndArray();
    endLine();
  }

  @Override
  public void batch(VectorSchemaRoot root) throws IOException {
    List<FieldVector> vectors = root.getFieldVectors();
    ValueWriter[] columns = new ValueWriter[vectors.size()];
    for (int i = 0; i < columns.length; i++) {
      columns[i] = ValueWriters.of(vectors.get(i));
    }
    int rowCount = root.getRowCount();
    out.writeStartObject();
    out.writeStringField("type", "data");
    out.writeArrayFieldStart("rows");
    for (int row = 0; row < rowCount; row++) {
      out.writeStartArray();
      for (ValueWriter column : columns) {
        column.write(out, row);
      }
      out.writeEndArray();
    }
    out.writeEndArray();
    endLine();
  }

  @Override
  public void end(long rows, long elapsedMillis) throws IOException {
    out.writeStartObject();
    out.writeStringField("type", "end");
    out.writeNumberField("rows", rows);
    out.writeNumberField("elapsed_ms", elapsedMillis);
    endLine();
  }

  @Override
  public boolean error(String message) throws IOException {
    out.writeStartObject();
    out.writeStringField("type", "error");
    out.writeStringField("message", message);
    endLine();
    return true;
  }

  private void endLine() throws IOException {
    out.writeEndObject();
    out.writeRaw('\n');
    out.flush();
  }

  @Override
  public void close() throws IOException {
    out.close();
  }
}
