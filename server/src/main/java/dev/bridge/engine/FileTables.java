package dev.bridge.engine;

import dev.bridge.config.DatasetConfig;
import java.util.List;

/**
 * The file datasets as another engine registers them: each a table of the dataset's name over the very files
 * DuckDB's view reads now, read with the same options, so a dataset answers the same on either engine. The datasets
 * registry is the source ({@code datasets.DatasetRegistry}); an engine asks before each statement and re-registers
 * what changed since the version it last applied.
 */
@FunctionalInterface
public interface FileTables {
  FileTables NONE = () -> Listing.EMPTY;

  /**
   * The datasets whose files are readable now, after the same check of their files DuckDB's statements get first.
   * A dataset that is unavailable (no file, unreadable files) is not listed.
   */
  Listing current();

  /** What the datasets are at one moment; {@code version} moves whenever any of them changes. */
  record Listing(long version, List<FileTable> tables) {
    public static final Listing EMPTY = new Listing(0, List.of());

    public Listing {
      tables = List.copyOf(tables);
    }
  }

  /**
   * One dataset: its schema and name, its configuration (format, CSV dialect, union by name, hive partitioning),
   * the absolute paths of its files as its view reads them, sorted, and the directory its hive partitions start
   * below (the patterns' common fixed directory). {@code stamp} changes whenever a file's size or modification time
   * does (a file rewritten in place), so that an engine that keeps file listings knows to read them again.
   */
  record FileTable(String schema, String name, DatasetConfig config, List<String> files, String partitionRoot,
      long stamp) {
    public FileTable {
      files = List.copyOf(files);
    }
  }
}
