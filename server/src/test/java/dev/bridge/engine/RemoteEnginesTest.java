package dev.bridge.engine;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bridge.config.ConfigException;
import dev.bridge.config.EnginesConfig;
import dev.bridge.config.SparkConfig;
import org.junit.jupiter.api.Test;

class RemoteEnginesTest {
  private static final EnginesConfig OFF = new EnginesConfig(SparkConfig.OFF);
  private static final EnginesConfig ON = new EnginesConfig(new SparkConfig("sc://127.0.0.1:1", null, null, null));

  @Test
  void turningSparkOnOrOffByAReloadIsRefusedAsNeedingARestart() {
    assertThatThrownBy(() -> RemoteEngines.NONE.reconfigure(OFF, ON))
        .isInstanceOf(ConfigException.class).hasMessage("engines.spark.remote: turning Spark on needs a restart");
    assertThatThrownBy(() -> RemoteEngines.NONE.reconfigure(ON, OFF))
        .isInstanceOf(ConfigException.class).hasMessage("engines.spark.remote: turning Spark off needs a restart");
  }

  @Test
  void anEditOfSparkWhileItStaysOffChangesNothing() {
    EnginesConfig renamedWhileOff = new EnginesConfig(new SparkConfig("", null, null, "other"));
    assertThatCode(() -> RemoteEngines.NONE.reconfigure(OFF, renamedWhileOff)).doesNotThrowAnyException();
  }
}
