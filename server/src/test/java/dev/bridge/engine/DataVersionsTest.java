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
  void aCommitInFlightCountsAsAChangeOfItsTablesUntilItIsSettled() {
    DataVersions.Snapshot ofT = versions.snapshot(Set.of(t));
    DataVersions.Snapshot ofU = versions.snapshot(Set.of(u));
    DataVersions.Mark mark = versions.mark();
    DataVersions.Commit commit = versions.committing(Writes.of(t));
    assertThat(versions.version(t)).as("the versions have not moved yet").isEqualTo(ofT.tables().get(t));
    assertThat(versions.unchangedSince(ofT)).isFalse();
    assertThat(versions.snapshotUnchangedSince(mark, Set.of(t))).isEmpty();
    assertThat(versions.unchangedSince(ofU)).as("another table").isTrue();
    assertThat(versions.snapshotUnchangedSince(mark, Set.of(u))).isPresent();
    versions.changed(Writes.of(t));
    commit.close();
    commit.close();
    assertThat(versions.unchangedSince(ofT)).as("the versions moved").isFalse();
    assertThat(versions.unchangedSince(versions.snapshot(Set.of(t)))).as("settled, and closed once").isTrue();
  }

  @Test
  void aCommitThatDidNotHappenLeavesTheVersionsOnceItsMarkCloses() {
    DataVersions.Snapshot ofT = versions.snapshot(Set.of(t));
    DataVersions.Commit first = versions.committing(Writes.of(t));
    DataVersions.Commit second = versions.committing(Writes.of(t));
    first.close();
    assertThat(versions.unchangedSince(ofT)).as("one of two commits still in flight").isFalse();
    second.close();
    assertThat(versions.unchangedSince(ofT)).isTrue();
  }

  @Test
  void aCommitOfUnknownWritesInFlightCountsAsAChangeOfEveryTable() {
    DataVersions.Snapshot ofU = versions.snapshot(Set.of(u));
    try (DataVersions.Commit commit = versions.committing(Writes.UNKNOWN)) {
      assertThat(versions.unchangedSince(ofU)).isFalse();
      assertThat(versions.snapshotUnchangedSince(versions.mark(), Set.of(u))).isEmpty();
    }
    assertThat(versions.unchangedSince(ofU)).isTrue();
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
  @Test
  void betweenTwoMarksOnlyChangesOfTheTablesAskedAboutAndInThatIntervalCount() {
    DataVersions.Mark from = versions.mark();
    versions.changed(Writes.of(u));
    DataVersions.Mark afterU = versions.mark();
    assertThat(versions.unchangedBetween(from, afterU, Set.of(t))).as("another table").isTrue();
    assertThat(versions.unchangedBetween(from, afterU, Set.of(t, u))).isFalse();
    versions.changed(Writes.of(t));
    assertThat(versions.unchangedBetween(from, afterU, Set.of(t))).as("t changed after the second mark").isTrue();
    assertThat(versions.unchangedBetween(from, versions.mark(), Set.of(t))).isFalse();
    assertThat(versions.unchangedBetween(afterU, from, Set.of(t, u))).as("an empty interval").isTrue();
  }

  @Test
  void anUnknownWriteBetweenTwoMarksChangesEveryTable() {
    DataVersions.Mark from = versions.mark();
    versions.changed(Writes.UNKNOWN);
    assertThat(versions.unchangedBetween(from, versions.mark(), Set.of(t))).isFalse();
  }

  @Test
  void aTableWhoseChangesSinceTheMarkAreNoLongerAllRememberedCountsAsChanged() {
    DataVersions.Mark from = versions.mark();
    versions.changed(Writes.of(u));
    DataVersions.Mark to = versions.mark();
    for (int i = 0; i < DataVersions.HISTORY; i++) {
      versions.changed(Writes.of(t));
    }
    assertThat(versions.unchangedBetween(from, to, Set.of(t))).as("all remembered").isTrue();
    versions.changed(Writes.of(t));
    assertThat(versions.unchangedBetween(from, to, Set.of(t))).as("t's first change since is forgotten").isFalse();
    DataVersions.Mark recent = versions.mark();
    versions.changed(Writes.of(u));
    assertThat(versions.unchangedBetween(recent, versions.mark(), Set.of(t))).as("nothing forgotten since").isTrue();
  }
}
