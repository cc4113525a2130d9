package dev.bridge.cli;

import java.io.IOException;
import org.apache.arrow.vector.VectorSchemaRoot;

/** Writes a query result, batch by batch, in one of {@code bridge query}'s formats. */
interface ResultPrinter {
  void batch(VectorSchemaRoot root) throws IOException;

  /** The result ended; {@code rows} were printed. */
  void end(long rows) throws IOException;
}
