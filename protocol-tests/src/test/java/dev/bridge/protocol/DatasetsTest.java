package dev.bridge.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bridge.config.BridgeConfig;
import dev.bridge.config.ConfigException;
import dev.bridge.config.CsvDialect;
import dev.bridge.config.DatabaseConfig;
import dev.bridge.config.DatasetConfig;
import dev.bridge.config.FilesConfig;
import java.nio.file.Files;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.nio.charset.StandardCharsets;
import org.apache.arrow.flight.Criteria;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStatusCode;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.sql.FlightSqlClient;
import org.apache.arrow.flight.sql.util.TableRef;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.ipc.ReadChannel;
import org.apache.arrow.vector.ipc.message.MessageSerializer;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Configured datasets as live views: files are written, widened, deleted and corrupted while the server runs, and
 * what the JDBC driver and Arrow's FlightSqlClient see follows at the next statement.
 */
class DatasetsTest {
  @TempDir
  Path data;
  private DataFiles files;
  private TestServer server;
  private BufferAllocator allocator;
  private FlightSqlClient flightSql;
  private Connection jdbc;

  static BridgeConfig withDatasets(BridgeConfig config, Path dataDirectory, List<DatasetConfig> datasets) {
    return config.withDatabase(new DatabaseConfig(DatabaseConfig.IN_MEMORY, null, null,
            List.of(dataDirectory.toString())))
        .withFiles(FilesConfig.DEFAULT.withDatasets(datasets));
  }

  private void start(DatasetConfig... datasets) throws SQLException {
    server = TestServer.start(config -> withDatasets(config, data, List.of(datasets)));
    allocator = new RootAllocator();
    flightSql = server.flightSqlClient(allocator);
    jdbc = DriverManager.getConnection(server.jdbcUrl());
  }

  @BeforeEach
  void files() throws SQLException {
    files = new DataFiles(data);
  }

  @AfterEach
  void stop() throws Exception {
    if (jdbc != null) {
      jdbc.close();
      flightSql.close();
      allocator.close();
    }
    if (server != null) {
      server.close();
    }
    files.close();
  }

  @Test
  void aParquetDatasetFollowsItsFilesWithoutARestart() throws Exception {
    files.parquet("trips/2024-01.parquet", "SELECT range AS id, 'a' AS city FROM range(10)");
    start(DatasetConfig.of("trips", List.of("trips/*.parquet")));
    assertThat(scalar("SELECT count(*) FROM files.trips")).isEqualTo(10L);

    files.parquet("trips/2024-02.parquet", "SELECT range + 10 AS id, 'b' AS city FROM range(5)");
    assertThat(scalar("SELECT count(*) FROM files.trips")).isEqualTo(15L);

    files.parquet("trips/2024-03.parquet", "SELECT 100 AS id, 'c' AS city, 4.5::DOUBLE AS fare");
    assertThat(columnNames("SELECT * FROM files.trips")).containsExactly("id", "city", "fare");
    assertThat(scalar("SELECT sum(fare) FROM files.trips")).isEqualTo(4.5);
    assertThat(jdbcColumns("trips")).containsExactly("id", "city", "fare");

    files.delete("trips/2024-01.parquet");
    assertThat(scalar("SELECT count(*) FROM files.trips")).isEqualTo(6L);
    assertThat(scalar("SELECT min(id) FROM files.trips")).isEqualTo(10L);
  }

  @Test
  void csvAndJsonDatasetsReadWithTheirDialect() throws Exception {
    files.write("stations/north.csv", "SELECT 1 AS id, 'Gare; du Nord' AS name", "FORMAT csv, DELIMITER ';'");
    files.write("events/day1.json", "SELECT 7 AS id, 'start' AS kind", "FORMAT json");
    start(new DatasetConfig("stations", List.of("stations/*.csv"), null, null, null,
            new CsvDialect(";", true, "\"", null, null)),
        DatasetConfig.of("events", List.of("events/*.json")));
    assertThat(scalar("SELECT name FROM files.stations WHERE id = 1")).isEqualTo("Gare; du Nord");
    assertThat(scalar("SELECT kind FROM files.events WHERE id = 7")).isEqualTo("start");

    files.write("events/day2.json", "SELECT 8 AS id, 'stop' AS kind, true AS late", "FORMAT json");
    assertThat(columnNames("SELECT * FROM files.events")).containsExactly("id", "kind", "late");
    assertThat(scalar("SELECT count(*) FROM files.events")).isEqualTo(2L);
  }

