package dev.bridge.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bridge.config.DatasetConfig;
import java.nio.file.Path;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Datasets in Java ADBC's getObjects (driver 0.20.0) at the table depth; the column depth is beyond this driver
 * version (see {@link AdbcMetadataTest}), so columns are checked through JDBC and FlightSqlClient in
 * {@link DatasetsTest}.
 */
class AdbcDatasetsTest {
  @TempDir
  Path data;

  @Test
  void getObjectsListsDatasetsAsViewsOfTheFilesSchemaAndFollowsApply() throws Exception {
    try (DataFiles files = new DataFiles(data)) {
      files.parquet("trips/a.parquet", "SELECT 1 AS id");
      files.parquet("stops/a.parquet", "SELECT 1 AS id");
    }
    try (TestServer server = TestServer.start(config -> DatasetsTest.withDatasets(config, data,
            List.of(DatasetConfig.of("trips", List.of("trips/*.parquet")))));
         BufferAllocator allocator = new RootAllocator();
         AdbcDatabase database = server.adbcDatabase(allocator);
         AdbcConnection connection = database.connect()) {
      assertThat(filesTables(connection)).containsExactly(List.of("trips", "VIEW"));

      server.server().datasets().apply(List.of(DatasetConfig.of("trips", List.of("trips/*.parquet")),
          DatasetConfig.of("stops", List.of("stops/*.parquet"))));
      assertThat(filesTables(connection)).containsExactlyInAnyOrder(List.of("trips", "VIEW"), List.of("stops", "VIEW"));
    }
  }

  /** (table name, table type) of every table getObjects reports in schema {@code files}. */
  @SuppressWarnings("unchecked")
  private static List<List<String>> filesTables(AdbcConnection connection) throws Exception {
    List<List<String>> tables = new ArrayList<>();
    try (ArrowReader reader = connection.getObjects(GetObjectsDepth.TABLES, "memory", "files", "%", null, null)) {
      while (reader.loadNextBatch()) {
        VectorSchemaRoot root = reader.getVectorSchemaRoot();
        for (int row = 0; row < root.getRowCount(); row++) {
          for (Map<String, Object> schema : (List<Map<String, Object>>) root.getVector("catalog_db_schemas")
              .getObject(row)) {
            for (Map<String, Object> table : (List<Map<String, Object>>) schema.get("db_schema_tables")) {
              tables.add(List.of(table.get("table_name").toString(), table.get("table_type").toString()));
            }
          }
        }
      }
    }
    return tables;
  }
}
