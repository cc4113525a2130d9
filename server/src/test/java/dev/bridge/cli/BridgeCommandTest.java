package dev.bridge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

class BridgeCommandTest {
  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine commandLine = new CommandLine(new BridgeCommand());
    commandLine.setOut(new PrintWriter(out));
    commandLine.setErr(new PrintWriter(err));
    return commandLine.execute(args);
  }

  @Test
  void helpListsServeAndItsFlags() {
    assertThat(run("serve", "--help")).isZero();
    assertThat(out.toString()).contains("--config", "--database", "--host", "--port");
  }

  @Test
  void versionNamesBridge() {
    assertThat(run("--version")).isZero();
    assertThat(out.toString()).startsWith("bridge ");
  }

  @Test
  void anInvalidConfigurationStopsTheServerWithExitCode2(@TempDir Path directory) throws Exception {
    Path file = directory.resolve("bad.yaml");
    Files.writeString(file, "flight:\n  port: -1\n");
    assertThat(run("serve", "--config", file.toString())).isEqualTo(2);
  }

  @Test
  void aBadFlagIsAUsageError() {
    assertThat(run("serve", "--port", "many")).isEqualTo(2);
    assertThat(err.toString()).contains("--port");
  }
}
