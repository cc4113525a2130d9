package dev.bridge.engine.partitions;

import dev.bridge.engine.Cancellation;
import dev.bridge.engine.DataVersions;
import dev.bridge.engine.DuckDbEngine;
import dev.bridge.engine.DuckDbErrors;
import dev.bridge.engine.DuckDbStatements;
import dev.bridge.engine.EngineException;
import dev.bridge.engine.ErrorKind;
import dev.bridge.engine.ResultStream;
import dev.bridge.engine.Session;
import dev.bridge.engine.SqlIdentifiers;
import dev.bridge.engine.StatementEffects;
import dev.bridge.engine.StatementExecutor;
import dev.bridge.engine.StatementPlan;
import dev.bridge.engine.TableName;
import dev.bridge.engine.UnitOfWork;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Splits a union-safe query into partitions, and reads one partition (see the package documentation).
 *
 * <p>A table is cut into contiguous rowid ranges aligned to DuckDB's row groups, so each partition's scan skips the
 * others' row groups; the last range is open-ended, so the ranges cover every row whatever the table holds. A
 * Parquet dataset's files are dealt to partitions by row count, largest first, each to the lightest partition; a
 * dataset with fewer files than partitions is cut into runs of its files' row groups instead.
 */
public final class PartitionPlanner {
  /** DuckDB's default row group size: the unit a rowid range should follow to prune whole row groups. */
  static final long ROW_GROUP_ROWS = 122_880;

  private final DuckDbEngine engine;
  private final StatementExecutor executor;
  private final FileDatasets datasets;

  public PartitionPlanner(DuckDbEngine engine, StatementExecutor executor, FileDatasets datasets) {
    this.engine = engine;
    this.executor = executor;
    this.datasets = datasets;
  }

  /**
   * The partitions of {@code plan}, at most {@code wanted} and each reading at least {@code minRowsPerPartition}
   * rows of input; empty when the query gets one endpoint: fewer than two partitions, a query with parameters, in a
   * transaction (whose snapshot other connections cannot share), that writes, whose result needs type conversions,
   * or that {@link UnionSafety} does not show union-safe.
   */
  public Optional<PartitionPlan> plan(Session session, StatementPlan plan, int wanted, long minRowsPerPartition) {
    // Another engine's statement (Spark) is that engine's to split.
    if (wanted < 2 || !plan.onDuckDb() || session.inTransaction() || plan.parameterCount() > 0
        || !plan.kind().returnsRows()
        || plan.schemaDependsOnParameters() || !plan.sql().equals(plan.executableSql())
        || !plan.effects().writes().none()) {
      return Optional.empty();
    }
    try (UnitOfWork work = session.work(UnitOfWork.Mode.AUTO_COMMIT)) {
      Connection connection = work.connection();
      Optional<UnionSafety.Source> source = UnionSafety.analyse(connection, plan.sql(), datasets);
      if (source.isEmpty()) {
        return Optional.empty();
      }
      if (source.get() instanceof UnionSafety.TableSource table) {
        return planTable(connection, plan, table, wanted, minRowsPerPartition);
      }
      return planFiles(connection, plan, (UnionSafety.DatasetSource) source.get(), wanted, minRowsPerPartition);
    }
  }

  /**
   * Opens one partition of a query as a stream. {@code plan} is the caller's plan of {@code partition.sql()} (its
   * access checked). The partition's input is checked, in the stream's own read-only transaction, to be as it was
   * at planning; otherwise this fails with ABORTED.
   */
  public ResultStream open(Session session, StatementPlan plan, Partition partition, int batchRows,
      Cancellation cancellation) {
    if (!plan.sql().equals(partition.sql())) {
      throw EngineException.invalidArgument("the partition belongs to another query");
    }
    String sql;
    try (UnitOfWork work = session.work(UnitOfWork.Mode.AUTO_COMMIT)) {
      sql = sliceSql(work.connection(), partition);
    }
    StatementPlan slicePlan = new StatementPlan(plan.sql(), sql, plan.kind(), List.of(), plan.resultSchema(),
        plan.columnTypes(), false, StatementEffects.NONE, plan.engine());
    return executor.openChecked(session, slicePlan, batchRows, cancellation,
        connection -> requireUnchanged(connection, partition.slice()));
  }

