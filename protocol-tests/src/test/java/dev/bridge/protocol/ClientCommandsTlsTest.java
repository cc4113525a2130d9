package dev.bridge.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bridge.protocol.BridgeCli.Run;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@code bridge query} against a TLS server and a mutual-TLS server made with scripts/dev-certs. */
class ClientCommandsTlsTest {
  static final DevCerts certs = DevCerts.generate();

  @RegisterExtension
  static final TestServer tls = TestServer.perClass(config -> config.withTls(certs.serverTls(false)));

  @RegisterExtension
  static final TestServer mutual = TestServer.perClass(config -> config.withTls(certs.serverTls(true)));

  private static Run query(TestServer server, String... args) {
    return BridgeCli.against("grpc+tls://127.0.0.1:" + server.port(), "query", args);
  }

  @Test
  void theServersCaGivenWithTlsRootCerts() {
    Run run = query(tls, "--tls-root-certs", certs.ca().toString(), "--format", "csv", "SELECT 'tls' AS door");
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).isEqualTo("door\ntls\n");
  }

  @Test
  void anUntrustedServerCertificateFailsAndSaysWhy() {
    // Without --tls-root-certs the JVM's default trust store is used, which does not hold the dev CA.
    Run run = query(tls, "SELECT 1");
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).startsWith("bridge: cannot reach grpc+tls://127.0.0.1:" + tls.port()
        + ": its TLS certificate is not trusted (unable to find valid certification path")
        .contains("--tls-root-certs");
    assertThat(run.out()).isEmpty();
  }

  @Test
  void insecureSkipVerifyAcceptsAnyServerCertificate() {
    Run run = query(tls, "--insecure-skip-verify", "--format", "csv", "SELECT 1 AS one");
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).isEqualTo("one\n1\n");
  }

  @Test
  void mutualTlsWithAClientCertificateAndKey() {
    Run run = query(mutual, "--tls-root-certs", certs.ca().toString(), "--tls-cert",
        certs.clientCertificate().toString(), "--tls-key", certs.clientKey().toString(), "--format", "csv",
        "SELECT 'mutual' AS door");
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).isEqualTo("door\nmutual\n");
  }

  @Test
  void mutualTlsWithoutAClientCertificateIsRefused() {
    Run run = query(mutual, "--tls-root-certs", certs.ca().toString(), "SELECT 1");
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).startsWith("bridge: cannot reach grpc+tls://127.0.0.1:" + mutual.port());
  }
}
