package dev.bridge.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStatusCode;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.sql.FlightSqlClient;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** TLS without client certificates on both ports: the JDBC driver, Arrow's Flight client, gRPC health, HTTPS. */
class TlsTest {
  static final DevCerts certs = DevCerts.generate();

  @RegisterExtension
  static final TestServer server = TestServer.perClass(config -> config.withTls(certs.serverTls(false)));

  private static String jdbcUrl(String properties) {
    return "jdbc:arrow-flight-sql://127.0.0.1:" + server.port() + "/?" + properties;
  }

  static long firstLong(Connection connection, String sql) throws SQLException {
    try (Statement statement = connection.createStatement(); ResultSet rs = statement.executeQuery(sql)) {
      assertThat(rs.next()).isTrue();
      return rs.getLong(1);
    }
  }

  @Test
  void jdbcWithATrustStore() throws SQLException {
    String url = jdbcUrl("useEncryption=true&useSystemTrustStore=false&trustStore=" + certs.trustStore()
        + "&trustStorePassword=" + DevCerts.PASSWORD);
    try (Connection connection = DriverManager.getConnection(url)) {
      assertThat(firstLong(connection, "SELECT 42")).isEqualTo(42);
    }
  }

  @Test
  void jdbcWithThePemRootCertificate() throws SQLException {
    String url = jdbcUrl("useEncryption=true&tlsRootCerts=" + certs.ca());
    try (Connection connection = DriverManager.getConnection(url)) {
      assertThat(firstLong(connection, "SELECT 7")).isEqualTo(7);
    }
  }

  @Test
  void jdbcWithoutCertificateVerification() throws SQLException {
    String url = jdbcUrl("useEncryption=true&disableCertificateVerification=true");
    try (Connection connection = DriverManager.getConnection(url)) {
      assertThat(firstLong(connection, "SELECT count(*) FROM range(1000)")).isEqualTo(1000);
    }
  }

  @Test
  void jdbcThatDoesNotTrustTheCertificateIsRefused() {
    assertQueryRefused(jdbcUrl("useEncryption=true&useSystemTrustStore=true"));
  }

  @Test
  void jdbcWithoutEncryptionIsRefused() {
    assertQueryRefused(jdbcUrl("useEncryption=false"));
  }

  /** The driver connects lazily: the refusal shows on the first statement. */
  static void assertQueryRefused(String url) {
    assertThatThrownBy(() -> {
      try (Connection connection = DriverManager.getConnection(url)) {
        firstLong(connection, "SELECT 1");
      }
    }).isInstanceOf(SQLException.class);
  }

  @Test
  void flightSqlClientOverTls() throws Exception {
    try (BufferAllocator allocator = new RootAllocator(); InputStream ca = Files.newInputStream(certs.ca());
         FlightSqlClient client = new FlightSqlClient(FlightClient.builder(allocator,
             Location.forGrpcTls("127.0.0.1", server.port())).trustedCertificates(ca).build())) {
      FlightInfo info = client.execute("SELECT 'secret' AS s");
      try (FlightStream stream = client.getStream(info.getEndpoints().get(0).getTicket())) {
        assertThat(stream.next()).isTrue();
        assertThat(stream.getRoot().getVector(0).getObject(0).toString()).isEqualTo("secret");
      }
    }
  }

  @Test
  void plaintextFlightClientIsRefused() {
    try (BufferAllocator allocator = new RootAllocator();
         FlightSqlClient client = server.flightSqlClient(allocator)) {
      assertThatThrownBy(() -> client.execute("SELECT 1"))
          .isInstanceOfSatisfying(FlightRuntimeException.class,
              e -> assertThat(e.status().code()).isEqualTo(FlightStatusCode.UNAVAILABLE));
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Test
  void aFailedHandshakeDoesNotHoldUpShutdown() throws Exception {
    TestServer own = TestServer.start(config -> config.withTls(certs.serverTls(false)));
    try (BufferAllocator allocator = new RootAllocator(); FlightSqlClient client = own.flightSqlClient(allocator)) {
      assertThatThrownBy(() -> client.execute("SELECT 1")).isInstanceOf(FlightRuntimeException.class);
    }
    long start = System.nanoTime();
    own.close();
    // The grace period is 10 s; a connection whose handshake failed used to be waited for until it ran out.
    assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
  }

  @Test
  void grpcHealthServiceOverTls() throws Exception {
    assertThat(HealthProbe.tls(server.port(), certs, false)).isEqualTo(ServingStatus.SERVING);
  }

  @Test
  void restOverHttpsWithTheSameFiles() throws Exception {
    HttpClient client = HttpClient.newBuilder().sslContext(certs.sslContext(false)).build();
    HttpResponse<String> response = client.send(HttpRequest.newBuilder(httpsUri(server, "/v1/query?sql="
        + URLEncoder.encode("SELECT 40 + 2 AS answer", StandardCharsets.UTF_8))).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).contains("[42]");
  }

  @Test
  void plainHttpOnTheHttpsPortGetsNoAnswer() {
    HttpClient client = HttpClient.newHttpClient();
    URI plain = URI.create("http://127.0.0.1:" + server.httpPort() + "/health");
    assertThatThrownBy(() -> {
      HttpResponse<String> response = client.send(HttpRequest.newBuilder(plain).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).isNotEqualTo(200);
    }).isInstanceOf(IOException.class);
  }

  static URI httpsUri(TestServer tlsServer, String path) {
    return URI.create("https://127.0.0.1:" + tlsServer.httpPort() + path);
  }
}
