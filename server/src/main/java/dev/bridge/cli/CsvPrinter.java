package dev.bridge.cli;

import com.fasterxml.jackson.databind.SequenceWriter;
import com.fasterxml.jackson.dataformat.csv.CsvGenerator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.IOException;
import java.io.Writer;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Field;

/** The result as CSV with a header line (RFC 4180 quoting by Jackson); NULL is an empty field. */
final class CsvPrinter implements ResultPrinter {
  private final Writer out;
  private SequenceWriter csv;

  CsvPrinter(Writer out) {
    this.out = out;
  }

  @Override
  public void batch(VectorSchemaRoot root) throws IOException {
    if (csv == null) {
      CsvSchema.Builder schema = CsvSchema.builder().setUseHeader(true);
      root.getSchema().getFields().stream().map(Field::getName).forEach(schema::addColumn);
      // Strict checking quotes only what RFC 4180 needs quoted (not every value with a space).
      csv = new CsvMapper().enable(CsvGenerator.Feature.STRICT_CHECK_FOR_QUOTING).writer(schema.build())
          .writeValues(out);
    }
    List<FieldVector> vectors = root.getFieldVectors();
    for (int row = 0; row < root.getRowCount(); row++) {
      List<String> cells = new ArrayList<>(vectors.size());
      for (FieldVector vector : vectors) {
        cells.add(CellValues.text(vector, row));
      }
      csv.write(cells);
    }
  }

  @Override
  public void end(long rows) throws IOException {
    if (csv != null) {
      csv.flush();
    }
    out.flush();
  }
}
