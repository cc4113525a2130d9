package dev.bridge.rest;

import dev.bridge.config.HttpConfig;
import dev.bridge.tls.ServerTls;
import java.io.IOException;
import java.util.Optional;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The Jetty server the HTTP door listens on: one HTTP/1.1 connector on the Flight host, HTTPS when TLS is on. */
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

  public static HttpTransport start(HttpConfig config, String host, Optional<ServerTls> tls, Handler handler)
      throws IOException {
    QueuedThreadPool threads = new QueuedThreadPool(MAX_THREADS);
    threads.setName("bridge-http");
    threads.setDaemon(true);
    Server server = new Server(threads);
    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    ServerConnector connector = tls.isPresent()
        ? new ServerConnector(server, new SslConnectionFactory(jettyTls(tls.get()), HttpVersion.HTTP_1_1.asString()),
            new HttpConnectionFactory(secure(http)))
        : new ServerConnector(server, new HttpConnectionFactory(http));
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

  private static SslContextFactory.Server jettyTls(ServerTls tls) {
    SslContextFactory.Server factory = new SslContextFactory.Server();
    factory.setSslContext(tls.jdkContext());
    factory.setNeedClientAuth(tls.clientCertificateRequired());
    return factory;
  }

  /**
   * Marks requests as https. The host check is off: it compares the Host header with a certificate Jetty loaded
   * itself from a keystore, and this certificate comes from PEM files through a ready SSLContext.
   */
  private static HttpConfiguration secure(HttpConfiguration http) {
    SecureRequestCustomizer customizer = new SecureRequestCustomizer();
    customizer.setSniHostCheck(false);
    http.addCustomizer(customizer);
    return http;
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
