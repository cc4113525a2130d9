package dev.bridge.protocol;

import org.apache.arrow.flight.sql.FlightSqlClient;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Arrow Java's FlightSqlClient of a {@link TestServer}, on an allocator of its own that is closed after it: closing
 * the allocator fails the test when a buffer the client received was never released.
 *
 * <p>Per test (a fresh session for each): {@code @RegisterExtension final FlightSqlClientFixture sql =
 * FlightSqlClientFixture.perTest(server);}. For a class whose tests share one client, registered on a static field
 * after the server's: {@code FlightSqlClientFixture.perClass(server)}. Either is connected before the class's own
 * {@code @BeforeEach} (or {@code @BeforeAll}) methods run and closed after its {@code @AfterEach} ({@code @AfterAll}).
 */
public final class FlightSqlClientFixture
    implements BeforeEachCallback, AfterEachCallback, BeforeAllCallback, AfterAllCallback {
  private final TestServer server;
  private final boolean perClass;
  private BufferAllocator allocator;
  private FlightSqlClient client;

  private FlightSqlClientFixture(TestServer server, boolean perClass) {
    this.server = server;
    this.perClass = perClass;
  }

  /** A client connected before each test and closed after it. */
  public static FlightSqlClientFixture perTest(TestServer server) {
    return new FlightSqlClientFixture(server, false);
  }

  /** A client connected before the class's tests and closed after them. */
  public static FlightSqlClientFixture perClass(TestServer server) {
    return new FlightSqlClientFixture(server, true);
  }

  public FlightSqlClient client() {
    return client;
  }

  /** The client's allocator, for the vectors a test sends (ingest, parameters). */
  public BufferAllocator allocator() {
    return allocator;
  }

  @Override
  public void beforeAll(ExtensionContext context) {
    if (perClass) {
      connect();
    }
  }

  @Override
  public void afterAll(ExtensionContext context) throws Exception {
    if (perClass) {
      disconnect();
    }
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    if (!perClass) {
      connect();
    }
  }

  @Override
  public void afterEach(ExtensionContext context) throws Exception {
    if (!perClass) {
      disconnect();
    }
  }

  private void connect() {
    allocator = new RootAllocator();
    client = server.flightSqlClient(allocator);
  }

  private void disconnect() throws Exception {
    try {
      client.close();
    } finally {
      allocator.close();
    }
  }
}
