package dev.bridge.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The machine-readable results file every bench step appends to: one JSON object per line with a {@code section}
 * (throughput, latency, concurrency, memory, ...), a {@code case} and the figures measured. {@link BenchReport}
 * turns it into docs/benchmarks.md and the charts. The file is named by the {@code bench.results} system property;
 * without it results only go to standard output. The {@code bench.case.suffix} property is appended to every case
 * name, e.g. {@code " (before)"} for a run against a baseline server.
 */
final class BenchResults {
  private static final ObjectMapper JSON = new ObjectMapper();

  private BenchResults() {}

  static void record(String section, String name, Map<String, Object> figures) throws IOException {
    Map<String, Object> line = new LinkedHashMap<>();
    line.put("section", section);
    line.put("case", name + System.getProperty("bench.case.suffix", ""));
    line.putAll(figures);
    String text = JSON.writeValueAsString(line);
    System.out.println("RESULT " + text);
    String file = System.getProperty("bench.results");
    if (file != null) {
      Files.writeString(Path.of(file), text + "\n", StandardCharsets.UTF_8, StandardOpenOption.CREATE,
          StandardOpenOption.APPEND);
    }
  }

  /** The median of {@code values}; sorts them. */
  static double median(double[] values) {
    Arrays.sort(values);
    int middle = values.length / 2;
    return values.length % 2 == 1 ? values[middle] : (values[middle - 1] + values[middle]) / 2;
  }

  /** The {@code percentile}-th (0-100) value of sorted {@code values}, nearest rank. */
  static double percentile(double[] sorted, double percentile) {
    int rank = (int) Math.ceil(percentile / 100.0 * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }
}
