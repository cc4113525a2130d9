package dev.bridge.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/**
 * One timed pass of another client, run between a benchmark's own passes so that each pair is measured moments
 * apart. On a shared machine whose speed drifts by a third within minutes, the ratio of two paths measured minutes
 * apart says more about the drift than about the paths; the median of paired ratios does not.
 *
 * <p>Configured by two system properties: {@code bench.pair}, a shell command that runs one pass and prints a
 * {@code RESULT} line whose JSON has {@code seconds} (scripts/bench_query.py with one run and no warm-up), and
 * {@code bench.pair.case}, the name of that path in the results.
 */
final class PairedRun {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String RESULT_PREFIX = "RESULT ";

  private final String command;
  private final String caseName;

  private PairedRun(String command, String caseName) {
    this.command = command;
    this.caseName = caseName;
  }

  /** The paired path the system properties name, if any. */
  static Optional<PairedRun> fromSystemProperties() {
    String command = System.getProperty("bench.pair", "");
    return command.isBlank() ? Optional.empty()
        : Optional.of(new PairedRun(command, System.getProperty("bench.pair.case", "paired")));
  }

  String caseName() {
    return caseName;
  }

  /** Runs one pass of the paired path and returns the seconds it reports. */
  double seconds() throws IOException, InterruptedException {
    Process process = new ProcessBuilder("sh", "-c", command)
        .redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    int exit = process.waitFor();
    if (exit != 0) {
      throw new IllegalStateException("the paired run `" + command + "` failed with exit code " + exit);
    }
    for (String line : output.split("\n")) {
      if (line.startsWith(RESULT_PREFIX)) {
        JsonNode result = JSON.readTree(line.substring(RESULT_PREFIX.length()));
        return result.path("seconds").asDouble();
      }
    }
    throw new IllegalStateException("the paired run `" + command + "` printed no RESULT line: " + output);
  }
}