  /**
   * A partition another node (a coordinator) planned, as this node names its input: a dataset's files are the
   * same on every node, but the view is in each node's own database catalog. Any other slice is returned as is.
   */
  public Partition placedHere(Partition partition) {
    if (partition.slice() instanceof Slice.DatasetSlice files) {
      TableName view = datasets.localView(files.view()).orElseThrow(() -> changed("the files of dataset "
          + files.view()));
      return new Partition(partition.sql(), partition.index(), partition.count(), files.in(view));
    }
    return partition;
  }

  private Optional<PartitionPlan> planTable(Connection connection, StatementPlan plan,
      UnionSafety.TableSource source, int wanted, long minRowsPerPartition) {
    TableName table = source.table();
    // Versions first: a write after this moment is caught when a partition opens.
    DataVersions.Snapshot versions = engine.dataVersions().snapshot(Set.of(table));
    long physicalRows = physicalRowsNow(connection, table);
    long rowGroups = (physicalRows + ROW_GROUP_ROWS - 1) / ROW_GROUP_ROWS;
    int count = (int) Math.min(wanted, Math.min(rowGroups, physicalRows / Math.max(1, minRowsPerPartition)));
    if (count < 2) {
      return Optional.empty();
    }
    List<Partition> partitions = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      long from = rowGroups * i / count * ROW_GROUP_ROWS;
      long to = i == count - 1 ? Slice.NO_END : rowGroups * (i + 1) / count * ROW_GROUP_ROWS;
      partitions.add(new Partition(plan.sql(), i, count, new Slice.TableRows(table, from, to, versions.epoch(),
          versions.tables().get(table), physicalRows)));
    }
    if (!describesAs(connection, sliceSql(connection, partitions.get(0)), plan)) {
      return Optional.empty();
    }
    long total = source.filtered() ? -1 : count(connection, "SELECT count(*) FROM " + table.sql());
    return Optional.of(new PartitionPlan(partitions, total));
  }

  private Optional<PartitionPlan> planFiles(Connection connection, StatementPlan plan,
      UnionSafety.DatasetSource source, int wanted, long minRowsPerPartition) {
    List<FileStamp> files = source.dataset().files();
    List<Long> rows = parquetRows(connection, files);
    long totalRows = rows.stream().mapToLong(Long::longValue).sum();
    int count = (int) Math.min(wanted, totalRows / Math.max(1, minRowsPerPartition));
    if (count < 2) {
      return Optional.empty();
    }
    List<Slice> slices = files.size() < count && !numbersRows(connection, source.view())
        ? fileRows(connection, source.view(), files, count)
        : dealtFiles(source.view(), files, rows, Math.min(count, files.size()));
    if (slices.size() < 2) {
      return Optional.empty();
    }
    List<Partition> partitions = new ArrayList<>(slices.size());
    for (int i = 0; i < slices.size(); i++) {
      Partition partition = new Partition(plan.sql(), i, slices.size(), slices.get(i));
      // A subset of files may have fewer columns or narrower types than all of them (union_by_name).
      if (!describesAs(connection, sliceSql(connection, partition), plan)) {
        return Optional.empty();
      }
      partitions.add(partition);
    }
    return Optional.of(new PartitionPlan(partitions, source.filtered() ? -1 : totalRows));
  }

  /** The files dealt to {@code count} slices by row count, largest first, each to the lightest slice. */
  private static List<Slice> dealtFiles(TableName view, List<FileStamp> files, List<Long> rows, int count) {
    List<List<FileStamp>> bins = new ArrayList<>();
    long[] binRows = new long[count];
    for (int i = 0; i < count; i++) {
      bins.add(new ArrayList<>());
    }
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < files.size(); i++) {
      order.add(i);
    }
    order.sort(Comparator.comparing((Integer i) -> rows.get(i)).reversed());
    for (int i : order) {
      int lightest = 0;
      for (int b = 1; b < count; b++) {
        lightest = binRows[b] < binRows[lightest] ? b : lightest;
      }
      bins.get(lightest).add(files.get(i));
      binRows[lightest] += rows.get(i);
    }
    List<Slice> slices = new ArrayList<>(count);
    bins.forEach(bin -> slices.add(new Slice.DatasetFiles(view, bin)));
    return slices;
  }

  /**
   * Up to {@code count} slices of fewer files than that: contiguous runs of each file's row groups. Every file gets
   * one slice, and each further one goes to the file with the most rows per slice that still has a row group to
   * spare; a file's runs have as many row groups each as can be (its row groups, from its Parquet footer, usually
   * hold the same number of rows, bar the last).
   */
  private static List<Slice> fileRows(Connection connection, TableName view, List<FileStamp> files, int count) {
    List<long[]> starts = rowGroupStarts(connection, files);
    int[] parts = new int[files.size()];
    Arrays.fill(parts, 1);
    for (int given = files.size(); given < count; given++) {
      int most = -1;
      for (int f = 0; f < files.size(); f++) {
        long[] start = starts.get(f);
        if (parts[f] < start.length - 1 && (most < 0
            || rowsOf(start) * parts[most] > rowsOf(starts.get(most)) * parts[f])) {
          most = f;
        }
      }
      if (most < 0) {
        break;
      }
      parts[most]++;
    }
    List<Slice> slices = new ArrayList<>();
    for (int f = 0; f < files.size(); f++) {
      long[] start = starts.get(f);
      int groups = start.length - 1;
      for (int j = 0; j < parts[f]; j++) {
        slices.add(new Slice.DatasetFileRows(view, files.get(f), start[groups * j / parts[f]],
            start[groups * (j + 1) / parts[f]]));
      }
    }
    return slices;
  }

  private static long rowsOf(long[] starts) {
    return starts[starts.length - 1];
  }

  /**
   * For each file, the position in the file of each row group's first row, then the file's row count: its footer's
   * row groups in file order, which is the order of {@code file_row_number}.
   */
  private static List<long[]> rowGroupStarts(Connection connection, List<FileStamp> files) {
    Map<String, List<Long>> groupRows = new HashMap<>();
    try (PreparedStatement statement = connection.prepareStatement("SELECT file_name, row_group_id, "
        + "any_value(row_group_num_rows) FROM parquet_metadata(" + pathList(files) + ") GROUP BY ALL "
        + "ORDER BY file_name, row_group_id");
         ResultSet result = statement.executeQuery()) {
      while (result.next()) {
        groupRows.computeIfAbsent(result.getString(1), file -> new ArrayList<>()).add(result.getLong(3));
      }
    } catch (SQLException e) {
      throw DuckDbErrors.translate(e);
    }
    List<long[]> starts = new ArrayList<>();
    for (FileStamp file : files) {
      List<Long> groups = groupRows.getOrDefault(file.path(), List.of());
      long[] start = new long[groups.size() + 1];
      for (int g = 0; g < groups.size(); g++) {
        start[g + 1] = start[g] + groups.get(g);
      }
      starts.add(start);
    }
    return starts;
  }

  /**
   * Whether the view has a column named like the reader's row number (data of its own with that name): such a view
   * is not cut into row ranges, whose reading adds that column.
   */
  private static boolean numbersRows(Connection connection, TableName view) {
    try (PreparedStatement statement = connection.prepareStatement("SELECT * FROM " + view.sql())) {
      ResultSetMetaData metadata = statement.getMetaData();
      for (int i = 1; i <= metadata.getColumnCount(); i++) {
        if (metadata.getColumnName(i).equalsIgnoreCase(SliceSql.ROW_NUMBER)) {
          return true;
        }
      }
      return false;
    } catch (SQLException e) {
      throw DuckDbErrors.translate(e);
    }
  }

  private String sliceSql(Connection connection, Partition partition) {
    var parse = DuckDbStatements.parse(connection, partition.sql());
    if (parse.path("error").asBoolean(true) || parse.path("statements").size() != 1) {
      throw EngineException.invalidArgument("the partition's query is not a single SELECT statement");
    }
    if (partition.slice() instanceof Slice.TableRows rows) {
      return SliceSql.tableRows(connection, parse, rows);
    }
    Slice.DatasetSlice slice = (Slice.DatasetSlice) partition.slice();
    FileDatasets.FileDataset dataset = datasets.dataset(slice.view())
        .orElseThrow(() -> changed("the files of dataset " + slice.view()));
    return slice instanceof Slice.DatasetFileRows rows
        ? SliceSql.datasetFileRows(connection, parse, rows, dataset)
        : SliceSql.datasetFiles(connection, parse, (Slice.DatasetFiles) slice, dataset);
  }

  /** Fails with ABORTED unless the slice's input is what it was at planning. */
  private void requireUnchanged(Connection connection, Slice slice) throws SQLException {
    if (slice instanceof Slice.TableRows rows) {
      // Reading the table's storage first fixes this transaction's DuckDB snapshot; the versions, checked after,
      // then cover every commit that snapshot could include: one DuckDB made visible before the versions moved is
      // still marked in flight, which counts as changed.
      long physicalRows = physicalRows(connection, rows.table());
      DataVersions.Snapshot planned = new DataVersions.Snapshot(rows.epoch(), Map.of(rows.table(), rows.version()));
      if (physicalRows != rows.physicalRows() || !engine.dataVersions().unchangedSince(planned)) {
        throw changed("the table " + rows.table());
      }
    } else if (slice instanceof Slice.DatasetSlice files
        && !files.files().stream().allMatch(FileStamp::unchanged)) {
      throw changed("the files of dataset " + files.view());
    }
  }

  private static EngineException changed(String what) {
    return new EngineException(ErrorKind.ABORTED, what + " changed since the query was planned; run it again");
  }

  /** Whether DuckDB types the slice's SQL exactly as the whole query. */
  private static boolean describesAs(Connection connection, String sliceSql, StatementPlan plan) {
    try (PreparedStatement statement = connection.prepareStatement(sliceSql)) {
      ResultSetMetaData metadata = statement.getMetaData();
      List<String> types = new ArrayList<>();
      for (int i = 1; i <= metadata.getColumnCount(); i++) {
        types.add(metadata.getColumnTypeName(i));
      }
      return types.equals(plan.columnTypes());
    } catch (SQLException e) {
      return false;
    }
  }

  /** The rows in the table's storage, deleted ones included (DuckDB's estimated_size). */
  private static long physicalRows(Connection connection, TableName table) throws SQLException {
    try (PreparedStatement statement = connection.prepareStatement("""
        SELECT estimated_size FROM duckdb_tables()
        WHERE database_name = ? AND schema_name = ? AND table_name = ?""")) {
      statement.setString(1, table.catalog());
      statement.setString(2, table.schema());
      statement.setString(3, table.name());
      try (ResultSet result = statement.executeQuery()) {
        if (!result.next()) {
          throw changed("the table " + table);
        }
        return result.getLong(1);
      }
    }
  }

  private static long physicalRowsNow(Connection connection, TableName table) {
    try {
      return physicalRows(connection, table);
    } catch (SQLException e) {
      throw DuckDbErrors.translate(e);
    }
  }

  /** Each file's row count, from its Parquet footer. */
  private static List<Long> parquetRows(Connection connection, List<FileStamp> files) {
    List<Long> rows = new ArrayList<>();
    try (PreparedStatement statement = connection.prepareStatement(
        "SELECT file_name, num_rows FROM parquet_file_metadata(" + pathList(files) + ")")) {
      Map<String, Long> byFile = new HashMap<>();
      try (ResultSet result = statement.executeQuery()) {
        while (result.next()) {
          byFile.put(result.getString(1), result.getLong(2));
        }
      }
      files.forEach(file -> rows.add(byFile.getOrDefault(file.path(), 0L)));
      return rows;
    } catch (SQLException e) {
      throw DuckDbErrors.translate(e);
    }
  }

  /** The files' paths as a DuckDB list of string literals. */
  private static String pathList(List<FileStamp> files) {
    return files.stream().map(file -> SqlIdentifiers.quoteLiteral(file.path()))
        .collect(Collectors.joining(", ", "[", "]"));
  }

  private static long count(Connection connection, String sql) {
    try (PreparedStatement statement = connection.prepareStatement(sql);
         ResultSet result = statement.executeQuery()) {
      result.next();
      return result.getLong(1);
    } catch (SQLException e) {
      throw DuckDbErrors.translate(e);
    }
  }
}
