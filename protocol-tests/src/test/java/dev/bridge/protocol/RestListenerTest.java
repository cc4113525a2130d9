package dev.bridge.protocol;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bridge.config.BridgeConfig;
import dev.bridge.config.ConfigException;
import dev.bridge.config.DatabaseConfig;
import dev.bridge.config.FlightConfig;
import dev.bridge.config.HttpConfig;
import dev.bridge.server.BridgeServer;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/** Starting the HTTP listener: a port that is taken, and values the configuration refuses. */
class RestListenerTest {
  private static BridgeConfig config(HttpConfig http) {
    return BridgeConfig.defaults()
        .withFlight(FlightConfig.DEFAULT.withHost("127.0.0.1").withPort(0))
        .withDatabase(DatabaseConfig.DEFAULT.withPath(DatabaseConfig.IN_MEMORY))
        .withHttp(http);
  }

  @Test
  void takenPortFailsTheStartAndNamesTheAddress() {
    try (TestServer running = TestServer.start()) {
      assertThatThrownBy(() -> BridgeServer.start(config(HttpConfig.DEFAULT.withPort(running.httpPort()))))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("cannot start the HTTP listener on 127.0.0.1:" + running.httpPort());
    }
  }

  @Test
  void badHttpValuesAreRefusedWithTheirKey() {
    assertThatThrownBy(() -> config(HttpConfig.DEFAULT.withPort(70_000)).validate())
        .isInstanceOf(ConfigException.class).hasMessageContaining("http.port");
    assertThatThrownBy(() -> config(new HttpConfig(true, 0, 1024, 0, null)).validate())
        .isInstanceOf(ConfigException.class).hasMessageContaining("http.chunk_rows");
    assertThatThrownBy(() -> config(new HttpConfig(true, 0, 10, 100, null)).validate())
        .isInstanceOf(ConfigException.class).hasMessageContaining("http.max_body_bytes");
  }
}
