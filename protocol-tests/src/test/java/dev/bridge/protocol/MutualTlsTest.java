package dev.bridge.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.StatusRuntimeException;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStatusCode;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.sql.FlightSqlClient;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Mutual TLS: both ports require a client certificate signed by tls.client_ca_file and refuse a client without. */
class MutualTlsTest {
  static final DevCerts certs = DevCerts.generate();

  @RegisterExtension
  static final TestServer server = TestServer.perClass(config -> config.withTls(certs.serverTls(true)));

  private static String jdbcUrl(String properties) {
    return "jdbc:arrow-flight-sql://127.0.0.1:" + server.port() + "/?useEncryption=true&tlsRootCerts=" + certs.ca()
        + properties;
  }

  @Test
  void jdbcWithAClientCertificate() throws SQLException {
    String url = jdbcUrl("&clientCertificate=" + certs.clientCertificate() + "&clientKey=" + certs.clientKey());
    try (Connection connection = DriverManager.getConnection(url)) {
      assertThat(TlsTest.firstLong(connection, "SELECT 5")).isEqualTo(5);
    }
  }

  @Test
  void jdbcWithoutAClientCertificateIsRefused() {
    TlsTest.assertQueryRefused(jdbcUrl(""));
  }

  @Test
  void flightClientWithAClientCertificate() throws Exception {
    try (BufferAllocator allocator = new RootAllocator(); FlightSqlClient client = client(allocator, true)) {
      assertThat(client.executeUpdate("CREATE TABLE mutual AS SELECT 1 AS i")).isGreaterThanOrEqualTo(0);
    }
  }

  @Test
  void flightClientWithoutAClientCertificateIsRefused() throws Exception {
    try (BufferAllocator allocator = new RootAllocator(); FlightSqlClient client = client(allocator, false)) {
      assertThatThrownBy(() -> client.execute("SELECT 1"))
          .isInstanceOfSatisfying(FlightRuntimeException.class,
              e -> assertThat(e.status().code()).isEqualTo(FlightStatusCode.UNAVAILABLE));
    }
  }

  @Test
  void grpcHealthNeedsTheClientCertificateToo() throws Exception {
    assertThat(HealthProbe.tls(server.port(), certs, true)).isEqualTo(ServingStatus.SERVING);
    assertThatThrownBy(() -> HealthProbe.tls(server.port(), certs, false))
        .isInstanceOf(StatusRuntimeException.class).hasMessageContaining("UNAVAILABLE");
  }

  @Test
  void restWithAClientCertificate() throws Exception {
    HttpResponse<String> response = HttpClient.newBuilder().sslContext(certs.sslContext(true)).build()
        .send(query("SELECT 'mutual' AS m"), HttpResponse.BodyHandlers.ofString());
    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.body()).contains("[\"mutual\"]");
  }

  @Test
  void restWithoutAClientCertificateIsRefused() throws Exception {
    HttpClient client = HttpClient.newBuilder().sslContext(certs.sslContext(false)).build();
    assertThatThrownBy(() -> client.send(query("SELECT 1"), HttpResponse.BodyHandlers.ofString()))
        .isInstanceOf(IOException.class);
  }

  private static HttpRequest query(String sql) {
    String path = "/v1/query?sql=" + URLEncoder.encode(sql, StandardCharsets.UTF_8);
    return HttpRequest.newBuilder(TlsTest.httpsUri(server, path)).build();
  }

  private static FlightSqlClient client(BufferAllocator allocator, boolean withClientCertificate) throws IOException {
    FlightClient.Builder builder = FlightClient.builder(allocator, Location.forGrpcTls("127.0.0.1", server.port()));
    try (InputStream ca = Files.newInputStream(certs.ca())) {
      builder.trustedCertificates(ca);
      if (withClientCertificate) {
        try (InputStream cert = Files.newInputStream(certs.clientCertificate());
             InputStream key = Files.newInputStream(certs.clientKey())) {
          builder.clientCertificate(cert, key);
          return new FlightSqlClient(builder.build());
        }
      }
      return new FlightSqlClient(builder.build());
    }
  }
}
