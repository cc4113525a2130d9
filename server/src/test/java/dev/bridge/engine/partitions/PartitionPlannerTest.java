package dev.bridge.engine.partitions;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bridge.config.DatabaseConfig;
import dev.bridge.config.LimitsConfig;
import dev.bridge.config.SessionConfig;
import dev.bridge.engine.AccessPolicy;
import dev.bridge.engine.Cancellation;
import dev.bridge.engine.DataVersions;
import dev.bridge.engine.DuckDbEngine;
import dev.bridge.engine.EngineException;
import dev.bridge.engine.ErrorKind;
import dev.bridge.engine.QueryTimeouts;
import dev.bridge.engine.ResultStream;
import dev.bridge.engine.Session;
import dev.bridge.engine.SessionManager;
import dev.bridge.engine.StatementExecutor;
import dev.bridge.engine.StatementPlan;
import dev.bridge.engine.StatementQueue;
import dev.bridge.engine.TableName;
import dev.bridge.engine.UnitOfWork;
import dev.bridge.identity.Principal;
import dev.bridge.identity.Role;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The engine's partition planning on a real DuckDB: which queries split, how, and what reading a part checks. */
class PartitionPlannerTest {
  private static final long ROWS = 5 * PartitionPlanner.ROW_GROUP_ROWS + 1_000;

  @TempDir
  Path directory;
  private BufferAllocator allocator;
  private DuckDbEngine engine;
  private SessionManager sessions;
  private StatementExecutor executor;
  private QueryTimeouts timeouts;
  private PartitionPlanner planner;
  private Session session;
  private final List<FileStamp> datasetFiles = new ArrayList<>();

  @BeforeEach
  void open() {
    allocator = new RootAllocator();
    engine = DuckDbEngine.open(DatabaseConfig.DEFAULT.withPath(DatabaseConfig.IN_MEMORY)
        .withDataDirectories(List.of(directory.toString())));
    sessions = new SessionManager(engine, SessionConfig.DEFAULT);
    timeouts = new QueryTimeouts(LimitsConfig.DEFAULT);
    executor = new StatementExecutor(allocator, timeouts, new StatementQueue(LimitsConfig.DEFAULT, () -> false),
        AccessPolicy.ALLOW_ALL);
    planner = new PartitionPlanner(engine, executor, this::dataset);
    session = sessions.session("k", new Principal("w", Role.WRITER));
    update("CREATE TABLE t AS SELECT range AS id, range % 7 AS k, 'v' || range AS v FROM range(" + ROWS + ")");
  }

  @AfterEach
  void close() {
    sessions.close();
    timeouts.close();
    engine.close();
    allocator.close();
  }

  /** One Parquet dataset, "ds", over the files the test wrote (as the datasets package would declare it). */
  private Optional<FileDatasets.FileDataset> dataset(TableName view) {
    if (!view.name().equalsIgnoreCase("ds")) {
      return Optional.empty();
    }
    return Optional.of(new FileDatasets.FileDataset() {
      @Override
      public List<FileStamp> files() {
        return List.copyOf(datasetFiles);
      }

      @Override
      public String selectSql(List<String> paths) {
        return "SELECT * FROM read_parquet([" + String.join(", ", paths.stream().map(p -> "'" + p + "'").toList())
            + "], union_by_name = true, hive_partitioning = false)";
      }
    });
  }

  private void update(String sql) {
    executor.executeUpdate(session, executor.plan(session, sql), List.of());
  }

  private StatementPlan plan(String sql) {
    return executor.plan(session, sql);
  }

  private Optional<PartitionPlan> partitions(String sql, int wanted) {
    return planner.plan(session, plan(sql), wanted, 1);
  }

  /** Every row of the stream, each as the text of its values. */
  private List<String> rows(ResultStream stream) {
    List<String> rows = new ArrayList<>();
    try (stream) {
      while (stream.next()) {
        for (int r = 0; r < stream.root().getRowCount(); r++) {
          StringBuilder row = new StringBuilder();
          for (FieldVector vector : stream.root().getFieldVectors()) {
            row.append(vector.getObject(r)).append('|');
          }
          rows.add(row.toString());
        }
      }
    }
    return rows;
  }

