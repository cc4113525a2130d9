package dev.bridge.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.Writer;
import java.util.List;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;

/** The result as JSON lines: one object per row, keyed by column name, in column order. */
final class JsonLinesPrinter implements ResultPrinter {
  private final Writer out;
  private final ObjectMapper mapper = new ObjectMapper().disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);

  JsonLinesPrinter(Writer out) {
    this.out = out;
  }

  @Override
  public void batch(VectorSchemaRoot root) throws IOException {
    List<FieldVector> vectors = root.getFieldVectors();
    for (int row = 0; row < root.getRowCount(); row++) {
      try (JsonGenerator json = mapper.createGenerator(out)) {
        json.writeStartObject();
        for (FieldVector vector : vectors) {
          json.writeFieldName(vector.getName());
          json.writeObject(CellValues.json(vector, row));
        }
        json.writeEndObject();
      }
      out.write('\n');
    }
  }

  @Override
  public void end(long rows) throws IOException {
    out.flush();
  }
}
