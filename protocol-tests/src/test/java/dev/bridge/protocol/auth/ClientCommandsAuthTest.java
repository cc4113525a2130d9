package dev.bridge.protocol.auth;

import static dev.bridge.protocol.auth.AuthFixture.ADMIN;
import static dev.bridge.protocol.auth.AuthFixture.READER;
import static dev.bridge.protocol.auth.AuthFixture.WRITER;
import static dev.bridge.protocol.auth.AuthFixture.password;
import static org.assertj.core.api.Assertions.assertThat;

import dev.bridge.cli.BridgeCommand;
import dev.bridge.protocol.BridgeCli;
import dev.bridge.protocol.BridgeCli.Run;
import dev.bridge.protocol.TestServer;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@code bridge query} and {@code bridge ingest} against a server with authentication on. */
class ClientCommandsAuthTest {
  @RegisterExtension
  static final TestServer server = TestServer.perClass(AuthFixture::enable);

  @TempDir
  Path directory;

  private static Run query(String... args) {
    return BridgeCli.against(server.grpcUri(), "query", args);
  }

  private static Run ingest(String... args) {
    return BridgeCli.against(server.grpcUri(), "ingest", args);
  }

  @Test
  void userAndPasswordLogInThroughTheHandshake() {
    Run run = query("--user", READER, "--password", password(READER), "--format", "csv", "SELECT 42 AS answer");
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).isEqualTo("answer\n42\n");
  }

  @Test
  void thePasswordCanComeFromBridgePassword() throws Exception {
    // The environment of this JVM cannot be changed: run the command in a child JVM with the variable set.
    ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "--add-opens=java.base/java.nio=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
        BridgeCommand.class.getName(), "query", "--url", server.grpcUri(), "--user", WRITER, "--format", "csv",
        "SELECT 'from env' AS source").redirectErrorStream(true);
    builder.environment().put("BRIDGE_PASSWORD", password(WRITER));
    builder.environment().remove("BRIDGE_TOKEN");
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(output).isZero();
    assertThat(output).endsWith("source\nfrom env\n");
  }

  @Test
  void aBearerTokenIsAccepted() {
    String token = AuthFixture.serverToken(ADMIN, AuthFixture.inAnHour(), AuthFixture.SIGNING_KEY);
    Run run = query("--token", token, "--format", "csv", "SELECT current_user IS NOT NULL AS ok");
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).isEqualTo("ok\ntrue\n");
  }

  @Test
  void aWrongPasswordExitsNonZeroWithTheReason() {
    Run run = query("--user", READER, "--password", "not-it", "SELECT 1");
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).isEqualTo("bridge: not authenticated: wrong user name or password\n");
    assertThat(run.out()).isEmpty();
  }

  @Test
  void noCredentialsOrABadTokenExitNonZero() {
    Run none = query("SELECT 1");
    assertThat(none.exitCode()).isEqualTo(1);
    assertThat(none.err()).startsWith("bridge: not authenticated: authentication is required");
    String expired = AuthFixture.serverToken(READER, AuthFixture.aMinuteAgo(), AuthFixture.SIGNING_KEY);
    Run stale = query("--token", expired, "SELECT 1");
    assertThat(stale.exitCode()).isEqualTo(1);
    assertThat(stale.err()).startsWith("bridge: not authenticated:").contains("expired");
  }

  @Test
  void aReaderIsRefusedIngestAndAWriterIsNot() throws IOException {
    Path csv = Files.writeString(directory.resolve("rows.csv"), "id,name\n1,a\n2,b\n");
    Run refused = ingest("--user", READER, "--password", password(READER), "--table", "cli_auth_rows",
        csv.toString());
    assertThat(refused.exitCode()).isEqualTo(1);
    assertThat(refused.err()).startsWith("bridge: the server refused (PERMISSION_DENIED)").contains(READER);
    Run loaded = ingest("--user", WRITER, "--password", password(WRITER), "--table", "cli_auth_rows",
        csv.toString());
    assertThat(loaded.exitCode()).as(loaded.err()).isZero();
    assertThat(loaded.out()).contains("Loaded 2 rows into cli_auth_rows");
    Run check = query("--user", READER, "--password", password(READER), "--format", "csv",
        "SELECT count(*) AS n FROM cli_auth_rows");
    assertThat(check.out()).isEqualTo("n\n2\n");
  }
}
