package dev.bridge.datasets;

import dev.bridge.config.CsvDialect;
import dev.bridge.config.DatasetConfig;
import dev.bridge.config.DatasetFormat;
import dev.bridge.engine.SqlIdentifiers;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A configured dataset with its patterns resolved: lists its files and writes the SQL of its view. The view reads
 * the exact files listed (not the pattern), so what it reads is what was checked when it was created.
 */
final class Dataset {
  /**
   * File systems stamp modifications with a coarse clock (one kernel tick): a directory modified this shortly
   * before it was listed may change again under the same stamp, so it is not trusted until it has settled.
   */
  private static final long SETTLE_MILLIS = 50;
  /** A file rewritten in place changes no directory; the files themselves are listed again at least this often. */
  private static final long RELIST_MILLIS = 1_000;

  private final DatasetConfig config;
  private final List<DatasetGlob> globs;
  private volatile FileSet current;
  /** Whether the view built from {@link #current} reads its files (rather than failing as unavailable). */
  private volatile boolean readable;
  private volatile Listing lastListing;

  /** The directories a listing read, and when (wall clock) it started. */
  private record Listing(List<DirectoryStamp> directories, long startedMillis) {}

  private Dataset(DatasetConfig config, List<DatasetGlob> globs) {
    this.config = config;
    this.globs = globs;
  }

  /** Resolves relative patterns against {@code base}; see {@link DatasetGlob#of} for what is refused. */
  static Dataset of(DatasetConfig config, Path base, List<Path> dataDirectories) {
    List<DatasetGlob> globs = config.paths().stream()
        .map(pattern -> DatasetGlob.of(config.name(), pattern, base, dataDirectories)).toList();
    return new Dataset(config, globs);
  }

  String name() {
    return config.name();
  }

  DatasetConfig config() {
    return config;
  }

  /** The file set the view was last built from; null before the first build. */
  FileSet current() {
    return current;
  }

  void built(FileSet files, boolean readable) {
    current = files;
    this.readable = readable;
  }

  /** Whether its view reads files now: they were listed, there is at least one, and DuckDB could read them. */
  boolean readable() {
    return readable;
  }

  /** The deepest directory every pattern starts in: where hive partition directories begin. */
  Path partitionRoot() {
    Path common = globs.get(0).root();
    for (DatasetGlob glob : globs) {
      while (!glob.root().startsWith(common)) {
        common = common.getParent();
      }
    }
    return common;
  }

  /** The patterns as absolute paths, for messages. */
  String patterns() {
    return globs.stream().map(DatasetGlob::absolutePattern).collect(Collectors.joining(", "));
  }

  /**
   * Whether the files cannot have changed since the last listing: it is recent, and every directory it read still
   * has the stamp it had then, a stamp that had settled before it. This costs one {@code stat} per directory.
   */
  boolean unchangedSinceListing() {
    Listing listing = lastListing;
    if (listing == null || System.currentTimeMillis() - listing.startedMillis() >= RELIST_MILLIS) {
      return false;
    }
    for (DirectoryStamp directory : listing.directories()) {
      if (listing.startedMillis() - directory.modified().toMillis() < SETTLE_MILLIS || !directory.unchanged()) {
        return false;
      }
    }
    return true;
  }

  /**
   * Lists the files every pattern matches now. A file whose real path leaves the data directories (through a
   * symbolic link) makes the dataset unavailable rather than being read or silently skipped.
   */
  FileSet scan(List<Path> realDataDirectories) {
    long startedMillis = System.currentTimeMillis();
    List<DatasetFile> files = new ArrayList<>();
    List<DirectoryStamp> directories = new ArrayList<>();
    try {
      for (DatasetGlob glob : globs) {
        glob.list(files, directories);
      }
      lastListing = new Listing(List.copyOf(directories), startedMillis);
    } catch (IOException e) {
      lastListing = null;
      return FileSet.failed("cannot list " + patterns() + ": " + e);
    }
    for (DatasetFile file : files) {
      if (realDataDirectories.stream().noneMatch(file.realPath()::startsWith)) {
        return FileSet.failed(file.path() + " links to " + file.realPath() + ", outside the data directories");
      }
    }
    files.sort(Comparator.comparing(DatasetFile::path));
    return FileSet.of(files.stream().distinct().toList());
  }

  /** {@code SELECT * FROM read_xxx([files], options)}: the body of the view over these files. */
  String selectSql(List<DatasetFile> files) {
    return selectSqlOf(files.stream().map(file -> file.path().toString()).toList());
  }

  /** The same reading of the files at these paths (some of the dataset's files: a partition of a query). */
  String selectSqlOf(List<String> paths) {
    DatasetFormat format = config.resolvedFormat();
    StringBuilder sql = new StringBuilder("SELECT * FROM ").append(format.readFunction()).append("([");
    sql.append(paths.stream().map(SqlIdentifiers::quoteLiteral).collect(Collectors.joining(", ")));
    sql.append("], union_by_name = ").append(config.unionByName())
        .append(", hive_partitioning = ").append(config.hivePartitioning());
    if (format == DatasetFormat.CSV) {
      appendCsvOptions(sql, config.csv());
    }
    return sql.append(')').toString();
  }

  private static void appendCsvOptions(StringBuilder sql, CsvDialect csv) {
    if (csv.delimiter() != null) {
      sql.append(", delim = ").append(SqlIdentifiers.quoteLiteral(csv.delimiter()));
    }
    if (csv.header() != null) {
      sql.append(", header = ").append(csv.header());
    }
    if (csv.quote() != null) {
      sql.append(", quote = ").append(SqlIdentifiers.quoteLiteral(csv.quote()));
    }
    if (csv.escape() != null) {
      sql.append(", escape = ").append(SqlIdentifiers.quoteLiteral(csv.escape()));
    }
    if (csv.nullString() != null) {
      sql.append(", nullstr = ").append(SqlIdentifiers.quoteLiteral(csv.nullString()));
    }
  }
}
