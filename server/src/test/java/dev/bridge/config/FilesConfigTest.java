package dev.bridge.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code files} section: datasets, their formats and options, and the errors that name the dataset. */
class FilesConfigTest {
  @TempDir
  Path directory;

  private BridgeConfig load(String yaml) throws IOException {
    Path file = directory.resolve("bridge.yaml");
    Files.writeString(file, yaml);
    return new ConfigLoader().load(file);
  }

  @Test
  void noDatasetsByDefaultInTheFilesSchema() {
    FilesConfig files = BridgeConfig.defaults().files();
    assertThat(files.schema()).isEqualTo("files");
    assertThat(files.datasets()).isEmpty();
  }

  @Test
  void readsDatasetsWithTheirOptions() throws IOException {
    FilesConfig files = load("""
        files:
          schema: lake
          datasets:
            - name: trips
              paths: ["trips/**/*.parquet"]
              hive_partitioning: true
            - name: stations
              paths: ["stations/*.txt"]
              format: CSV
              union_by_name: false
              csv: {delimiter: ";", header: true, quote: "'", escape: "\\\\", null_string: "NA"}
            - name: events
              paths: ["events/*.ndjson", "archive/*.json.gz"]
        """).files();
    assertThat(files.schema()).isEqualTo("lake");
    DatasetConfig trips = files.datasets().get(0);
    assertThat(trips.resolvedFormat()).isEqualTo(DatasetFormat.PARQUET);
    assertThat(trips.hivePartitioning()).isTrue();
    assertThat(trips.unionByName()).isTrue();
    DatasetConfig stations = files.datasets().get(1);
    assertThat(stations.resolvedFormat()).isEqualTo(DatasetFormat.CSV);
    assertThat(stations.unionByName()).isFalse();
    assertThat(stations.csv()).isEqualTo(new CsvDialect(";", true, "'", "\\", "NA"));
    assertThat(files.datasets().get(2).resolvedFormat()).isEqualTo(DatasetFormat.JSON);
  }

  @Test
  void aFormatThePatternsDoNotNameIsAnErrorNamingTheDataset() {
    assertThatThrownBy(() -> load("files:\n  datasets:\n    - {name: raw, paths: [\"raw/*\"]}\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("files.datasets.raw.format")
        .hasMessageContaining("names no format");
    assertThatThrownBy(() -> load("files:\n  datasets:\n    - {name: mix, paths: [\"a/*.csv\", \"b/*.parquet\"]}\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("files.datasets.mix.format")
        .hasMessageContaining("different formats");
    assertThatThrownBy(() -> load("files:\n  datasets:\n    - {name: x, paths: [\"a/*.csv\"], format: orc}\n"))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("format")
        .hasMessageContaining("unknown format 'orc'");
  }

  @Test
  void badDatasetsAreErrorsNamingTheKey() {
    assertThatThrownBy(() -> load("files:\n  datasets:\n    - {paths: [\"a/*.csv\"]}\n"))
        .hasMessageContaining("files.datasets[0].name must not be empty");
    assertThatThrownBy(() -> load("files:\n  datasets:\n    - {name: none}\n"))
        .hasMessageContaining("files.datasets.none.paths must list at least one glob pattern");
    assertThatThrownBy(() -> load("files:\n  datasets:\n    - {name: blank, paths: [\" \"]}\n"))
        .hasMessageContaining("files.datasets.blank.paths must not contain an empty pattern");
    assertThatThrownBy(() -> load(
        "files:\n  datasets:\n    - {name: t, paths: [\"a/*.csv\"]}\n    - {name: T, paths: [\"b/*.csv\"]}\n"))
        .hasMessageContaining("files.datasets.T is defined twice");
    assertThatThrownBy(() -> load(
        "files:\n  datasets:\n    - {name: c, paths: [\"a/*.csv\"], csv: {delimiter: \"ab\"}}\n"))
        .hasMessageContaining("files.datasets.c.csv.delimiter must be one character");
    assertThatThrownBy(() -> load("files:\n  schema: \"\"\n")).hasMessageContaining("files.schema must not be empty");
    assertThatThrownBy(() -> load("files:\n  datasets:\n    - {name: u, paths: [\"a.csv\"], recursive: true}\n"))
        .hasMessageContaining("unknown key 'files.datasets.[0].recursive'");
  }
}
