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
  void listeningBeyondLoopbackWithoutAuthStopsWithExitCode2BeforeBinding() {
    assertThat(run("serve", "--database", ":memory:", "--host", "0.0.0.0")).isEqualTo(2);
  }

  @Test
  void hashPasswordReadsStandardInputAndPrintsAHashThatVerifies() {
    java.io.InputStream stdin = System.in;
    try {
      System.setIn(new java.io.ByteArrayInputStream("s3cret\n".getBytes(java.nio.charset.StandardCharsets.UTF_8)));
      assertThat(run("hash-password", "--cost", "4")).isZero();
    } finally {
      System.setIn(stdin);
    }
    String hash = out.toString().strip();
    assertThat(hash).startsWith("$2a$04$");
    assertThat(dev.bridge.auth.PasswordHasher.verify("s3cret".toCharArray(), hash)).isTrue();
  }

  @Test
  void hashPasswordRefusesEmptyInputAndABadCost() {
    java.io.InputStream stdin = System.in;
    try {
      System.setIn(new java.io.ByteArrayInputStream(new byte[0]));
      assertThat(run("hash-password")).isEqualTo(2);
    } finally {
      System.setIn(stdin);
    }
    assertThat(run("hash-password", "--cost", "99")).isEqualTo(2);
    assertThat(err.toString()).contains("--cost");
  }

  @Test
  void aBadFlagIsAUsageError() {
    assertThat(run("serve", "--port", "many")).isEqualTo(2);
    assertThat(err.toString()).contains("--port");
  }
}
