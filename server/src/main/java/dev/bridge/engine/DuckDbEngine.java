package dev.bridge.engine;

import dev.bridge.config.DatabaseConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Properties;
import org.duckdb.DuckDBConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one DuckDB database of a server. Sessions get their own connections from it; closing it checkpoints the file
 * so that a restart replays no WAL.
 */
public final class DuckDbEngine implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DuckDbEngine.class);

  private final DatabaseConfig config;
  private final DuckDBConnection root;
  private final DataVersions dataVersions = new DataVersions();
  private volatile CatalogRefresher catalogRefresher = CatalogRefresher.NONE;

  private DuckDbEngine(DatabaseConfig config, DuckDBConnection root) {
    this.config = config;
    this.root = root;
  }

  public static DuckDbEngine open(DatabaseConfig config) {
    String url = "jdbc:duckdb:" + (config.inMemory() ? "" : prepareDatabaseFile(config.path()));
    Properties properties = new Properties();
    // These machines (and many production hosts) have no route to DuckDB's extension repository: every attempt
    // to auto-install costs seconds. The bundled parquet, json and icu extensions are built in.
    properties.setProperty("autoinstall_known_extensions", "false");
    properties.setProperty("autoload_known_extensions", "false");
    // Results are fetched chunk by chunk as the client reads them; nothing is materialised whole.
    properties.setProperty("jdbc_stream_results", "true");
    if (config.threads() > 0) {
      properties.setProperty("threads", Integer.toString(config.threads()));
    }
    if (!config.memoryLimit().isEmpty()) {
      properties.setProperty("memory_limit", config.memoryLimit());
    }
    try {
      DuckDBConnection root = (DuckDBConnection) DriverManager.getConnection(url, properties);
      try {
        DuckDbLockdown.apply(root, config);
      } catch (SQLException e) {
        root.close();
        throw e;
      }
      return new DuckDbEngine(config, root);
    } catch (SQLException e) {
      throw new EngineException(ErrorKind.INTERNAL, "cannot open DuckDB database " + config.path() + ": "
          + e.getMessage(), e);
    }
  }

  private static String prepareDatabaseFile(String path) {
    Path parent = Path.of(path).toAbsolutePath().getParent();
    try {
      if (parent != null) {
        Files.createDirectories(parent);
      }
    } catch (IOException e) {
      throw new EngineException(ErrorKind.INTERNAL, "cannot create the database directory " + parent, e);
    }
    return path;
  }

  /** A new connection to this database; the caller owns it. */
  public DuckDBConnection connect() {
    try {
      return root.duplicate();
    } catch (SQLException e) {
      throw DuckDbErrors.translate(e);
    }
  }

  /** Runs {@code refresher} before every statement and metadata read of every session. */
  public void useCatalogRefresher(CatalogRefresher refresher) {
    this.catalogRefresher = refresher;
  }

  void refreshCatalog() {
    catalogRefresher.refresh();
  }

  /** See {@link CatalogRefresher#mirrorsFiles}. */
  boolean mirrorsFiles(TableName view) {
    return catalogRefresher.mirrorsFiles(view);
  }

  /** See {@link CatalogRefresher#refreshFully}. */
  void refreshFully(java.util.Collection<TableName> views) {
    if (!views.isEmpty()) {
      catalogRefresher.refreshFully(views);
    }
  }

  /** The data version of every table of this database: what committed writes moved. */
  public DataVersions dataVersions() {
    return dataVersions;
  }

  public DatabaseConfig config() {
    return config;
  }

  /** Asks DuckDB a trivial question: the engine is alive when this returns without throwing. */
  public void ping() {
    try (DuckDBConnection connection = connect(); Statement statement = connection.createStatement()) {
      statement.execute("SELECT 1");
    } catch (SQLException e) {
      throw DuckDbErrors.translate(e);
    }
  }

  @Override
  public void close() {
    try {
      if (!config.inMemory()) {
        try (Statement statement = root.createStatement()) {
          statement.execute("CHECKPOINT");
        }
      }
      root.close();
    } catch (SQLException e) {
      log.warn("closing the DuckDB database failed: {}", e.getMessage());
    }
  }
}
