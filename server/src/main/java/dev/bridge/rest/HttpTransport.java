package dev.bridge.rest;

import dev.bridge.config.HttpConfig;
import java.io.IOException;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The Jetty server the HTTP door listens on: one HTTP/1.1 connector on the Flight host. */
public final class HttpTransport {
  private static final Logger log = LoggerFactory.getLogger(HttpTransport.class);
  private static final int MAX_THREADS = 200;
  // A query may compute for minutes before its first batch, with nothing sent in between.
  private static final long IDLE_TIMEOUT_MILLIS = 30 * 60 * 1000L;
  private static final long STOP_TIMEOUT_MILLIS = 5_000;

  private final Server server;
  private final ServerConnector connector;

  private HttpTransport(Server server, ServerConnector connector) {
    this.server = server;
    this.connector = connector;
  }

  public static HttpTransport start(HttpConfig config, String host, Handler handler) throws IOException {
    QueuedThreadPool threads = new QueuedThreadPool(MAX_THREADS);
    threads.setName("bridge-http");
    threads.setDaemon(true);
    Server server = new Server(threads);
    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    ServerConnector connector = new ServerConnector(server, new HttpConnectionFactory(http));
    connector.setHost(host);
    connector.setPort(config.port());
    connector.setIdleTimeout(IDLE_TIMEOUT_MILLIS);
    server.addConnector(connector);
    server.setHandler(handler);
    server.setStopTimeout(STOP_TIMEOUT_MILLIS);
    try {
      server.start();
    } catch (Exception e) {
      stopQuietly(server);
      throw new IOException("cannot start the HTTP listener on " + host + ":" + config.port() + ": " + e.getMessage(),
          e);
    }
    return new HttpTransport(server, connector);
  }

  public int port() {
    return connector.getLocalPort();
  }

  public void stop() {
    stopQuietly(server);
  }

  private static void stopQuietly(Server server) {
    try {
      server.stop();
    } catch (Exception e) {
      log.warn("stopping the HTTP listener failed: {}", e.getMessage());
    }
  }
}
