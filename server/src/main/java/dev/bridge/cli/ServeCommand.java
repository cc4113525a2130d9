package dev.bridge.cli;

import dev.bridge.auth.ListenPolicy;
import dev.bridge.config.BridgeConfig;
import dev.bridge.config.ConfigException;
import dev.bridge.config.ConfigLoader;
import dev.bridge.engine.EngineException;
import dev.bridge.server.BridgeServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code bridge serve}: runs the server until SIGTERM or SIGINT. */
@Command(name = "serve", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    description = "Start the Flight SQL server.")
public final class ServeCommand implements Callable<Integer> {
  static final Path DEFAULT_CONFIG = Path.of("conf/bridge.yaml");

  @Option(names = "--config", paramLabel = "FILE",
      description = "Configuration file (default: conf/bridge.yaml when it exists, else built-in defaults).")
  private Path configFile;

  @Option(names = "--database", paramLabel = "PATH|:memory:",
      description = "DuckDB database file, or :memory: (default: data/bridge.duckdb).")
  private String database;

  @Option(names = "--host", paramLabel = "H", description = "Address to listen on (default: 127.0.0.1).")
  private String host;

  @Option(names = "--port", paramLabel = "N", description = "Flight SQL port (default: 31337; 0 picks a free one).")
  private Integer port;

  @Option(names = "--http-port", paramLabel = "N",
      description = "HTTP (REST) port (default: 31338; 0 picks a free one).")
  private Integer httpPort;

  @Option(names = "--no-http", description = "Do not start the HTTP (REST) listener.")
  private boolean noHttp;

  @Option(names = "--insecure",
      description = "Allow listening on an address other than loopback without authentication.")
  private boolean insecure;

  @Override
  public Integer call() throws Exception {
    BridgeConfig config;
    try {
      config = applyFlags(new ConfigLoader().load(resolveConfigFile()));
      config.validate();
      ListenPolicy.check(config, insecure);
    } catch (ConfigException e) {
      System.err.println("bridge: invalid configuration: " + e.getMessage());
      return 2;
    }
    BridgeServer server;
    try {
      server = BridgeServer.start(config);
    } catch (ConfigException e) {
      System.err.println("bridge: invalid configuration: " + e.getMessage());
      return 2;
    } catch (EngineException | java.io.IOException e) {
      System.err.println("bridge: cannot start: " + e.getMessage());
      return 1;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      server.close();
      stopped.countDown();
    }, "bridge-shutdown"));
    String http = server.httpPort() < 0 ? "HTTP off"
        : "HTTP on http://" + config.flight().host() + ":" + server.httpPort();
    System.out.printf("Bridge ready: Flight SQL on grpc://%s:%d, %s, database %s%n",
        config.flight().host(), server.flightPort(), http, config.database().path());
    System.out.flush();
    stopped.await();
    return 0;
  }

  private Path resolveConfigFile() {
    if (configFile != null) {
      return configFile;
    }
    return Files.isRegularFile(DEFAULT_CONFIG) ? DEFAULT_CONFIG : null;
  }

  private BridgeConfig applyFlags(BridgeConfig config) {
    BridgeConfig result = config;
    if (database != null) {
      result = result.withDatabase(result.database().withPath(database));
    }
    if (host != null) {
      result = result.withFlight(result.flight().withHost(host));
    }
    if (port != null) {
      result = result.withFlight(result.flight().withPort(port));
    }
    if (httpPort != null) {
      result = result.withHttp(result.http().withPort(httpPort));
    }
    if (noHttp) {
      result = result.withHttp(result.http().withEnabled(false));
    }
    return result;
  }
}
