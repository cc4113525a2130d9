package dev.bridge.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bridge.engine.EngineException;
import dev.bridge.engine.ErrorKind;
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
}
