package dev.bridge.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * DuckDB's memory_limit and threads come from the configuration; gRPC metadata and messages may be large; the
 * standard gRPC health service answers on the Flight port.
 */
class ServerLimitsTest {
  @RegisterExtension
  static final TestServer server = TestServer.perClass(config -> config.withDatabase(
      config.database().withMemoryLimit("300MB").withThreads(3)));

  @Test
  void memoryLimitAndThreadsAreApplied() throws SQLException {
    try (Connection connection = DriverManager.getConnection(server.jdbcUrl());
         Statement statement = connection.createStatement();
         ResultSet rs = statement.executeQuery(
             "SELECT current_setting('memory_limit'), current_setting('threads')::INTEGER")) {
      assertThat(rs.next()).isTrue();
      // DuckDB reports the limit in MiB: 300 MB = 286.1 MiB.
      assertThat(rs.getString(1)).isEqualTo("286.1 MiB");
      assertThat(rs.getInt(2)).isEqualTo(3);
    }
  }

  /**
   * The JDBC driver sends every URL property it does not know as a gRPC header: 200 of 200 bytes each are 40 KB of
   * metadata, five times gRPC's default limit of 8 KiB.
   */
  @Test
  void aJdbcUrlWithManyUnknownPropertiesWorks() throws SQLException {
    StringBuilder url = new StringBuilder(server.jdbcUrl());
    for (int i = 0; i < 200; i++) {
      url.append("&x-custom-").append(i).append('=').append("v".repeat(200));
    }
    try (Connection connection = DriverManager.getConnection(url.toString())) {
      assertThat(TlsTest.firstLong(connection, "SELECT 11")).isEqualTo(11);
    }
  }

  /** A 20 MB parameter value travels in one message, beyond gRPC's default limit of 4 MiB. */
  @Test
  void aLargeMessageIsAccepted() throws SQLException {
    try (Connection connection = DriverManager.getConnection(server.jdbcUrl());
         java.sql.PreparedStatement statement = connection.prepareStatement("SELECT length(?)")) {
      statement.setString(1, "x".repeat(20_000_000));
      try (ResultSet rs = statement.executeQuery()) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getLong(1)).isEqualTo(20_000_000);
      }
    }
  }

  @Test
  void grpcHealthServiceAnswersServing() {
    assertThat(HealthProbe.plaintext(server.port())).isEqualTo(ServingStatus.SERVING);
  }
}
