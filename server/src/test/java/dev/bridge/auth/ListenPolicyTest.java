package dev.bridge.auth;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bridge.config.AuthConfig;
import dev.bridge.config.BridgeConfig;
import dev.bridge.config.ConfigException;
import dev.bridge.config.FlightConfig;
import org.junit.jupiter.api.Test;

/** Checked without binding anything: the policy only looks at the configuration. */
class ListenPolicyTest {
  private static BridgeConfig listeningOn(String host) {
    return BridgeConfig.defaults().withFlight(FlightConfig.DEFAULT.withHost(host));
  }

  @Test
  void loopbackNeedsNothing() {
    assertThatCode(() -> ListenPolicy.check(listeningOn("127.0.0.1"), false)).doesNotThrowAnyException();
    assertThatCode(() -> ListenPolicy.check(listeningOn("localhost"), false)).doesNotThrowAnyException();
    assertThatCode(() -> ListenPolicy.check(listeningOn("::1"), false)).doesNotThrowAnyException();
  }

  @Test
  void anyOtherAddressNeedsAuthOrInsecure() {
    assertThatThrownBy(() -> ListenPolicy.check(listeningOn("0.0.0.0"), false))
        .isInstanceOf(ConfigException.class).hasMessageContaining("--insecure");
    assertThatCode(() -> ListenPolicy.check(listeningOn("0.0.0.0"), true)).doesNotThrowAnyException();
    BridgeConfig withAuth = listeningOn("0.0.0.0").withAuth(AuthConfig.DEFAULT.withEnabled(true));
    assertThatCode(() -> ListenPolicy.check(withAuth, false)).doesNotThrowAnyException();
  }
}
