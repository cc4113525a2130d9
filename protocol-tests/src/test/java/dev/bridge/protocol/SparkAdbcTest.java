package dev.bridge.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bridge.config.DatasetConfig;
import dev.bridge.config.EnginesConfig;
import dev.bridge.config.SparkConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.arrow.adbc.core.AdbcConnection;
import org.apache.arrow.adbc.core.AdbcConnection.GetObjectsDepth;
import org.apache.arrow.adbc.core.AdbcDatabase;
import org.apache.arrow.adbc.core.AdbcException;
import org.apache.arrow.adbc.core.AdbcStatement;
import org.apache.arrow.adbc.core.AdbcStatusCode;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Java ADBC (Flight SQL driver 0.20.0) against Bridge with engines.spark and two Parquet datasets registered in
 * Spark. This driver version has no current catalog of its own (setCurrentCatalog is not implemented, and it sends
 * no SetSessionOptions), so a connection makes Spark's catalog current with {@code USE spark}; its getObjects stops
 * at the table depth (see {@link AdbcMetadataTest}: column schemas are checked through pyarrow and JDBC).
 */
class SparkAdbcTest {
  private static final SparkConnectServer spark = SparkConnectServer.shared();

  @RegisterExtension
  static final TestServer server = TestServer.perClass(config -> DatasetsTest.withDatasets(config,
          SparkDatasetsTest.writeData(), List.of(DatasetConfig.of("orders", List.of("orders/*.parquet")),
              DatasetConfig.of("customers", List.of("customers/*.parquet"))))
      .withEngines(new EnginesConfig(new SparkConfig(spark.remote(), null, spark.tokenFile().toString(), null))));
  private static final RestClient rest = new RestClient(server);

  private BufferAllocator allocator;
  private AdbcDatabase database;
  private AdbcConnection connection;

  @BeforeEach
  void connect() throws Exception {
    allocator = new RootAllocator();
    database = server.adbcDatabase(allocator);
    connection = database.connect();
  }

  @AfterEach
  void close() throws Exception {
    connection.close();
    database.close();
    allocator.close();
  }

  @Test
  void getObjectsListsTheSparkCatalogItsDatabasesAndTheDatasetTables() throws Exception {
    assertThat(names(objects(GetObjectsDepth.CATALOGS, null, null), "catalog_name")).contains("memory", "spark");
    List<Map<String, Object>> catalogs = objects(GetObjectsDepth.DB_SCHEMAS, "spark", null);
    assertThat(catalogs).hasSize(1);
    assertThat(names(schemas(catalogs.get(0)), "db_schema_name")).contains("default", "files");
    List<Map<String, Object>> files = schemas(objects(GetObjectsDepth.TABLES, "spark", "files").get(0));
    List<String> tables = new ArrayList<>();
    for (Map<String, Object> table : list(files.get(0).get("db_schema_tables"))) {
      tables.add(table.get("table_name") + " " + table.get("table_type"));
    }
    assertThat(tables).contains("orders TABLE", "customers TABLE");
  }

  @Test
  void aQueryOverAParquetDatasetRunsOnSparkOnceTheConnectionUsesItsCatalog() throws Exception {
    update("USE spark");
    // version() is Spark's ("4.2.0 <commit>") on Spark, DuckDB's ("v1...") on DuckDB.
    assertThat(rows("SELECT version() AS v").get(0)).startsWith("4.");
    assertThat(rows("SELECT c.name, count(*) AS n FROM files.orders o JOIN files.customers c"
        + " ON o.customer = c.customer GROUP BY c.name ORDER BY c.name"))
        .containsExactly("customer 0|200", "customer 1|200", "customer 2|200", "customer 3|200", "customer 4|200");
  }

  @Test
  void aSparkErrorReachesAdbcAsAStatusWithSparksMessage() throws Exception {
    update("USE spark");
    assertThatThrownBy(() -> rows("SELECT * FROM files.no_such_dataset"))
        .isInstanceOf(AdbcException.class)
        .hasMessageContaining("Spark: [TABLE_OR_VIEW_NOT_FOUND]")
        .hasMessageContaining("no_such_dataset")
        .satisfies(e -> assertThat(((AdbcException) e).getStatus()).isEqualTo(AdbcStatusCode.NOT_FOUND));
  }