  /** The rows in one order: the multiset compared as lists (AssertJ's any-order comparison is quadratic). */
  private static List<String> sorted(List<String> rows) {
    List<String> copy = new ArrayList<>(rows);
    java.util.Collections.sort(copy);
    return copy;
  }

  private List<String> whole(String sql) {
    return rows(executor.openQuery(session, plan(sql), List.of(), 10_000));
  }

  private List<String> union(String sql, PartitionPlan partitionPlan) {
    List<String> rows = new ArrayList<>();
    for (Partition partition : partitionPlan.partitions()) {
      rows.addAll(rows(planner.open(session, plan(sql), Partition.fromBytes(partition.toBytes()), 10_000,
          new Cancellation())));
    }
    return rows;
  }

  @Test
  void aProjectionAndFilterOfATableSplitIntoRowGroupAlignedRangesWhoseUnionIsTheWholeAnswer() {
    for (String sql : List.of("SELECT id, v FROM t", "SELECT id * 2 AS twice, upper(v) FROM t AS x WHERE x.k = 3",
        "SELECT * FROM main.t WHERE k IN (1, 2) OR v LIKE 'v1%'", "SELECT CASE WHEN k > 3 THEN v END, id FROM t",
        "SELECT * FROM t WHERE id BETWEEN 100 AND 400000;")) {
      PartitionPlan partitionPlan = partitions(sql, 4).orElseThrow(() -> new AssertionError(sql));
      assertThat(partitionPlan.partitions()).as(sql).hasSize(4);
      assertThat(sorted(union(sql, partitionPlan))).as(sql).isEqualTo(sorted(whole(sql)));
    }
    Slice.TableRows first = (Slice.TableRows) partitions("SELECT id FROM t", 4).get().partitions().get(0).slice();
    assertThat(first.fromRowid()).isZero();
    assertThat(first.toRowid() % PartitionPlanner.ROW_GROUP_ROWS).isZero();
    assertThat(partitions("SELECT id FROM t", 4).get().totalRecords()).isEqualTo(ROWS);
    assertThat(partitions("SELECT id FROM t WHERE k = 1", 4).get().totalRecords()).isEqualTo(-1);
  }

  @Test
  void noMorePartitionsThanRowGroupsOrTheMinimumRowsAllow() {
    assertThat(partitions("SELECT id FROM t", 64).get().partitions()).hasSize(6);
    assertThat(planner.plan(session, plan("SELECT id FROM t"), 8, ROWS / 2)).get()
        .extracting(p -> p.partitions().size()).isEqualTo(2);
    assertThat(planner.plan(session, plan("SELECT id FROM t"), 8, ROWS + 1)).isEmpty();
    assertThat(partitions("SELECT id FROM t", 1)).isEmpty();
  }

  @Test
  void everyShapeThatIsNotAPlainUnionStaysWhole() {
    update("CREATE TABLE u AS SELECT range AS id FROM range(10)");
    update("CREATE VIEW tv AS SELECT * FROM t");
    update("CREATE TABLE with_rowid AS SELECT range AS rowid, range AS id FROM range(" + ROWS + ")");
    update("CREATE MACRO twice(x) AS x * 2");
    update("CREATE SEQUENCE s");
    for (String sql : List.of("SELECT count(*) FROM t", "SELECT k, count(*) FROM t GROUP BY k",
        "SELECT sum(id) FROM t", "SELECT id, row_number() OVER () FROM t", "SELECT DISTINCT k FROM t",
        "SELECT id FROM t ORDER BY id", "SELECT id FROM t LIMIT 10", "SELECT id FROM t OFFSET 10",
        "SELECT id FROM t UNION ALL SELECT id FROM t", "SELECT id FROM t EXCEPT SELECT id FROM u",
        "SELECT t.id FROM t JOIN u ON t.id = u.id", "SELECT t.id FROM t, u", "SELECT id, random() FROM t",
        "SELECT id FROM t WHERE random() < 0.5", "SELECT id, now() FROM t", "SELECT gen_random_uuid(), id FROM t",
        "SELECT id FROM t WHERE id IN (SELECT id FROM u)", "SELECT id, (SELECT max(id) FROM u) FROM t",
        "WITH x AS (SELECT * FROM t) SELECT * FROM x", "SELECT * FROM (SELECT * FROM t) AS s",
        "SELECT * FROM tv", "SELECT id FROM with_rowid", "SELECT twice(id) FROM t",
        "SELECT k FROM t QUALIFY row_number() OVER (PARTITION BY k) = 1", "SELECT id FROM t USING SAMPLE 10",
        "SELECT list_transform([id], lambda x: x + 1) FROM t", "SELECT * FROM range(1000000)",
        "SELECT id FROM t; SELECT id FROM t", "SELECT nextval('s') FROM t")) {
      assertThat(partitions(sql, 4)).as(sql).isEmpty();
    }
  }

