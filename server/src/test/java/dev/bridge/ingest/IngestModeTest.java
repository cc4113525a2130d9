package dev.bridge.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bridge.engine.EngineException;
import dev.bridge.engine.ErrorKind;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The named modes the REST door takes, and the targets both doors build. */
class IngestModeTest {
  @Test
  void namedModesMapToTableDefinitions() {
    assertThat(IngestMode.named("create")).isEqualTo(
        new IngestMode(IngestMode.IfMissing.CREATE, IngestMode.IfExists.FAIL));
    assertThat(IngestMode.named("APPEND")).isEqualTo(
        new IngestMode(IngestMode.IfMissing.FAIL, IngestMode.IfExists.APPEND));
    assertThat(IngestMode.named("replace")).isEqualTo(
        new IngestMode(IngestMode.IfMissing.CREATE, IngestMode.IfExists.REPLACE));
    assertThat(IngestMode.named("create_append")).isEqualTo(
        new IngestMode(IngestMode.IfMissing.CREATE, IngestMode.IfExists.APPEND));
  }

  @Test
  void unknownModeIsInvalidAndNamesTheChoices() {
    assertThatThrownBy(() -> IngestMode.named("upsert"))
        .isInstanceOfSatisfying(EngineException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_ARGUMENT))
        .hasMessageContaining("upsert").hasMessageContaining("create_append");
  }

  @Test
  void targetNeedsAName() {
    assertThatThrownBy(() -> IngestTarget.table(" ")).isInstanceOf(EngineException.class)
        .hasMessageContaining("names no target table");
  }

  @Test
  void anEmptyOrAbsentCatalogOrSchemaIsNotGivenAndACatalogAloneMeansItsMainSchema() {
    assertThat(IngestTarget.of("", null, "t", false).table().path()).isEqualTo(List.of("t"));
    assertThat(IngestTarget.of(null, "s", "t", false).table().path()).isEqualTo(List.of("s", "t"));
    assertThat(IngestTarget.of("c", "", "t", false).table().path()).isEqualTo(List.of("c", "main", "t"));
    assertThat(IngestTarget.of("c", "s", "t", false).table().path()).isEqualTo(List.of("c", "s", "t"));
  }

  @Test
  void aTemporaryTargetRefusesAnotherCatalogOrSchemaAndNamesIt() {
    assertThat(IngestTarget.of("TEMP", "main", "t", true).table().path()).isEqualTo(List.of("TEMP", "main", "t"));
    assertThatThrownBy(() -> IngestTarget.of("lake", null, "t", true))
        .isInstanceOfSatisfying(EngineException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_ARGUMENT))
        .hasMessageContaining("catalog 'lake' cannot hold one");
    assertThatThrownBy(() -> IngestTarget.of(null, "other", "t", true))
        .isInstanceOfSatisfying(EngineException.class, e -> assertThat(e.kind()).isEqualTo(ErrorKind.INVALID_ARGUMENT))
        .hasMessageContaining("schema 'other' cannot hold one");
  }
}
