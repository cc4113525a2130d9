package dev.bridge.cli;

import dev.bridge.auth.ListenPolicy;
import dev.bridge.config.BridgeConfig;
import dev.bridge.config.ConfigException;
import dev.bridge.config.ConfigLoader;
import dev.bridge.config.ConfigWatcher;
import dev.bridge.engine.EngineException;
import dev.bridge.server.BridgeServer;
import dev.bridge.server.LogbackSettings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
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

  @Option(names = "--log-config", paramLabel = "FILE",
      description = "Logback configuration file (default: logging.config, else conf/logback.xml when it exists, "
          + "else built-in).")
  private Path logConfig;

  @Option(names = "--insecure",
      description = "Allow listening on an address other than loopback without authentication.")
  private boolean insecure;

  @Override
  public Integer call() throws Exception {
    Path file = resolveConfigFile();
    BridgeConfig config;
    try {
      config = load(file);
      resolveLogConfig(config).ifPresent(LogbackSettings::load);
      ListenPolicy.check(config, insecure);
    } catch (ConfigException e) {
      System.err.println("bridge: invalid configuration: " + e.getMessage());
      return 2;
    }
    BridgeServer server;
    ConfigWatcher watcher = null;
    try {
      server = BridgeServer.start(config);
      if (file != null) {
        watcher = new ConfigWatcher(file, () -> load(file), config);
        server.applyEditsFrom(watcher);
        watcher.start();
      }
    } catch (ConfigException e) {
      System.err.println("bridge: invalid configuration: " + e.getMessage());
      return 2;
    } catch (EngineException | IOException e) {
      System.err.println("bridge: cannot start: " + e.getMessage());
      return 1;
    }
    CountDownLatch stopped = new CountDownLatch(1);
    ConfigWatcher startedWatcher = watcher;
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      if (startedWatcher != null) {
        startedWatcher.close();
      }
      server.close();
      // The query log is written asynchronously: its last lines are written out before the process exits.
      LogbackSettings.stop();
      stopped.countDown();
    }, "bridge-shutdown"));
    boolean tls = config.tls().enabled();
    String http = server.httpPort() < 0 ? "HTTP off"
        : "HTTP on " + (tls ? "https" : "http") + "://" + config.flight().host() + ":" + server.httpPort();
    System.out.printf("Bridge ready: Flight SQL on %s://%s:%d, %s, database %s%n", tls ? "grpc+tls" : "grpc",
        config.flight().host(), server.flightPort(), http, config.database().path());
    System.out.flush();
    stopped.await();
    return 0;
  }

  /** Reads and validates the file with the command line's overrides; also what a reload does. */
  private BridgeConfig load(Path file) {
    BridgeConfig config = applyFlags(new ConfigLoader().load(file));
    config.validate();
    return config;
  }

  private Optional<Path> resolveLogConfig(BridgeConfig config) {
    if (logConfig != null) {
      return Optional.of(logConfig);
    }
    if (!config.logging().config().isEmpty()) {
      return Optional.of(Path.of(config.logging().config()));
    }
    return Files.isRegularFile(LogbackSettings.DEFAULT_FILE)
        ? Optional.of(LogbackSettings.DEFAULT_FILE) : Optional.empty();
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
