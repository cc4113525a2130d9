package dev.bridge.protocol;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;

/** Writes Parquet, CSV and JSON files with the test's own in-process DuckDB (COPY ... TO), as a producer would. */
final class DataFiles implements AutoCloseable {
  private final Path directory;
  private final Connection duckdb;

  DataFiles(Path directory) throws SQLException {
    this.directory = directory;
    this.duckdb = DriverManager.getConnection("jdbc:duckdb:");
  }

  Path directory() {
    return directory;
  }

  /** Writes the rows of {@code query} to {@code relativePath}; the format follows the extension. */
  Path write(String relativePath, String query, String copyOptions) {
    Path file = directory.resolve(relativePath);
    try {
      Files.createDirectories(file.getParent());
      // Written next to the target and moved into place, as a well-behaved producer does.
      Path partial = file.resolveSibling("." + file.getFileName() + ".partial");
      try (Statement statement = duckdb.createStatement()) {
        statement.execute("COPY (" + query + ") TO '" + partial + "' (" + copyOptions + ")");
      }
      Files.move(partial, file, java.nio.file.StandardCopyOption.ATOMIC_MOVE);
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (SQLException e) {
      throw new IllegalStateException(e);
    }
  }

  Path parquet(String relativePath, String query) {
    return write(relativePath, query, "FORMAT parquet");
  }

  /** A file with the dataset's extension whose bytes are not of its format. */
  Path corrupt(String relativePath) throws IOException {
    Path file = directory.resolve(relativePath);
    Files.createDirectories(file.getParent());
    return Files.writeString(file, "this is not what the extension says\u0000\u0001");
  }

  void delete(String relativePath) throws IOException {
    Files.delete(directory.resolve(relativePath));
  }

  @Override
  public void close() throws SQLException {
    duckdb.close();
  }
}
