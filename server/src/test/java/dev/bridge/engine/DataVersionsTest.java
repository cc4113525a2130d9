package dev.bridge.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class DataVersionsTest {
  private final DataVersions versions = new DataVersions();
  private final TableName t = new TableName("db", "main", "t");
  private final TableName u = new TableName("db", "main", "u");

  @Test
  void aWriteMovesOnlyTheTablesItNames() {
    DataVersions.Snapshot ofU = versions.snapshot(Set.of(u));
    versions.changed(Writes.of(t));
    assertThat(versions.version(t)).isPositive();
    assertThat(versions.unchangedSince(ofU)).isTrue();
  }

  @Test
  void tableNamesMatchWithoutRegardToCaseAsDuckDbDoes() {
    versions.changed(Writes.of(new TableName("DB", "Main", "T")));
    assertThat(versions.version(t)).isPositive();
  }

  @Test
  void anUnknownWriteMovesEverySnapshot() {
    DataVersions.Snapshot ofU = versions.snapshot(Set.of(u));
    versions.changed(Writes.UNKNOWN);
    assertThat(versions.unchangedSince(ofU)).isFalse();
  }

  @Test
  void nothingWrittenMovesNothingAndListenersHearEveryChange() throws Exception {
    List<DataVersions.Change> heard = new ArrayList<>();
    DataVersions.Snapshot before = versions.snapshot(Set.of(t, u));
    try (AutoCloseable listening = versions.listen(heard::add)) {
      versions.changed(Writes.NONE);
      assertThat(versions.unchangedSince(before)).isTrue();
      versions.changed(Writes.of(t));
      versions.changed(Writes.of(t));
    }
    versions.changed(Writes.of(u));
    assertThat(heard).hasSize(2);
    assertThat(heard.get(1).sequence()).isGreaterThan(heard.get(0).sequence());
    assertThat(versions.version(t)).as("versions never repeat").isEqualTo(heard.get(1).sequence());
  }
}
