package dev.bridge.datasets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bridge.config.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Glob patterns: what they match, which directories a listing stamps, and the patterns refused. */
class DatasetGlobTest {
  @TempDir
  Path data;

  private List<Path> matches(String pattern, List<DirectoryStamp> directories) throws IOException {
    List<DatasetFile> files = new ArrayList<>();
    DatasetGlob.of("d", pattern, data, List.of(data)).list(files, directories);
    return files.stream().map(file -> data.relativize(file.path())).sorted().toList();
  }

  private void touch(String relative) throws IOException {
    Path file = data.resolve(relative);
    Files.createDirectories(file.getParent());
    Files.writeString(file, "x");
  }

  @Test
  void doubleStarMatchesAnyDepthIncludingNone() throws IOException {
    touch("t/top.parquet");
    touch("t/year=2024/month=1/a.parquet");
    touch("t/year=2024/month=1/a.csv");
    List<DirectoryStamp> directories = new ArrayList<>();
    assertThat(matches("t/**/*.parquet", directories)).containsExactly(Path.of("t/top.parquet"),
        Path.of("t/year=2024/month=1/a.parquet"));
    assertThat(directories).extracting(DirectoryStamp::path).containsExactly(data.resolve("t"),
        data.resolve("t/year=2024"), data.resolve("t/year=2024/month=1"));
  }

  @Test
  void singleStarStaysInItsDirectory() throws IOException {
    touch("t/a.parquet");
    touch("t/sub/b.parquet");
    assertThat(matches("t/*.parquet", new ArrayList<>())).containsExactly(Path.of("t/a.parquet"));
    assertThat(matches("t/{a,c}.parquet", new ArrayList<>())).containsExactly(Path.of("t/a.parquet"));
  }

  @Test
  void aMissingDirectoryStampsItsNearestAncestor() throws IOException {
    List<DirectoryStamp> directories = new ArrayList<>();
    assertThat(matches("later/deeper/*.parquet", directories)).isEmpty();
    assertThat(directories).extracting(DirectoryStamp::path).containsExactly(data);
  }

  @Test
  void refusedPatternsNameTheDatasetAndThePattern() {
    assertThatThrownBy(() -> DatasetGlob.of("d", "t/*/../x.parquet", data, List.of(data)))
        .isInstanceOf(ConfigException.class).hasMessageContaining("files.datasets.d.paths")
        .hasMessageContaining("'..' or '.' after a wildcard");
    assertThatThrownBy(() -> DatasetGlob.of("d", "t/[a-.parquet", data, List.of(data)))
        .isInstanceOf(ConfigException.class).hasMessageContaining("'t/[a-.parquet' is not a valid glob");
    assertThatThrownBy(() -> DatasetGlob.of("d", "../*.parquet", data, List.of(data)))
        .isInstanceOf(ConfigException.class).hasMessageContaining("outside the data directories");
  }
}
