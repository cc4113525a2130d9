package dev.bridge.datasets;

import dev.bridge.config.ConfigException;
import dev.bridge.config.DatasetConfig;
import dev.bridge.engine.CatalogRefresher;
import dev.bridge.engine.DataVersions;
import dev.bridge.engine.DuckDbEngine;
import dev.bridge.engine.DuckDbErrors;
import dev.bridge.engine.FileTables;
import dev.bridge.engine.SqlIdentifiers;
import dev.bridge.engine.TableName;
import dev.bridge.engine.Writes;
import dev.bridge.engine.partitions.FileDatasets;
import dev.bridge.engine.partitions.FileStamp;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.duckdb.DuckDBConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one view per configured dataset in the datasets' schema, in line with the files on disk.
 *
 * <p>{@link #refresh()} runs before every statement and metadata read. It checks the modification times of the
 * directories each dataset's last listing read (one {@code stat} each); only when one changed (a file was added,
 * removed or renamed) or a second has passed does it list the files again (names, sizes, modification times), and
 * only when that list changed does it replace the view with one over the files now there. The
 * replacement binds the files (DuckDB reads every file's schema with {@code union_by_name}), so a new column shows
 * in {@code duckdb_columns()} and in every client's metadata at once. A dataset with no file, or whose files DuckDB
 * cannot read, gets a view with its last known columns that fails when read, with a message naming the dataset and
 * the problem; the other datasets and the server keep working.
 *
 * <p>Views the registry creates carry a comment; at start and on {@link #apply} the ones no dataset defines any more
 * are dropped. Views are replaced on the registry's own connection, one at a time.
 */
public final class DatasetRegistry implements CatalogRefresher, FileDatasets, FileTables, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DatasetRegistry.class);
  /** Marks the views the registry owns. */
  static final String VIEW_COMMENT = "bridge dataset";
  private static final String UNAVAILABLE_COLUMN = "dataset_unavailable";

  private final DuckDBConnection connection;
  /** The database the views live in: their data versions move when their files change (the files' stamps). */
  private final DataVersions dataVersions;
  private final String catalog;
  private final String schema;
  private final Path base;
  private final List<Path> dataDirectories;
  private volatile Map<String, Dataset> datasets = Map.of();
  /** Moves whenever a view is built or dropped: other engines re-register the datasets when it did. */
  private volatile long version;

  private DatasetRegistry(DuckDBConnection connection, DataVersions dataVersions, String schema,
      List<Path> dataDirectories) {
    this.connection = connection;
    this.dataVersions = dataVersions;
    this.catalog = currentDatabase(connection);
    this.schema = schema;
    this.base = dataDirectories.get(0);
    this.dataDirectories = dataDirectories;
  }

  /**
   * Opens a registry on {@code engine} and creates the views of {@code datasets}. Relative patterns are resolved
   * against the first data directory; a pattern outside the data directories is a {@link ConfigException}.
   */
  public static DatasetRegistry open(DuckDbEngine engine, String schema, List<DatasetConfig> datasets,
      List<Path> dataDirectories) {
    DatasetRegistry registry = new DatasetRegistry(engine.connect(), engine.dataVersions(), schema, dataDirectories);
    try {
      registry.apply(datasets);
    } catch (RuntimeException e) {
      registry.close();
      throw e;
    }
    return registry;
  }

  /**
   * Brings the views in line with {@code configs}: adds the new datasets, replaces the changed ones, drops the ones
   * no longer listed, and leaves unchanged ones as they are. Every pattern is checked first: on a
   * {@link ConfigException} nothing changes.
   */
  public synchronized void apply(List<DatasetConfig> configs) {
    Map<String, Dataset> next = new LinkedHashMap<>();
    for (DatasetConfig config : configs) {
      Dataset existing = datasets.get(key(config.name()));
      next.put(key(config.name()), existing != null && existing.config().equals(config)
          ? existing : Dataset.of(config, base, dataDirectories));
    }
    try {
      if (!next.isEmpty()) {
        execute("CREATE SCHEMA IF NOT EXISTS " + SqlIdentifiers.quote(schema));
      }
      for (List<String> view : ownedViews()) {
        if (!view.get(0).equals(schema) || !next.containsKey(key(view.get(1)))) {
          execute("DROP VIEW IF EXISTS " + qualified(view.get(0), view.get(1)));
          dataVersions.changed(Writes.of(new TableName(catalog, view.get(0), view.get(1))));
          version++;
          log.info("dataset view {}.{} dropped: no dataset defines it", view.get(0), view.get(1));
        }
      }
    } catch (SQLException e) {
      throw DuckDbErrors.translate(e);
    }
    datasets = Map.copyOf(next);
    List<Path> realDirectories = realDataDirectories();
    for (Dataset dataset : next.values()) {
      if (dataset.current() == null) {
        rebuild(dataset, dataset.scan(realDirectories));
      }
    }
  }

  /** Replaces the view of every dataset whose files changed since its view was built. */
  @Override
  public void refresh() {
    Map<String, Dataset> now = datasets;
    if (now.isEmpty()) {
      return;
    }
    List<Path> realDirectories = null;
    for (Dataset dataset : now.values()) {
      if (dataset.unchangedSinceListing()) {
        continue;
      }
      realDirectories = realDirectories == null ? realDataDirectories() : realDirectories;
      rescan(dataset, realDirectories);
    }
  }

  @Override
  public boolean mirrorsFiles(TableName view) {
    return datasetOf(view) != null;
  }

  /** Lists and stamps the files of these datasets' views now, trusting no earlier listing. */
  @Override
  public void refreshFully(Collection<TableName> views) {
    List<Path> realDirectories = null;
    for (TableName view : views) {
      Dataset dataset = datasetOf(view);
      if (dataset != null) {
        realDirectories = realDirectories == null ? realDataDirectories() : realDirectories;
        rescan(dataset, realDirectories);
      }
    }
  }

  /** The dataset whose view {@code view} is, or null. */
  private Dataset datasetOf(TableName view) {
    return view.catalog().equalsIgnoreCase(catalog) && view.schema().equalsIgnoreCase(schema)
        ? datasets.get(key(view.name())) : null;
  }

  /** Lists the dataset's files and replaces its view when they are not the ones it reads. */
  private void rescan(Dataset dataset, List<Path> realDirectories) {
    try {
      FileSet files = dataset.scan(realDirectories);
      if (!files.equals(dataset.current())) {
        synchronized (this) {
          // Another statement may have rebuilt it meanwhile, or apply() replaced the dataset.
          if (datasets.get(key(dataset.name())) == dataset && !files.equals(dataset.current())) {
            rebuild(dataset, files);
          }
        }
      }
    } catch (RuntimeException e) {
      log.error("dataset {}: refreshing its view failed", dataset.name(), e);
    }
  }

  /**
   * The dataset whose view {@code view} is, as its view reads it now: its files stamped, and its reading of any of
   * them; none when the view is no dataset's or its dataset is unavailable.
   */
  @Override
  public Optional<FileDataset> dataset(TableName view) {
    Dataset dataset = datasets.get(key(view.name()));
    FileSet files = dataset == null ? null : dataset.current();
    if (files == null || files.problem() != null || files.files().isEmpty()
        || !view.catalog().equalsIgnoreCase(catalog) || !view.schema().equalsIgnoreCase(schema)) {
      return Optional.empty();
    }
    List<FileStamp> stamps = files.files().stream().map(file -> new FileStamp(file.path().toString(), file.size(),
        file.modified().toMillis())).toList();
    return Optional.of(new FileDataset() {
      @Override
      public List<FileStamp> files() {
        return stamps;
      }

      @Override
      public String selectSql(List<String> paths) {
        return dataset.selectSqlOf(paths);
      }
    });
  }

  @Override
  public Optional<TableName> localView(TableName view) {
    return view.schema().equalsIgnoreCase(schema) ? Optional.of(new TableName(catalog, schema, view.name()))
        : Optional.empty();
  }

  /**
   * The available datasets as their views read them now, for other engines (Spark) to register as tables over
   * the same files; the files are checked first, as before a DuckDB statement.
   */
  @Override
  public Listing current() {
    refresh();
    synchronized (this) {
      List<FileTable> tables = new ArrayList<>();
      for (Dataset dataset : datasets.values()) {
        FileSet files = dataset.current();
        if (files != null && dataset.readable()) {
          tables.add(new FileTable(schema, dataset.name(), dataset.config(),
              files.files().stream().map(file -> file.path().toString()).toList(),
              dataset.partitionRoot().toString(), files.hashCode()));
        }
      }
      return new Listing(version, tables);
    }
  }

  /** The schema the views are in. */
  public String schema() {
    return schema;
  }

  private void rebuild(Dataset dataset, FileSet files) {
    String view = qualified(schema, dataset.name());
    Optional<String> problem = Optional.ofNullable(files.problem());
    if (problem.isEmpty() && files.files().isEmpty()) {
      problem = Optional.of("no file matches " + dataset.patterns());
    }
    if (problem.isEmpty()) {
      try {
        execute("CREATE OR REPLACE VIEW " + view + " AS " + dataset.selectSql(files.files()));
        execute("COMMENT ON VIEW " + view + " IS " + SqlIdentifiers.quoteLiteral(VIEW_COMMENT));
        log.info("dataset {}: view {} reads {} file(s)", dataset.name(), view, files.files().size());
      } catch (SQLException e) {
        problem = Optional.of(readProblem(e) + " (patterns " + dataset.patterns() + ")");
      }
    }
    if (problem.isPresent()) {
      String message = DuckDbErrors.datasetUnavailable(dataset.name(), problem.get());
      log.warn("{}", message);
      try {
        execute("CREATE OR REPLACE VIEW " + view + " AS SELECT * FROM (" + typedNulls(dataset.name())
            + ") WHERE error(" + SqlIdentifiers.quoteLiteral(message) + ")");
        execute("COMMENT ON VIEW " + view + " IS " + SqlIdentifiers.quoteLiteral(VIEW_COMMENT));
      } catch (SQLException e) {
        log.error("dataset {}: cannot create its unavailable view: {}", dataset.name(), e.getMessage());
      }
    }
    dataset.built(files, problem.isEmpty());
    version++;
    dataVersions.changed(Writes.of(new TableName(catalog, schema, dataset.name())));
  }

  private static String currentDatabase(DuckDBConnection connection) {
    try (var statement = connection.createStatement();
         var result = statement.executeQuery("SELECT current_database()")) {
      result.next();
      return result.getString(1);
    } catch (SQLException e) {
      throw DuckDbErrors.translate(e);
    }
  }

  /**
   * {@code SELECT CAST(NULL AS type) AS column, ...} with the view's current columns, so that a dataset that breaks
   * keeps its columns in every client's metadata; a dataset never read has one VARCHAR column.
   */
  private String typedNulls(String name) throws SQLException {
    List<String> columns = new ArrayList<>();
    try (PreparedStatement statement = connection.prepareStatement("""
        SELECT column_name, data_type FROM duckdb_columns()
        WHERE database_name = current_database() AND schema_name = ? AND table_name = ?
        ORDER BY column_index""")) {
      statement.setString(1, schema);
      statement.setString(2, name);
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          columns.add("CAST(NULL AS " + rows.getString(2) + ") AS " + SqlIdentifiers.quote(rows.getString(1)));
        }
      }
    }
    if (columns.isEmpty() || columns.get(0).endsWith(SqlIdentifiers.quote(UNAVAILABLE_COLUMN))) {
      return "SELECT CAST(NULL AS VARCHAR) AS " + SqlIdentifiers.quote(UNAVAILABLE_COLUMN);
    }
    return "SELECT " + String.join(", ", columns);
  }

  /** DuckDB's reason, on one line: its first line plus the line naming the file, when it has one (CSV errors). */
  private static String readProblem(SQLException e) {
    String message = DuckDbErrors.translate(e).getMessage();
    String[] lines = message.split("\n");
    StringBuilder problem = new StringBuilder(lines[0].strip());
    for (String line : lines) {
      if (line.strip().startsWith("file = ")) {
        problem.append(" (").append(line.strip()).append(')');
      }
    }
    return problem.toString();
  }

  /** (schema, view) of every view this registry created, in this database. */
  private List<List<String>> ownedViews() throws SQLException {
    List<List<String>> views = new ArrayList<>();
    try (PreparedStatement statement = connection.prepareStatement("""
        SELECT schema_name, view_name FROM duckdb_views()
        WHERE database_name = current_database() AND comment = ?""")) {
      statement.setString(1, VIEW_COMMENT);
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          views.add(List.of(rows.getString(1), rows.getString(2)));
        }
      }
    }
    return views;
  }

  /** The data directories with symbolic links resolved; one that does not exist (yet) is taken as written. */
  private List<Path> realDataDirectories() {
    List<Path> real = new ArrayList<>(dataDirectories.size());
    for (Path directory : dataDirectories) {
      try {
        real.add(Files.exists(directory) ? directory.toRealPath() : directory);
      } catch (IOException e) {
        real.add(directory);
      }
    }
    return real;
  }

  private void execute(String sql) throws SQLException {
    try (Statement statement = connection.createStatement()) {
      statement.execute(sql);
    }
  }

  private static String qualified(String schema, String name) {
    return SqlIdentifiers.quote(schema) + "." + SqlIdentifiers.quote(name);
  }

  private static String key(String name) {
    return name.toLowerCase(Locale.ROOT);
  }

  @Override
  public synchronized void close() {
    try {
      connection.close();
    } catch (SQLException e) {
      log.debug("closing the dataset registry's connection failed: {}", e.getMessage());
    }
  }
}
