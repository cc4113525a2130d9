package dev.bridge.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStatusCode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * SQL reaches no file outside database.data_directories and cannot lift the lock. Flight reports DuckDB's permission
 * errors as PERMISSION_DENIED (Arrow's Flight client calls it UNAUTHORIZED), REST as 403.
 */
class LockdownTest {
  static final Path data = createDirectory("bridge-data");
  static final Path outside = createDirectory("bridge-outside");

  @RegisterExtension
  static final TestServer server = TestServer.perClass(config -> config.withDatabase(
      config.database().withDataDirectories(List.of(data.toString()))));

  private final RestClient http = new RestClient(server);
  @RegisterExtension
  final FlightSqlClientFixture flightSql = FlightSqlClientFixture.perTest(server);

  @ParameterizedTest
  @ValueSource(strings = {
      "SELECT * FROM read_csv('/etc/passwd')",
      "SELECT * FROM read_text('/etc/hostname')",
      "SELECT * FROM glob('/etc/*')",
      "SELECT * FROM read_parquet('{data}/../bridge-outside/x.parquet')",
      "SELECT * FROM read_csv('{data}-sibling/x.csv')"})
  void readingOutsideTheDataDirectoriesIsDenied(String sql) {
    assertDenied(() -> rows(sql.replace("{data}", data.toString())), "Permission Error");
  }

  @Test
  void writingOutsideTheDataDirectoriesIsDenied() {
    Path target = outside.resolve("x.csv");
    assertDenied(() -> flightSql.client().executeUpdate("COPY (SELECT 1) TO '" + target + "'"), "Permission Error");
    assertThat(target).doesNotExist();
  }

  @Test
  void attachingADatabaseFileOutsideIsDenied() {
    Path target = outside.resolve("x.db");
    assertDenied(() -> flightSql.client().executeUpdate("ATTACH '" + target + "' AS stolen"), "Permission Error");
    assertThat(target).doesNotExist();
  }

  @ParameterizedTest
  @ValueSource(strings = {"SET enable_external_access = true", "SET allowed_directories = ['/']",
      "SET lock_configuration = false", "RESET enable_external_access", "SET memory_limit = '100TB'",
      "SET threads = 64"})
  void theLockedConfigurationCannotBeChanged(String sql) {
    assertDenied(() -> flightSql.client().executeUpdate(sql), "the configuration has been locked");
  }

  @ParameterizedTest
  @ValueSource(strings = {"INSTALL httpfs", "LOAD httpfs", "INSTALL spatial FROM community",
      "LOAD '/tmp/evil.duckdb_extension'"})
  void extensionsCanBeNeitherInstalledNorLoaded(String sql) {
    assertDenied(() -> flightSql.client().executeUpdate(sql), "");
  }

  @Test
  void filesInsideADataDirectoryWork() {
    Path parquet = data.resolve("inside.parquet");
    flightSql.client().executeUpdate("COPY (SELECT range AS i FROM range(10)) TO '" + parquet + "' (FORMAT parquet)");
    assertThat(parquet).exists();
    assertThat(rows("SELECT sum(i) FROM read_parquet('" + parquet + "')")).containsExactly("45");
    flightSql.client().executeUpdate("CREATE TABLE from_file AS SELECT * FROM '" + parquet + "'");
    assertThat(rows("SELECT count(*) FROM from_file")).containsExactly("10");
  }

  @Test
  void attachingInMemoryDatabasesStillWorks() {
    flightSql.client().executeUpdate("ATTACH ':memory:' AS scratch");
    flightSql.client().executeUpdate("CREATE TABLE scratch.t AS SELECT 1 AS i");
    assertThat(rows("SELECT i FROM scratch.t")).containsExactly("1");
  }

  @Test
  void restAnswers403() throws IOException {
    HttpResponse<String> response = http.send(http.query("SELECT * FROM read_csv('/etc/passwd')"));
    assertThat(response.statusCode()).isEqualTo(403);
    JsonNode error = RestClient.json(response.body()).get("error");
    assertThat(error.get("code").asText()).isEqualTo("PERMISSION_DENIED");
    assertThat(error.get("message").asText()).contains("/etc/passwd");
  }

  private void assertDenied(Runnable work, String message) {
    assertThatThrownBy(work::run).isInstanceOfSatisfying(FlightRuntimeException.class, e -> {
      assertThat(e.status().code()).as(e.getMessage()).isEqualTo(FlightStatusCode.UNAUTHORIZED);
      assertThat(e.getMessage()).contains(message);
    });
  }

  private List<String> rows(String sql) {
    return FirstColumn.of(flightSql.client(), sql);
  }

  private static Path createDirectory(String prefix) {
    try {
      return Files.createTempDirectory(prefix).toRealPath();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
