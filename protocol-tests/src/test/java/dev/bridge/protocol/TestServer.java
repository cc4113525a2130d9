package dev.bridge.protocol;

import dev.bridge.config.BridgeConfig;
import dev.bridge.config.DatabaseConfig;
import dev.bridge.config.FlightConfig;
import dev.bridge.config.HttpConfig;
import dev.bridge.server.BridgeServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.apache.arrow.adbc.core.AdbcDatabase;
import org.apache.arrow.adbc.core.AdbcException;
import org.apache.arrow.adbc.driver.flightsql.FlightSqlDriver;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.sql.FlightSqlClient;
import org.apache.arrow.memory.BufferAllocator;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real Bridge server on 127.0.0.1 with free ports. For one test class:
 * {@code @RegisterExtension static final TestServer server = TestServer.perClass();} starts it before the class's
 * tests (and its own {@code @BeforeAll} methods) and stops it after them.
 */
public final class TestServer implements AutoCloseable, BeforeAllCallback, AfterAllCallback {
  private final String databasePath;
  private final UnaryOperator<BridgeConfig> customization;
  private BridgeServer server;

  private TestServer(String databasePath) {
    this(databasePath, UnaryOperator.identity());
  }

  private TestServer(String databasePath, UnaryOperator<BridgeConfig> customization) {
    this.databasePath = databasePath;
    this.customization = customization;
  }

  /** A server on an in-memory database with its configuration changed by {@code customization}, per test class. */
  public static TestServer perClass(UnaryOperator<BridgeConfig> customization) {
    return new TestServer(DatabaseConfig.IN_MEMORY, customization);
  }

  /** A server on an in-memory database with its configuration changed by {@code customization}, started now. */
  public static TestServer start(UnaryOperator<BridgeConfig> customization) {
    TestServer testServer = new TestServer(DatabaseConfig.IN_MEMORY, customization);
    testServer.startServer();
    return testServer;
  }

  /** A server on an in-memory database, started and stopped around one test class. */
  public static TestServer perClass() {
    return new TestServer(DatabaseConfig.IN_MEMORY);
  }

  /** A server on an in-memory database, started now; the caller closes it. */
  public static TestServer start() {
    return startNow(DatabaseConfig.IN_MEMORY);
  }

  /** A server on the database file {@code path}, started now; the caller closes it. */
  public static TestServer start(Path path) {
    return startNow(path.toString());
  }

  private static TestServer startNow(String databasePath) {
    TestServer testServer = new TestServer(databasePath);
    testServer.startServer();
    return testServer;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    startServer();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    close();
  }

  private void startServer() {
    BridgeConfig config = customization.apply(BridgeConfig.defaults()
        .withFlight(FlightConfig.DEFAULT.withHost("127.0.0.1").withPort(0))
        .withDatabase(DatabaseConfig.DEFAULT.withPath(databasePath))
        .withHttp(HttpConfig.DEFAULT.withPort(0)));
    try {
      server = BridgeServer.start(config);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  public int port() {
    return server.flightPort();
  }

  public String grpcUri() {
    return "grpc://127.0.0.1:" + port();
  }

  /** The URL the Flight SQL JDBC driver takes. */
  public String jdbcUrl() {
    return "jdbc:arrow-flight-sql://127.0.0.1:" + port() + "/?useEncryption=false";
  }

  /** The HTTP (REST) door's port. */
  public int httpPort() {
    return server.httpPort();
  }

  /** {@code http://127.0.0.1:port} followed by {@code path}. */
  public java.net.URI httpUri(String path) {
    return java.net.URI.create("http://127.0.0.1:" + httpPort() + path);
  }

  /** A plain Flight client of this server over loopback. */
  public FlightClient flightClient(BufferAllocator allocator) {
    return FlightClient.builder(allocator, Location.forGrpcInsecure("127.0.0.1", port())).build();
  }

  /** Arrow's Flight SQL client of this server. */
  public FlightSqlClient flightSqlClient(BufferAllocator allocator) {
    return new FlightSqlClient(flightClient(allocator));
  }

  /** A Java ADBC Flight SQL database of this server. */
  public AdbcDatabase adbcDatabase(BufferAllocator allocator) throws AdbcException {
    Map<String, Object> parameters = new HashMap<>();
    FlightSqlDriver.PARAM_URI.set(parameters, grpcUri());
    return new FlightSqlDriver(allocator).open(parameters);
  }

  public BridgeServer server() {
    return server;
  }

  @Override
  public void close() {
    server.close();
  }
}
