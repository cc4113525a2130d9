package dev.bridge.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.arrow.flight.CallOption;
import org.apache.arrow.flight.FlightCallHeaders;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStatusCode;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.GetSessionOptionsRequest;
import org.apache.arrow.flight.HeaderCallOption;
import org.apache.arrow.flight.SessionOptionValueFactory;
import org.apache.arrow.flight.SetSessionOptionsRequest;
import org.apache.arrow.flight.SetSessionOptionsResult;
import org.apache.arrow.flight.sql.FlightSqlClient;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Result compression chosen by Java clients: the JDBC driver through a URL property (sent as the
 * {@code x-bridge-compression} header), Arrow's FlightSqlClient through a header or a session option. Each case checks
 * the rows the client read and, in the server's metrics, that the codec really ran.
 */
class CompressionTest {
  @RegisterExtension
  static final TestServer server = TestServer.perClass();
  private static final String QUERY = "SELECT i, md5(i::VARCHAR) AS h FROM range(200000) t(i)";
  private static final long SUM = 199_999L * 200_000L / 2;

  @Test
  void theJdbcDriverReadsGzipCompressedResults() throws Exception {
    double before = compressed("gzip", "before");
    double afterBefore = compressed("gzip", "after");
    assertThat(jdbcSum(server.jdbcUrl() + "&x-bridge-compression=gzip")).isEqualTo(SUM);
    double in = compressed("gzip", "before") - before;
    double out = compressed("gzip", "after") - afterBefore;
    assertThat(in).isGreaterThan(200_000 * 8);
    assertThat(out).isLessThan(in / 2);
  }

  @Test
  void theJdbcDriverReadsCatalogCommandsCompressed() throws Exception {
    double before = compressed("gzip", "before");
    try (Connection connection = DriverManager.getConnection(server.jdbcUrl() + "&x-bridge-compression=gzip");
         ResultSet tables = connection.getMetaData().getTables(null, null, "%", null)) {
      while (tables.next()) {
        assertThat(tables.getString("TABLE_NAME")).isNotNull();
      }
    }
    assertThat(compressed("gzip", "before")).isGreaterThan(before);
  }

  @Test
  void anUnknownCompressionIsInvalidArgumentNamingTheAcceptedOnes() throws Exception {
    assertThatThrownBy(() -> jdbcSum(server.jdbcUrl() + "&x-bridge-compression=brotli"))
        .isInstanceOf(SQLException.class)
        .hasStackTraceContaining("unknown compression 'brotli'; use zstd, lz4, gzip or none");
    try (BufferAllocator allocator = new RootAllocator();
         FlightSqlClient client = server.flightSqlClient(allocator)) {
      assertThatThrownBy(() -> client.execute("SELECT 1", header("Brotli")))
          .isInstanceOfSatisfying(FlightRuntimeException.class, e -> {
            assertThat(e.status().code()).isEqualTo(FlightStatusCode.INVALID_ARGUMENT);
            assertThat(e.getMessage()).contains("x-bridge-compression").contains("use zstd, lz4, gzip or none");
          });
    }
  }

  @Test
  void aFlightSqlClientWithArrowCompressionOnItsClasspathReadsZstdAndLz4() throws Exception {
    for (String codec : new String[] {"zstd", "lz4"}) {
      double before = compressed(codec, "before");
      double afterBefore = compressed(codec, "after");
      try (BufferAllocator allocator = new RootAllocator();
           FlightSqlClient client = server.flightSqlClient(allocator)) {
        assertThat(flightSum(client, header(codec))).isEqualTo(SUM);
      }
      double in = compressed(codec, "before") - before;
      double out = compressed(codec, "after") - afterBefore;
      assertThat(in).as(codec).isGreaterThan(200_000 * 8);
      assertThat(out).as(codec).isLessThan(in * 0.95);
    }
  }

  @Test
  void aSessionOptionChoosesTheCompressionOfTheSessionsLaterResults() throws Exception {
    try (BufferAllocator allocator = new RootAllocator();
         FlightSqlClient client = server.flightSqlClient(allocator)) {
      SetSessionOptionsResult set = client.setSessionOptions(new SetSessionOptionsRequest(Map.of(
          "x-bridge-compression", SessionOptionValueFactory.makeSessionOptionValue("gzip"))));
      assertThat(set.getErrors()).isEmpty();
      assertThat(client.getSessionOptions(new GetSessionOptionsRequest()).getSessionOptions())
          .containsKey("x-bridge-compression");
      double before = compressed("gzip", "before");
      assertThat(flightSum(client)).isEqualTo(SUM);
      assertThat(compressed("gzip", "before") - before).isGreaterThan(200_000 * 8);

      // A call's header beats the session's choice.
      double gzipBefore = compressed("gzip", "before");
      assertThat(flightSum(client, header("none"))).isEqualTo(SUM);
      assertThat(compressed("gzip", "before")).isEqualTo(gzipBefore);

      SetSessionOptionsResult bad = client.setSessionOptions(new SetSessionOptionsRequest(Map.of(
          "x-bridge-compression", SessionOptionValueFactory.makeSessionOptionValue("rar"))));
      assertThat(bad.getErrors()).containsKey("x-bridge-compression");
      assertThat(bad.getErrors().get("x-bridge-compression").value)
          .isEqualTo(SetSessionOptionsResult.ErrorValue.INVALID_VALUE);
    }
  }

  private static CallOption header(String codec) {
    FlightCallHeaders headers = new FlightCallHeaders();
    headers.insert("x-bridge-compression", codec);
    return new HeaderCallOption(headers);
  }

  private static long jdbcSum(String url) throws SQLException {
    try (Connection connection = DriverManager.getConnection(url);
         Statement statement = connection.createStatement();
         ResultSet rs = statement.executeQuery(QUERY)) {
      long sum = 0;
      while (rs.next()) {
        sum += rs.getLong(1);
        assertThat(rs.getString(2)).hasSize(32);
      }
      return sum;
    }
  }

  private static long flightSum(FlightSqlClient client, CallOption... options) throws Exception {
    FlightInfo info = client.execute(QUERY, options);
    long sum = 0;
    try (FlightStream stream = client.getStream(info.getEndpoints().get(0).getTicket(), options)) {
      while (stream.next()) {
        BigIntVector values = (BigIntVector) stream.getRoot().getVector(0);
        for (int i = 0; i < values.getValueCount(); i++) {
          sum += values.get(i);
        }
      }
    }
    return sum;
  }

  private static final Pattern NUMBER = Pattern.compile("(\\S+)$");

  /** {@code bridge_flight_compression_bytes_total} for a codec and stage (0 before any such stream). */
  private static double compressed(String codec, String stage) throws Exception {
    String line = "bridge_flight_compression_bytes_total{codec=\"" + codec + "\",stage=\"" + stage + "\"}";
    String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(server.httpUri("/metrics")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
    for (String sample : metrics.split("\n")) {
      if (sample.startsWith(line)) {
        Matcher value = NUMBER.matcher(sample);
        return value.find() ? Double.parseDouble(value.group(1)) : 0;
      }
    }
    return 0;
  }
}