  @Test
  void datasetsAppearInEveryClientsMetadataAndWidenThere() throws Exception {
    files.parquet("trips/a.parquet", "SELECT 1 AS id");
    start(DatasetConfig.of("trips", List.of("trips/*.parquet")));
    try (ResultSet tables = jdbc.getMetaData().getTables(null, "files", "%", null)) {
      assertThat(tables.next()).isTrue();
      assertThat(tables.getString("TABLE_NAME")).isEqualTo("trips");
      assertThat(tables.getString("TABLE_TYPE")).isEqualTo("VIEW");
    }
    files.parquet("trips/b.parquet", "SELECT 2 AS id, 'x' AS note");
    // No statement ran since the file arrived: the metadata call itself sees it.
    assertThat(flightSqlTableSchema("trips").getFields()).extracting(Field::getName).containsExactly("id", "note");
    assertThat(jdbcColumns("trips")).containsExactly("id", "note");
  }

  @Test
  void aDatasetWithoutFilesFailsWithItsNameAndPathWhileOthersWork() throws Exception {
    files.parquet("trips/a.parquet", "SELECT 1 AS id");
    start(DatasetConfig.of("trips", List.of("trips/*.parquet")),
        DatasetConfig.of("later", List.of("later/*.parquet")));
    assertThatThrownBy(() -> scalar("SELECT count(*) FROM files.later"))
        .hasMessageContaining("dataset 'later' is unavailable: no file matches " + data.resolve("later/*.parquet"));
    assertThatThrownBy(() -> flightSqlRows("SELECT * FROM files.later"))
        .isInstanceOf(FlightRuntimeException.class)
        // The server answers FAILED_PRECONDITION (test_datasets.py reads the gRPC code); Arrow Java's Flight client
        // has no such code and reports it as INVALID_ARGUMENT.
        .hasMessageContaining("dataset 'later' is unavailable");
    assertThat(scalar("SELECT count(*) FROM files.trips")).isEqualTo(1L);
    assertThat(jdbcColumns("later")).containsExactly("dataset_unavailable");

    files.parquet("later/a.parquet", "SELECT 5 AS n");
    assertThat(scalar("SELECT sum(n)::BIGINT FROM files.later")).isEqualTo(5L);
    assertThat(jdbcColumns("later")).containsExactly("n");
  }

  @Test
  void aCorruptFileMakesOnlyItsDatasetFailUntilItIsRemoved() throws Exception {
    files.parquet("trips/a.parquet", "SELECT 1 AS id, 'x' AS city");
    files.parquet("other/a.parquet", "SELECT 2 AS id");
    Path corrupt = files.corrupt("trips/b.parquet");
    // The server starts although a dataset is broken.
    start(DatasetConfig.of("trips", List.of("trips/*.parquet")), DatasetConfig.of("other", List.of("other/*.parquet")));
    assertThatThrownBy(() -> scalar("SELECT count(*) FROM files.trips"))
        .hasMessageContaining("dataset 'trips' is unavailable")
        .hasMessageContaining(corrupt.toString());
    assertThat(scalar("SELECT count(*) FROM files.other")).isEqualTo(1L);
    assertThat(jdbcColumns("other")).containsExactly("id");

    files.delete("trips/b.parquet");
    assertThat(scalar("SELECT count(*) FROM files.trips")).isEqualTo(1L);
    files.corrupt("trips/c.parquet");
    // A dataset that breaks keeps its columns in the metadata, so clients' catalogs do not flicker.
    assertThat(jdbcColumns("trips")).containsExactly("id", "city");
    assertThat(flightSqlTableSchema("trips").getFields()).extracting(Field::getName).containsExactly("id", "city");
    assertThatThrownBy(() -> scalar("SELECT id FROM files.trips")).hasMessageContaining("c.parquet");
  }

  @Test
  void aSymbolicLinkOutOfTheDataDirectoriesMakesTheDatasetUnavailable(@TempDir Path outside) throws Exception {
    files.parquet("trips/a.parquet", "SELECT 1 AS id");
    start(DatasetConfig.of("trips", List.of("trips/*.parquet")));
    Path secret;
    try (DataFiles elsewhere = new DataFiles(outside)) {
      secret = elsewhere.parquet("secret.parquet", "SELECT 42 AS id");
    }
    Files.createSymbolicLink(data.resolve("trips/b.parquet"), secret);
    assertThatThrownBy(() -> scalar("SELECT count(*) FROM files.trips"))
        .hasMessageContaining("dataset 'trips' is unavailable")
        .hasMessageContaining("outside the data directories");
    Files.delete(data.resolve("trips/b.parquet"));
    assertThat(scalar("SELECT count(*) FROM files.trips")).isEqualTo(1L);
  }

