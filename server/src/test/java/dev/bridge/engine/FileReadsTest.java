package dev.bridge.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bridge.config.DatabaseConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.sql.Statement;
import org.duckdb.DuckDBConnection;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileReadsTest {
  @TempDir
  static Path directory;
  private static DuckDbEngine engine;
  private static DuckDBConnection connection;

  @BeforeAll
  static void open() throws SQLException {
    engine = DuckDbEngine.open(DatabaseConfig.DEFAULT.withPath(DatabaseConfig.IN_MEMORY)
        .withDataDirectories(java.util.List.of(directory.toString())));
    connection = engine.connect();
    Path file = directory.resolve("k=1").resolve("part.parquet");
    try (Statement statement = connection.createStatement()) {
      Files.createDirectories(file.getParent());
      statement.execute("COPY (SELECT range AS a FROM range(10)) TO '" + file + "' (FORMAT parquet)");
      statement.execute("CREATE TABLE t(x INTEGER)");
      statement.execute("CREATE SCHEMA files");
      statement.execute("CREATE VIEW files.ds AS SELECT * FROM read_parquet(['" + file
          + "'], hive_partitioning = true)");
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  @AfterAll
  static void close() throws SQLException {
    connection.close();
    engine.close();
  }

  @Test
  void aQueryOverADatasetViewOrAFileFunctionReadsOnlyFiles() {
    assertThat(FileReads.only(connection, "SELECT count(*) FROM files.ds")).isTrue();
    assertThat(FileReads.only(connection, "SELECT k, sum(a) FROM files.ds GROUP BY k ORDER BY k")).isTrue();
    assertThat(FileReads.only(connection, "SELECT * FROM read_parquet('" + directory + "/*/*.parquet')")).isTrue();
    assertThat(FileReads.only(connection, "SELECT 1")).isTrue();
    assertThat(FileReads.only(connection, "SELECT * FROM (VALUES (1), (2)) v(a)")).isTrue();
    assertThat(FileReads.only(connection, "SELECT * FROM files.ds WHERE a > 3")).isTrue();
  }

  @Test
  void aQueryThatTouchesATableOrTheCatalogDoesNot() {
    assertThat(FileReads.only(connection, "SELECT * FROM t")).isFalse();
    assertThat(FileReads.only(connection, "SELECT * FROM files.ds JOIN t ON t.x = ds.a")).isFalse();
    assertThat(FileReads.only(connection, "SELECT (SELECT max(x) FROM t) AS m, a FROM files.ds")).isFalse();
    assertThat(FileReads.only(connection, "SELECT * FROM duckdb_tables()")).isFalse();
    assertThat(FileReads.only(connection, "WITH q AS MATERIALIZED (SELECT * FROM t) SELECT * FROM q")).isFalse();
    assertThat(FileReads.only(connection, "SELECT count(*) FROM t")).isFalse();
  }

  @Test
  void aWriteOrATextDuckDbCannotPlanDoesNot() {
    assertThat(FileReads.only(connection, "INSERT INTO t SELECT a FROM files.ds")).isFalse();
    assertThat(FileReads.only(connection, "SELECT * FROM no_such_table")).isFalse();
    assertThat(FileReads.only(connection, "SELECT * FROM range(3)")).isFalse();
  }
}
