package dev.bridge.rest;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;

/**
 * Writes the value at one row of one Arrow column as generator events (a scalar, or an array / object for nested
 * types). The NDJSON writer drives it with a JSON generator, the CSV writer with a CSV generator: one mapping of
 * every type, written once. The mapping is documented in {@code docs/rest.md}.
 */
@FunctionalInterface
interface ValueWriter {
  void write(JsonGenerator out, int row) throws IOException;
}
