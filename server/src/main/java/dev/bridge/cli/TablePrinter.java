package dev.bridge.cli;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Field;

/**
 * The result as an aligned table for people: every row is kept until the end, where the column widths are known.
 * NULL is printed as {@code NULL}; numbers are right-aligned.
 */
final class TablePrinter implements ResultPrinter {
  private static final String NULL = "NULL";

  private final PrintWriter out;
  private List<String> header;
  private List<Boolean> numeric;
  private final List<String[]> rows = new ArrayList<>();

  TablePrinter(PrintWriter out) {
    this.out = out;
  }

  @Override
  public void batch(VectorSchemaRoot root) {
    if (header == null) {
      header = root.getSchema().getFields().stream().map(Field::getName).toList();
      numeric = root.getSchema().getFields().stream().map(TablePrinter::isNumeric).toList();
    }
    List<FieldVector> vectors = root.getFieldVectors();
    for (int row = 0; row < root.getRowCount(); row++) {
      String[] cells = new String[vectors.size()];
      for (int column = 0; column < cells.length; column++) {
        String text = CellValues.text(vectors.get(column), row);
        cells[column] = text == null ? NULL : text.replace("\n", "\\n");
      }
      rows.add(cells);
    }
  }

  @Override
  public void end(long rowCount) {
    if (header == null) {
      out.println("(no columns)");
      out.flush();
      return;
    }
    int[] widths = new int[header.size()];
    for (int column = 0; column < widths.length; column++) {
      widths[column] = header.get(column).length();
      for (String[] row : rows) {
        widths[column] = Math.max(widths[column], row[column].length());
      }
    }
    line(header.toArray(String[]::new), widths, false);
    StringBuilder rule = new StringBuilder();
    for (int column = 0; column < widths.length; column++) {
      rule.append(column == 0 ? "" : "-+-").append("-".repeat(widths[column]));
    }
    out.println(rule);
    for (String[] row : rows) {
      line(row, widths, true);
    }
    out.println("(" + rowCount + (rowCount == 1 ? " row)" : " rows)"));
    out.flush();
  }

  private void line(String[] cells, int[] widths, boolean alignNumbers) {
    StringBuilder line = new StringBuilder();
    for (int column = 0; column < cells.length; column++) {
      line.append(column == 0 ? "" : " | ");
      String padding = " ".repeat(widths[column] - cells[column].length());
      if (alignNumbers && numeric.get(column)) {
        line.append(padding).append(cells[column]);
      } else {
        line.append(cells[column]).append(padding);
      }
    }
    out.println(line.toString().stripTrailing());
  }

  private static boolean isNumeric(Field field) {
    return switch (field.getType().getTypeID()) {
      case Int, FloatingPoint, Decimal -> true;
      default -> false;
    };
  }
}