  @Test
  void aPatternOutsideTheDataDirectoriesStopsTheServerAtStart(@TempDir Path outside) {
    for (String pattern : List.of(outside + "/*.parquet", "../elsewhere/*.parquet", "trips/*/../../../x/*.parquet")) {
      assertThatThrownBy(() -> start(DatasetConfig.of("escape", List.of(pattern))))
          .as(pattern)
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining("files.datasets.escape.paths")
          .hasMessageContaining(pattern);
    }
  }

  @Test
  void applyingANewDatasetListAddsReplacesAndDropsViews() throws Exception {
    files.parquet("trips/a.parquet", "SELECT 1 AS id");
    files.parquet("old/a.parquet", "SELECT 1 AS id");
    files.write("new/a.csv", "SELECT 'n' AS tag", "FORMAT csv");
    start(DatasetConfig.of("trips", List.of("trips/*.parquet")), DatasetConfig.of("old", List.of("old/*.parquet")));
    jdbc.createStatement().execute("CREATE VIEW files.mine AS SELECT 1 AS x");

    server.server().datasets().apply(List.of(
        new DatasetConfig("trips", List.of("trips/*.parquet", "old/*.parquet"), null, null, null, null),
        DatasetConfig.of("fresh", List.of("new/*.csv"))));
    assertThat(scalar("SELECT count(*) FROM files.trips")).isEqualTo(2L);
    assertThat(scalar("SELECT tag FROM files.fresh")).isEqualTo("n");
    assertThatThrownBy(() -> scalar("SELECT * FROM files.old")).hasMessageContaining("old");
    // Views the registry did not create are left alone.
    assertThat(scalar("SELECT x FROM files.mine")).isEqualTo(1);

    List<DatasetConfig> escaping = List.of(DatasetConfig.of("trips", List.of("../../*.parquet")));
    assertThatThrownBy(() -> server.server().datasets().apply(escaping))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("files.datasets.trips.paths");
    assertThat(scalar("SELECT count(*) FROM files.trips")).isEqualTo(2L);
  }

  @Test
  void viewsOfDatasetsNoLongerConfiguredAreDroppedAtStart(@TempDir Path database) throws Exception {
    files.parquet("trips/a.parquet", "SELECT 1 AS id");
    String path = database.resolve("bridge.duckdb").toString();
    List<DatasetConfig> two = List.of(DatasetConfig.of("trips", List.of("trips/*.parquet")),
        DatasetConfig.of("gone", List.of("trips/*.parquet")));
    try (TestServer first = TestServer.start(config -> withDatasets(config, data, two).withDatabase(
        new DatabaseConfig(path, null, null, List.of(data.toString()))))) {
      assertThat(first.server().config().files().datasets()).hasSize(2);
    }
    server = TestServer.start(config -> withDatasets(config, data, two.subList(0, 1)).withDatabase(
        new DatabaseConfig(path, null, null, List.of(data.toString()))));
    allocator = new RootAllocator();
    flightSql = server.flightSqlClient(allocator);
    jdbc = DriverManager.getConnection(server.jdbcUrl());
    assertThat(scalar("SELECT count(*) FROM files.trips")).isEqualTo(1L);
    try (ResultSet tables = jdbc.getMetaData().getTables(null, "files", "gone", null)) {
      assertThat(tables.next()).isFalse();
    }
  }

  @Test
  void listFlightsAndPathDescriptorsThroughArrowsFlightClient() throws Exception {
    files.parquet("trips/a.parquet", "SELECT range AS id FROM range(3)");
    start(DatasetConfig.of("trips", List.of("trips/*.parquet")));
    jdbc.createStatement().execute("CREATE TABLE planes AS SELECT 1 AS seats");
    try (FlightClient client = server.flightClient(allocator)) {
      List<List<String>> paths = new ArrayList<>();
      for (FlightInfo info : client.listFlights(new Criteria("files.%".getBytes(StandardCharsets.UTF_8)))) {
        paths.add(info.getDescriptor().getPath());
        assertThat(info.getSchema().getFields()).extracting(Field::getName).containsExactly("id");
      }
      assertThat(paths).containsExactly(List.of("files", "trips"));
      List<List<String>> all = new ArrayList<>();
      client.listFlights(Criteria.ALL).forEach(info -> all.add(info.getDescriptor().getPath()));
      assertThat(all).contains(List.of("files", "trips"), List.of("main", "planes"));

      // An in-memory database's catalog is called "memory".
      for (FlightDescriptor descriptor : List.of(FlightDescriptor.path("files", "trips"), FlightDescriptor.path("trips"),
          FlightDescriptor.path("memory", "files", "trips"))) {
        FlightInfo info = client.getInfo(descriptor);
        assertThat(info.getDescriptor()).isEqualTo(descriptor);
        try (FlightStream stream = client.getStream(info.getEndpoints().get(0).getTicket())) {
          long rows = 0;
          while (stream.next()) {
            rows += stream.getRoot().getRowCount();
          }
          assertThat(rows).isEqualTo(3);
        }
        assertThat(client.getSchema(descriptor).getSchema().getFields()).extracting(Field::getName)
            .containsExactly("id");
      }
      assertThatThrownBy(() -> client.getInfo(FlightDescriptor.path("files", "nowhere")))
          .isInstanceOfSatisfying(FlightRuntimeException.class,
              e -> assertThat(e.status().code()).isEqualTo(FlightStatusCode.NOT_FOUND))
          .hasMessageContaining("files.nowhere");
    }
  }

