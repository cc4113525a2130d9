package dev.bridge.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bridge.config.DatasetConfig;
import dev.bridge.config.EnginesConfig;
import dev.bridge.config.SparkConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.arrow.adbc.core.AdbcConnection;
import org.apache.arrow.adbc.core.AdbcConnection.GetObjectsDepth;
import org.apache.arrow.adbc.core.AdbcDatabase;
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
 * Spark. Its getObjects stops at the table depth (see {@link AdbcMetadataTest}: column schemas are checked through
 * pyarrow and JDBC). This driver version has no current catalog of its own (setCurrentCatalog is not implemented, and
 * it sends no SetSessionOptions) and no cancel: queries on Spark, a Spark error and a cancel through it need
 * {@code USE spark} (branch issue-24b-adbc adds those tests once USE spark is on main).
 */
class SparkAdbcTest {
  private static final SparkConnectServer spark = SparkConnectServer.shared();

  @RegisterExtension
  static final TestServer server = TestServer.perClass(config -> DatasetsTest.withDatasets(config,
          SparkDatasetsTest.writeData(), List.of(DatasetConfig.of("orders", List.of("orders/*.parquet")),
              DatasetConfig.of("customers", List.of("customers/*.parquet"))))
      .withEngines(new EnginesConfig(new SparkConfig(spark.remote(), null, spark.tokenFile().toString(), null))));

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