  @Test
  void aQueryWithParametersOrInsideATransactionStaysWhole() {
    assertThat(partitions("SELECT id FROM t WHERE k = ?", 4)).isEmpty();
    update("BEGIN TRANSACTION");
    assertThat(partitions("SELECT id FROM t", 4)).isEmpty();
    update("ROLLBACK");
    update("CREATE TEMPORARY TABLE tt AS SELECT * FROM t");
    assertThat(partitions("SELECT id FROM tt", 4)).as("a spare connection cannot see a temporary table").isEmpty();
  }

  @Test
  void aWriteBetweenPlanningAndAPartitionsReadFailsItWithAborted() {
    String sql = "SELECT id FROM t";
    PartitionPlan partitionPlan = partitions(sql, 3).orElseThrow();
    rows(planner.open(session, plan(sql), partitionPlan.partitions().get(0), 10_000, new Cancellation()));
    update("UPDATE t SET v = 'changed' WHERE id = 1");
    assertThatThrownBy(() -> planner.open(session, plan(sql), partitionPlan.partitions().get(1), 10_000,
        new Cancellation()))
        .isInstanceOfSatisfying(EngineException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.ABORTED))
        .hasMessageContaining("changed since the query was planned; run it again");
  }

  @Test
  void aCommitDuckDbMadeVisibleBeforeItsVersionsMovedFailsAPartitionWithAborted() {
    String sql = "SELECT id, v FROM t";
    PartitionPlan partitionPlan = partitions(sql, 2).orElseThrow();
    Session writer = sessions.session("other", new Principal("w", Role.WRITER));
    StatementPlan update = executor.plan(writer, "UPDATE t SET v = 'new' WHERE id = 0");
    try (UnitOfWork work = writer.work(UnitOfWork.Mode.AUTO_COMMIT);
         java.sql.Statement statement = work.connection().createStatement()) {
      work.running(update.effects());
      statement.execute(update.executableSql());
      // The window: DuckDB committed, the table's version has not moved yet (it moves when the work ends).
      Slice.TableRows planned = (Slice.TableRows) partitionPlan.partitions().get(0).slice();
      assertThat(engine.dataVersions().version(planned.table())).isEqualTo(planned.version());
      assertThatThrownBy(() -> planner.open(session, plan(sql), partitionPlan.partitions().get(0), 10_000,
          new Cancellation()))
          .isInstanceOfSatisfying(EngineException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.ABORTED))
          .hasMessageContaining("changed since the query was planned; run it again");
      work.ran(update.effects());
    } catch (java.sql.SQLException e) {
      throw new AssertionError(e);
    }
    assertThatThrownBy(() -> union(sql, partitionPlan)).as("after the versions moved too")
        .isInstanceOfSatisfying(EngineException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.ABORTED));
    assertThat(union(sql, partitions(sql, 2).orElseThrow())).contains("0|new|");
  }

  @Test
  void aTextOfSeveralStatementsMarksItsTablesInFlightBeforePreparingItRunsAny() throws java.sql.SQLException {
    String sql = "SELECT id, v FROM t";
    PartitionPlan partitionPlan = partitions(sql, 2).orElseThrow();
    Slice.TableRows planned = (Slice.TableRows) partitionPlan.partitions().get(0).slice();
    DataVersions.Snapshot atPlanning = engine.dataVersions().snapshot(java.util.Set.of(planned.table()));
    Session writer = sessions.session("other", new Principal("w", Role.WRITER));
    // Called by DuckDB while the text's first statement runs, inside DuckDB's prepare of the whole text: what a
    // partition checking its table at that moment would be told.
    List<Boolean> unchangedWhileRunning = new java.util.concurrent.CopyOnWriteArrayList<>();
    try (UnitOfWork work = writer.workOnOwnConnection(UnitOfWork.Mode.AUTO_COMMIT)) {
      org.duckdb.DuckDBFunctions.scalarFunction().withName("observe_versions").withReturnType(Boolean.class)
          .withFunction(() -> unchangedWhileRunning.add(engine.dataVersions().unchangedSince(atPlanning)))
          .withVolatile().register(work.connection());
    }
    StatementPlan last = executor.plan(writer,
        "UPDATE t SET v = 'first' WHERE id = 0 AND observe_versions(); SELECT count(*) FROM t");
    assertThat(last.effects().severalStatements()).isTrue();
    assertThat(unchangedWhileRunning).as("the first statement ran while preparing").isNotEmpty().containsOnly(false);
    assertThatThrownBy(() -> union(sql, partitionPlan)).as("after the versions moved")
        .isInstanceOfSatisfying(EngineException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.ABORTED));
    assertThat(union(sql, partitions(sql, 2).orElseThrow())).contains("0|first|");
  }

  @Test
  void aTextWhoseLastStatementFailsToPrepareStillMovesTheVersionsOfWhatItsFirstCommitted() {
    String sql = "SELECT id, v FROM t";
    PartitionPlan partitionPlan = partitions(sql, 2).orElseThrow();
    Session writer = sessions.session("other", new Principal("w", Role.WRITER));
    assertThatThrownBy(() -> executor.plan(writer, "UPDATE t SET v = 'kept' WHERE id = 1; SELECT * FROM missing"))
        .isInstanceOf(EngineException.class).hasMessageContaining("missing");
    assertThatThrownBy(() -> union(sql, partitionPlan)).as("DuckDB committed the first statement")
        .isInstanceOfSatisfying(EngineException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.ABORTED));
    assertThat(union(sql, partitions(sql, 2).orElseThrow())).contains("1|kept|");
  }

  @Test
  void aWriteToAnotherTableLeavesThePartitionsReadable() {
    update("CREATE TABLE other(i INTEGER)");
    String sql = "SELECT id FROM t";
    PartitionPlan partitionPlan = partitions(sql, 2).orElseThrow();
    update("INSERT INTO other VALUES (1)");
    assertThat(union(sql, partitionPlan)).hasSize((int) ROWS);
  }

  @Test
  void aParquetDatasetSplitsByFilesAndAChangedFileFailsItsPartitionWithAborted() throws Exception {
    for (int i = 0; i < 5; i++) {
      Path file = directory.resolve("part" + i + ".parquet");
      update("COPY (SELECT * FROM t WHERE id % 5 = " + i + ") TO '" + file + "' (FORMAT parquet)");
      datasetFiles.add(FileStamp.of(file));
    }
    update("CREATE VIEW ds AS " + dataset(new TableName("memory", "main", "ds")).orElseThrow()
        .selectSql(datasetFiles.stream().map(FileStamp::path).toList()));
    String sql = "SELECT id, v FROM ds WHERE ds.k <> 2";
    PartitionPlan partitionPlan = partitions(sql, 3).orElseThrow();
    assertThat(partitionPlan.partitions()).hasSize(3);
    assertThat(partitionPlan.partitions()).allSatisfy(p -> assertThat(p.slice()).isInstanceOf(Slice.DatasetFiles.class));
    assertThat(sorted(union(sql, partitionPlan))).isEqualTo(sorted(whole(sql)));
    assertThat(partitions("SELECT * FROM ds", 3).get().totalRecords()).isEqualTo(ROWS);
    assertThat(partitions("SELECT count(*) FROM ds", 3)).isEmpty();

    Partition first = partitionPlan.partitions().get(0);
    Path rewritten = Path.of(((Slice.DatasetFiles) first.slice()).files().get(0).path());
    Files.setLastModifiedTime(rewritten, java.nio.file.attribute.FileTime.fromMillis(0));
    assertThatThrownBy(() -> planner.open(session, plan(sql), first, 10_000, new Cancellation()))
        .isInstanceOfSatisfying(EngineException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.ABORTED))
        .hasMessageContaining("dataset");
  }

  /**
   * One Parquet file of {@code rows} rows (id = the row's place in the file, k = id % 7) in row groups of 100,000
   * rows, as the only file of the dataset "ds".
   */
  private Path oneFileDataset(long rows) throws Exception {
    Path file = directory.resolve("big.parquet");
    update("COPY (SELECT range AS id, range % 7 AS k FROM range(" + rows + ")) TO '" + file
        + "' (FORMAT parquet, ROW_GROUP_SIZE 100000)");
    datasetFiles.add(FileStamp.of(file));
    update("CREATE VIEW ds AS " + dataset(new TableName("memory", "main", "ds")).orElseThrow()
        .selectSql(List.of(file.toString())));
    return file;
  }

  /** The rows "id|k|" of the ids in [from, to), as the one-file dataset holds them. */
  private static List<String> idsBetween(long from, long to) {
    List<String> rows = new ArrayList<>();
    for (long id = from; id < to; id++) {
      rows.add(id + "|" + id % 7 + "|");
    }
    return rows;
  }

  /** Rows of the file's footer, one per column chunk: what {@code column} holds for each chunk that matches. */
  private List<Long> footer(Path file, String column, String where) throws java.sql.SQLException {
    List<Long> values = new ArrayList<>();
    try (UnitOfWork work = session.work(UnitOfWork.Mode.AUTO_COMMIT);
         var statement = work.connection().prepareStatement("SELECT " + column + " FROM parquet_metadata(?) "
             + where)) {
      statement.setString(1, file.toString());
      try (var result = statement.executeQuery()) {
        while (result.next()) {
          values.add(result.getLong(1));
        }
      }
    }
    return values;
  }

  @Test
  void aOneFileDatasetSplitsIntoRowGroupRunsAndAPartitionNeverReadsAnotherPartitionsRowGroups() throws Exception {
    long rows = 1_000_000;
    Path file = oneFileDataset(rows);
    String sql = "SELECT id, k FROM ds";
    PartitionPlan partitionPlan = partitions(sql, 4).orElseThrow();
    assertThat(partitionPlan.partitions()).hasSize(4);
    List<Slice.DatasetFileRows> slices = partitionPlan.partitions().stream()
        .map(p -> (Slice.DatasetFileRows) p.slice()).toList();
    // Contiguous runs of whole row groups covering the file.
    List<Long> groupStarts = footer(file, "(sum(row_group_num_rows) OVER (ORDER BY row_group_id) "
        + "- row_group_num_rows)::BIGINT", "WHERE column_id = 0");
    assertThat(groupStarts).hasSizeGreaterThanOrEqualTo(8);
    assertThat(slices.get(0).fromRow()).isZero();
    assertThat(slices.get(3).toRow()).isEqualTo(rows);
    for (int i = 0; i < 4; i++) {
      assertThat(groupStarts).contains(slices.get(i).fromRow());
      assertThat(slices.get(i).toRow()).isGreaterThan(slices.get(i).fromRow());
      if (i > 0) {
        assertThat(slices.get(i).fromRow()).isEqualTo(slices.get(i - 1).toRow());
      }
    }

    // The proof that a partition reads only its own row groups: before any of the file's data is read, its first
    // row group's bytes are overwritten (the footer and the file's stamp stay as they were), so any read of that
    // row group fails; every other partition still reads exactly its rows.
    long modified = Files.getLastModifiedTime(file).toMillis();
    try (var bytes = new java.io.RandomAccessFile(file.toFile(), "rw")) {
      String firstGroup = "WHERE row_group_id = 0 ORDER BY column_id";
      List<Long> starts = footer(file, "least(dictionary_page_offset, data_page_offset)", firstGroup);
      List<Long> sizes = footer(file, "total_compressed_size", firstGroup);
      assertThat(starts).hasSize(2);
      for (int c = 0; c < starts.size(); c++) {
        bytes.seek(starts.get(c));
        byte[] garbage = new byte[(int) (long) sizes.get(c)];
        java.util.Arrays.fill(garbage, (byte) 0xff);
        bytes.write(garbage);
      }
    }
    Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.fromMillis(modified));
    assertThat(FileStamp.of(file)).isEqualTo(datasetFiles.get(0));
    for (int i = 1; i < 4; i++) {
      assertThat(sorted(rows(planner.open(session, plan(sql), partitionPlan.partitions().get(i), 10_000,
          new Cancellation())))).isEqualTo(sorted(idsBetween(slices.get(i).fromRow(), slices.get(i).toRow())));
    }
    assertThatThrownBy(() -> rows(planner.open(session, plan(sql), partitionPlan.partitions().get(0), 10_000,
        new Cancellation()))).isInstanceOf(EngineException.class);
    assertThatThrownBy(() -> whole(sql)).isInstanceOf(EngineException.class);
  }

  @Test
  void aOneFileDatasetsRowGroupRunsAreTheWholeAnswerAndARewrittenFileFailsThemWithAborted() throws Exception {
    Path file = oneFileDataset(400_000);
    String sql = "SELECT id, k FROM ds";
    PartitionPlan partitionPlan = partitions(sql, 4).orElseThrow();
    assertThat(partitionPlan.partitions()).hasSize(4)
        .allSatisfy(p -> assertThat(p.slice()).isInstanceOf(Slice.DatasetFileRows.class));
    assertThat(partitionPlan.totalRecords()).isEqualTo(400_000);
    assertThat(sorted(union(sql, partitionPlan))).isEqualTo(sorted(whole(sql)));
    String filtered = "SELECT id, k FROM ds AS d WHERE d.k = 3 OR id < 10";
    PartitionPlan filteredPlan = partitions(filtered, 3).orElseThrow();
    assertThat(filteredPlan.partitions()).hasSize(3);
    assertThat(filteredPlan.totalRecords()).isEqualTo(-1);
    assertThat(sorted(union(filtered, filteredPlan))).isEqualTo(sorted(whole(filtered)));

    update("COPY (SELECT range AS id, range % 7 AS k FROM range(400000)) TO '" + file
        + "' (FORMAT parquet, ROW_GROUP_SIZE 100000)");
    Files.setLastModifiedTime(file, java.nio.file.attribute.FileTime.fromMillis(0));
    assertThatThrownBy(() -> planner.open(session, plan(sql), partitionPlan.partitions().get(1), 10_000,
        new Cancellation()))
        .isInstanceOfSatisfying(EngineException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.ABORTED))
        .hasMessageContaining("the files of dataset").hasMessageContaining("changed since the query was planned");
  }

  @Test
  void aOneFileDatasetWithAColumnNamedLikeTheReadersRowNumberIsNotCutIntoRowRanges() throws Exception {
    Path file = directory.resolve("numbered.parquet");
    update("COPY (SELECT range AS id, range * 2 AS file_row_number FROM range(400000)) TO '" + file
        + "' (FORMAT parquet, ROW_GROUP_SIZE 100000)");
    datasetFiles.add(FileStamp.of(file));
    update("CREATE VIEW ds AS " + dataset(new TableName("memory", "main", "ds")).orElseThrow()
        .selectSql(List.of(file.toString())));
    assertThat(partitions("SELECT id, file_row_number FROM ds", 4)).isEmpty();
  }

  @Test
  void aPartitionOfAnotherQueryOrBytesThatAreNoPartitionAreRefused() {
    PartitionPlan partitionPlan = partitions("SELECT id FROM t", 2).orElseThrow();
    assertThatThrownBy(() -> planner.open(session, plan("SELECT v FROM t"), partitionPlan.partitions().get(0),
        10_000, new Cancellation())).isInstanceOf(EngineException.class).hasMessageContaining("another query");
    assertThatThrownBy(() -> Partition.fromBytes("nope".getBytes()))
        .isInstanceOfSatisfying(EngineException.class,
            e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_ARGUMENT));
  }
}