  @Test
  void listFlightsLeavesOutAViewThatCannotBeRead() throws Exception {
    start();
    try (Statement statement = jdbc.createStatement()) {
      statement.execute("CREATE TABLE base AS SELECT 1 AS id");
      statement.execute("CREATE VIEW dangling AS SELECT * FROM base");
      statement.execute("DROP TABLE base");
    }
    try (FlightClient client = server.flightClient(allocator)) {
      List<List<String>> paths = new ArrayList<>();
      client.listFlights(Criteria.ALL).forEach(info -> paths.add(info.getDescriptor().getPath()));
      assertThat(paths).doesNotContain(List.of("main", "dangling"));
    }
  }

  @Test
  void theHttpDoorSeesDatasetsAndTheirErrorsToo() throws Exception {
    files.parquet("trips/a.parquet", "SELECT 1 AS id");
    start(DatasetConfig.of("trips", List.of("trips/*.parquet")), DatasetConfig.of("later", List.of("later/*.csv")));
    RestClient http = new RestClient(server);
    files.parquet("trips/b.parquet", "SELECT 2 AS id, 'x' AS note");
    HttpResponse<String> table = http.send(http.request("/v1/tables/trips?schema=files"));
    assertThat(table.statusCode()).isEqualTo(200);
    assertThat(RestClient.json(table.body()).get("columns")).extracting(column -> column.get("name").asText())
        .containsExactly("id", "note");
    HttpResponse<String> unavailable = http.send(http.query("SELECT * FROM files.later"));
    assertThat(unavailable.statusCode()).isEqualTo(409);
    assertThat(unavailable.body()).contains("dataset 'later' is unavailable: no file matches");
  }

  private long flightSqlRows(String sql) throws Exception {
    FlightInfo info = flightSql.execute(sql);
    long rows = 0;
    try (FlightStream stream = flightSql.getStream(info.getEndpoints().get(0).getTicket())) {
      while (stream.next()) {
        rows += stream.getRoot().getRowCount();
      }
    }
    return rows;
  }

  private Object scalar(String sql) throws SQLException {
    try (Statement statement = jdbc.createStatement(); ResultSet results = statement.executeQuery(sql)) {
      assertThat(results.next()).isTrue();
      return results.getObject(1);
    }
  }

  private List<String> columnNames(String sql) throws SQLException {
    try (Statement statement = jdbc.createStatement(); ResultSet results = statement.executeQuery(sql)) {
      List<String> names = new ArrayList<>();
      for (int i = 1; i <= results.getMetaData().getColumnCount(); i++) {
        names.add(results.getMetaData().getColumnName(i));
      }
      return names;
    }
  }

  private List<String> jdbcColumns(String dataset) throws SQLException {
    DatabaseMetaData metadata = jdbc.getMetaData();
    List<String> names = new ArrayList<>();
    try (ResultSet columns = metadata.getColumns(null, "files", dataset, "%")) {
      while (columns.next()) {
        names.add(columns.getString("COLUMN_NAME"));
      }
    }
    return names;
  }

  private Schema flightSqlTableSchema(String dataset) throws Exception {
    FlightInfo info = flightSql.getTables(null, "files", dataset, null, true);
    try (FlightStream stream = flightSql.getStream(info.getEndpoints().get(0).getTicket())) {
      assertThat(stream.next()).isTrue();
      VarBinaryVector schemas = (VarBinaryVector) stream.getRoot().getVector("table_schema");
      return MessageSerializer.deserializeSchema(new ReadChannel(java.nio.channels.Channels.newChannel(
          new java.io.ByteArrayInputStream(schemas.get(0)))));
    }
  }
}
