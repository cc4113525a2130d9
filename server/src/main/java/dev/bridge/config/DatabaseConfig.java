package dev.bridge.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.regex.Pattern;

/** The embedded DuckDB database. */
public record DatabaseConfig(
    @JsonProperty("path") String path,
    @JsonProperty("threads") Integer threads,
    @JsonProperty("memory_limit") String memoryLimit,
    @JsonProperty("data_directories") List<String> dataDirectories) {

  /** The path that keeps the database in memory only. */
  public static final String IN_MEMORY = ":memory:";

  private static final Pattern MEMORY_SIZE =
      Pattern.compile("(?i)\\d+(\\.\\d+)?\\s*(b|kb|mb|gb|tb|kib|mib|gib|tib|%)");

  /**
   * Under DuckDB's own default (80% of RAM) a long ingest keeps its uncommitted rows in memory, so the server's
   * footprint followed the stream's length. With a limit DuckDB writes them to the database file once the limit is
   * reached: resident memory stays near the limit whatever the stream's length.
   */
  public static final String DEFAULT_MEMORY_LIMIT = "1GB";

  public static final DatabaseConfig DEFAULT = new DatabaseConfig(null, null, null, null);

  public DatabaseConfig {
    path = path == null ? "data/bridge.duckdb" : path;
    threads = threads == null ? 0 : threads;
    memoryLimit = memoryLimit == null ? DEFAULT_MEMORY_LIMIT : memoryLimit;
    dataDirectories = dataDirectories == null ? List.of("data") : Collections.unmodifiableList(new ArrayList<>(dataDirectories));
  }

  public DatabaseConfig withPath(String newPath) {
    return new DatabaseConfig(newPath, threads, memoryLimit, dataDirectories);
  }

  public DatabaseConfig withMemoryLimit(String newMemoryLimit) {
    return new DatabaseConfig(path, threads, newMemoryLimit, dataDirectories);
  }

  public DatabaseConfig withThreads(int newThreads) {
    return new DatabaseConfig(path, newThreads, memoryLimit, dataDirectories);
  }

  public DatabaseConfig withDataDirectories(List<String> newDataDirectories) {
    return new DatabaseConfig(path, threads, memoryLimit, newDataDirectories);
  }

  /** The data directories as absolute paths, relative ones resolved against the working directory. */
  public List<Path> dataDirectoryPaths() {
    return dataDirectories.stream().map(directory -> Path.of(directory).toAbsolutePath().normalize()).toList();
  }

  public boolean inMemory() {
    return IN_MEMORY.equals(path);
  }

  void validate() {
    Validation.require(!path.isBlank(), "database.path", "must not be empty");
    Validation.requireRange(threads, 0, 4096, "database.threads");
    Validation.require(memoryLimit.isEmpty() || MEMORY_SIZE.matcher(memoryLimit).matches(),
        "database.memory_limit", "must be a size such as 4GB or 512MiB, got '" + memoryLimit + "'");
    Validation.require(!dataDirectories.isEmpty(), "database.data_directories", "must list at least one directory");
    for (String directory : dataDirectories) {
      Validation.require(directory != null && !directory.isBlank(), "database.data_directories",
          "must not contain an empty path");
    }
  }
}
