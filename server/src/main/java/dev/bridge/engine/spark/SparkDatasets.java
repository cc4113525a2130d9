package dev.bridge.engine.spark;

import dev.bridge.config.CsvDialect;
import dev.bridge.config.DatasetConfig;
import dev.bridge.engine.EngineException;
import dev.bridge.engine.ErrorKind;
import dev.bridge.engine.FileTables;
import dev.bridge.engine.FileTables.FileTable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Bridge's file datasets as Spark tables of the same names (in a database named like the datasets' schema) over the
 * very files DuckDB's views read, with the same reading options. Before each Spark statement and catalog read,
 * {@link #sync} compares the datasets' listing with what it registered: a dataset whose files or options changed is
 * dropped and created again, a removed or unavailable one dropped. A Spark session keeps a table's file listing once
 * it has read it, so each session is told which tables changed since it last looked, to refresh them.
 *
 * <p>The table's location names the exact files (a Hadoop glob {@code dir/{a.parquet,b/c.parquet}}), not the
 * dataset's patterns: Spark reads what Bridge listed, as DuckDB does, and Hadoop's globs have no {@code **}.
 */
final class SparkDatasets {
  private static final Logger log = LoggerFactory.getLogger(SparkDatasets.class);
  /**
   * Characters Hadoop's glob gives a meaning to (and ':', which a Hadoop path refuses in a name): a file whose path
   * has one cannot be named exactly, so its dataset is not registered in Spark.
   */
  private static final String UNNAMEABLE = "*?[]{}\\,:";

  private final FileTables source;
  /** The listing version last applied; -1 before the first. */
  private long appliedVersion = -1;
  /** Registered tables by key (schema.name, lower case). */
  private final Map<String, FileTable> registered = new HashMap<>();
  /** Datasets Spark refused to register, by key, as they were then: tried again only once they change. */
  private final Map<String, FileTable> refused = new HashMap<>();
  /** The change number at which each registered or dropped table last changed. */
  private final Map<String, Long> changedAt = new HashMap<>();
  private long changes;
  /** Spark session id → the change number it has seen (its cached listings are no older). */
  private final Map<String, Long> seen = new ConcurrentHashMap<>();

  SparkDatasets(FileTables source) {
    this.source = source;
  }

  /**
   * Brings Spark's dataset tables in line with the datasets, running DDL through {@code command} (Bridge's own
   * Spark session), and returns the tables {@code sparkSession} must refresh before it reads them: those changed
   * since it last looked. Spark being unreachable fails the call (UNAVAILABLE) and is tried again at the next one.
   */
  synchronized List<String> sync(String sparkSession, Consumer<String> command) {
    FileTables.Listing now = source.current();
    if (now.version() != appliedVersion) {
      apply(now, command);
      appliedVersion = now.version();
    }
    Long since = seen.put(sparkSession, changes);
    if (since == null || since == changes) {
      // A new session has no listing cached yet.
      return List.of();
    }
    List<String> stale = new ArrayList<>();
    registered.forEach((key, table) -> {
      if (changedAt.getOrDefault(key, 0L) > since) {
        stale.add(qualified(table));
      }
    });
    return stale;
  }

  /** The session was released. */
  void forget(String sparkSession) {
    seen.remove(sparkSession);
  }

  private void apply(FileTables.Listing listing, Consumer<String> command) {
    Map<String, FileTable> wanted = new LinkedHashMap<>();
    listing.tables().forEach(table -> wanted.put(key(table), table));
    for (String key : List.copyOf(registered.keySet())) {
      if (!wanted.containsKey(key)) {
        command.accept("DROP TABLE IF EXISTS " + qualified(registered.get(key)));
        registered.remove(key);
        changedAt.put(key, ++changes);
        log.info("dataset table {} dropped in Spark: the dataset is gone or unavailable", key);
      }
    }
    refused.keySet().retainAll(wanted.keySet());
    for (Map.Entry<String, FileTable> entry : wanted.entrySet()) {
      String key = entry.getKey();
      FileTable table = entry.getValue();
      if (table.equals(registered.get(key)) || table.equals(refused.get(key))) {
        continue;
      }
      Optional<String> create = createSql(table);
      if (create.isEmpty()) {
        log.warn("dataset {} is not registered in Spark: a path of its files has one of {} (a Hadoop glob or"
            + " path character), so Spark cannot be given its exact files", table.name(), UNNAMEABLE);
        dropRegistered(key, command);
        refused.put(key, table);
        continue;
      }
      command.accept("CREATE DATABASE IF NOT EXISTS " + quoted(table.schema()));
      command.accept("DROP TABLE IF EXISTS " + qualified(table));
      registered.remove(key);
      changedAt.put(key, ++changes);
      if (table.config().hivePartitioning()) {
        // A partitioned table Spark tracks partitions of in its catalog reads only the partitions added to it (none
        // here); created while this is off, it finds them in its files at each read, as DuckDB does.
        command.accept("SET spark.sql.hive.manageFilesourcePartitions = false");
      }
      try {
        command.accept(create.get());
        registered.put(key, table);
        refused.remove(key);
        log.info("dataset {} registered in Spark as {} over {} file(s)", table.name(), qualified(table),
            table.files().size());
      } catch (EngineException e) {
        if (e.kind() == ErrorKind.UNAVAILABLE) {
          throw e;
        }
        log.warn("dataset {} is not registered in Spark: {}", table.name(), e.getMessage());
        refused.put(key, table);
      }
    }
  }

  private void dropRegistered(String key, Consumer<String> command) {
    FileTable old = registered.remove(key);
    if (old != null) {
      command.accept("DROP TABLE IF EXISTS " + qualified(old));
      changedAt.put(key, ++changes);
    }
  }

  /**
   * {@code CREATE TABLE schema.name USING format LOCATION 'files' OPTIONS (...)} with the dataset's reading
   * options in Spark's words; empty when a file cannot be named exactly.
   */
  static Optional<String> createSql(FileTable table) {
    Optional<String> location = location(table.files());
    if (location.isEmpty()) {
      return Optional.empty();
    }
    DatasetConfig config = table.config();
    Map<String, String> options = new LinkedHashMap<>();
    switch (config.resolvedFormat()) {
      case PARQUET -> options.put("mergeSchema", String.valueOf(config.unionByName()));
      case CSV -> csvOptions(config.csv(), table.files(), options);
      case JSON -> { }
    }
    if (config.hivePartitioning()) {
      options.put("basePath", table.partitionRoot());
    }
    StringBuilder sql = new StringBuilder("CREATE TABLE ").append(qualified(table))
        .append(" USING ").append(config.resolvedFormat().name().toLowerCase(Locale.ROOT));
    if (!options.isEmpty()) {
      List<String> pairs = new ArrayList<>();
      options.forEach((key, value) -> pairs.add(literal(key) + " " + literal(value)));
      sql.append(" OPTIONS (").append(String.join(", ", pairs)).append(')');
    }
    sql.append(" LOCATION ").append(literal(location.get()));
    sql.append(" TBLPROPERTIES ('bridge.dataset' 'true')");
    return Optional.of(sql.toString());
  }

  /**
   * Spark's CSV options for a dataset's dialect. Spark cannot sniff: a header left to DuckDB's sniffer is taken as
   * present, the delimiter as a tab for {@code .tsv} files and a comma otherwise, and column types are inferred.
   */
  private static void csvOptions(CsvDialect csv, List<String> files, Map<String, String> options) {
    options.put("header", String.valueOf(csv.header() == null || csv.header()));
    options.put("inferSchema", "true");
    String delimiter = csv.delimiter();
    if (delimiter == null && files.stream().allMatch(file -> file.matches("(?i).*\\.tsv(\\.gz)?"))) {
      delimiter = "\t";
    }
    if (delimiter != null) {
      options.put("sep", delimiter);
    }
    if (csv.quote() != null) {
      options.put("quote", csv.quote());
    }
    if (csv.escape() != null) {
      options.put("escape", csv.escape());
    }
    if (csv.nullString() != null) {
      options.put("nullValue", csv.nullString());
    }
  }

  /**
   * A Hadoop glob naming exactly these files: the one file, or their deepest common directory followed by
   * {@code {relative,paths}} (Hadoop expands a brace group with slashes into one path per alternative).
   */
  static Optional<String> location(List<String> files) {
    if (files.stream().anyMatch(file -> file.chars().anyMatch(c -> UNNAMEABLE.indexOf(c) >= 0))) {
      return Optional.empty();
    }
    if (files.size() == 1) {
      return Optional.of(files.get(0));
    }
    Path common = Path.of(files.get(0)).getParent();
    for (String file : files) {
      while (!Path.of(file).startsWith(common)) {
        common = common.getParent();
      }
    }
    Path directory = common;
    List<String> relative = files.stream().map(file -> directory.relativize(Path.of(file)).toString()).toList();
    String prefix = directory.getParent() == null ? "" : directory.toString();
    return Optional.of(prefix + "/{" + String.join(",", relative) + "}");
  }

  private static String qualified(FileTable table) {
    return quoted(table.schema()) + "." + quoted(table.name());
  }

  private static String key(FileTable table) {
    return (table.schema() + "." + table.name()).toLowerCase(Locale.ROOT);
  }

  /** A Spark identifier, backquoted ({@code `} doubled). */
  static String quoted(String name) {
    return "`" + name.replace("`", "``") + "`";
  }

  /** A Spark string literal: backslash escapes, as Spark's parser reads them. */
  private static String literal(String value) {
    return "'" + value.replace("\\", "\\\\").replace("'", "\\'") + "'";
  }
}
