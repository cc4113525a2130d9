package dev.bridge.engine;

import dev.bridge.config.DatabaseConfig;
import java.io.File;
import java.nio.file.Path;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.stream.Collectors;
import org.duckdb.DuckDBConnection;

/**
 * Confines SQL to the configured data directories: DuckDB's file system access is turned off except under
 * {@code database.data_directories}, extensions can be neither installed nor loaded from outside the binary, and
 * the configuration is locked so that no statement can undo this (nor change memory_limit or threads, which are
 * global). DuckDB's settings are global, so every session is confined, whatever its user's role. The database
 * file, its WAL and its spill directory stay DuckDB's own business and keep working wherever they are.
 */
final class DuckDbLockdown {
  private DuckDbLockdown() {}

  static void apply(DuckDBConnection root, DatabaseConfig config) throws SQLException {
    try (Statement statement = root.createStatement()) {
      statement.execute("SET allowed_directories = " + directoryList(config.dataDirectoryPaths()));
      statement.execute("SET enable_external_access = false");
      statement.execute("SET allow_community_extensions = false");
      statement.execute("SET autoinstall_known_extensions = false");
      statement.execute("SET autoload_known_extensions = false");
      statement.execute("SET lock_configuration = true");
    }
  }

  /**
   * A DuckDB list literal of the directories. Each ends with a separator: DuckDB matches allowed directories as path
   * prefixes, and {@code /srv/data} must not let {@code /srv/data-private} through.
   */
  private static String directoryList(List<Path> directories) {
    return directories.stream()
        .map(directory -> SqlIdentifiers.quoteLiteral(directory + File.separator))
        .collect(Collectors.joining(", ", "[", "]"));
  }
}