  @Test
  void closingTheReaderMidStreamInterruptsTheSparkJob() throws Exception {
    update("USE spark");
    double before = sparkQueries("cancelled");
    try (AdbcStatement statement = connection.createStatement()) {
      // 100,000 small tasks, each sending one row when it ends: rows from the start and for many minutes, never
      // much at once (a result Spark must hold whole would fill its driver's memory).
      statement.setSqlQuery("SELECT id FROM range(0, 100000000000, 1, 100000) WHERE id % 1000000 = 0");
      try (AdbcStatement.QueryResult result = statement.executeQuery()) {
        ArrowReader reader = result.getReader();
        assertThat(reader.loadNextBatch()).isTrue();
        assertThat(reader.getVectorSchemaRoot().getRowCount()).isPositive();
        // Java ADBC 0.20.0 has no cancel of its own (AdbcStatement.cancel is not implemented): closing the result
        // closes its Flight stream, which cancels the call.
      }
    }
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (sparkQueries("cancelled") - before < 1 && System.nanoTime() < deadline) {
      Thread.sleep(100);
    }
    assertThat(sparkQueries("cancelled") - before).isEqualTo(1);
    // The task slots are free again: a job that needs them completes at once.
    long started = System.nanoTime();
    assertThat(rows("SELECT count(*) AS n FROM range(0, 1000, 1, 2)")).containsExactly("1000");
    assertThat((System.nanoTime() - started) / 1e9).isLessThan(60);
  }

  private void update(String sql) throws AdbcException {
    try (AdbcStatement statement = connection.createStatement()) {
      statement.setSqlQuery(sql);
      statement.executeUpdate();
    } catch (AdbcException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Each row as "v1|v2|...". */
  private List<String> rows(String sql) throws Exception {
    List<String> rows = new ArrayList<>();
    try (AdbcStatement statement = connection.createStatement()) {
      statement.setSqlQuery(sql);
      try (AdbcStatement.QueryResult result = statement.executeQuery(); ArrowReader reader = result.getReader()) {
        while (reader.loadNextBatch()) {
          VectorSchemaRoot root = reader.getVectorSchemaRoot();
          for (int row = 0; row < root.getRowCount(); row++) {
            List<String> values = new ArrayList<>();
            for (var vector : root.getFieldVectors()) {
              values.add(String.valueOf(vector.getObject(row)));
            }
            rows.add(String.join("|", values));
          }
        }
      }
    }
    return rows;
  }

  /** bridge_queries_total of Spark queries with this outcome. */
  private static double sparkQueries(String outcome) {
    return rest.counter("bridge_queries_total", "engine=\"spark\"", "kind=\"query\"",
        "outcome=\"" + outcome + "\"");
  }

  @SuppressWarnings("unchecked")
  private List<Map<String, Object>> objects(GetObjectsDepth depth, String catalog, String schema) throws Exception {
    List<Map<String, Object>> catalogs = new ArrayList<>();
    try (ArrowReader reader = connection.getObjects(depth, catalog, schema, null, null, null)) {
      while (reader.loadNextBatch()) {
        VectorSchemaRoot root = reader.getVectorSchemaRoot();
        for (int row = 0; row < root.getRowCount(); row++) {
          Map<String, Object> entry = new java.util.HashMap<>();
          entry.put("catalog_name", String.valueOf(root.getVector("catalog_name").getObject(row)));
          entry.put("catalog_db_schemas", root.getVector("catalog_db_schemas").getObject(row));
          catalogs.add(entry);
        }
      }
    }
    return catalogs;
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> schemas(Map<String, Object> catalog) {
    return list(catalog.get("catalog_db_schemas"));
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> list(Object value) {
    return value == null ? List.of() : (List<Map<String, Object>>) value;
  }

  private static List<String> names(List<Map<String, Object>> entries, String key) {
    return entries.stream().map(entry -> String.valueOf(entry.get(key))).toList();
  }
}
