package dev.bridge.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Validation of the cluster settings; reading them from YAML is in ConfigLoaderTest. */
class ClusterConfigTest {
  static final String KEY = "a-ticket-key-of-at-least-32-characters";

  @Test
  void aCoordinatorNeedsWorkersAndAKey() {
    assertThatThrownBy(() -> ClusterConfig.coordinator(List.of(), KEY).validate())
        .hasMessageContaining("cluster.workers must list at least one worker");
    assertThatThrownBy(() -> new ClusterConfig(ClusterRole.COORDINATOR, List.of("grpc://127.0.0.1:1"), null, null,
        null, null, null).validate()).hasMessageContaining("cluster.ticket_key (or cluster.ticket_key_file) is needed");
    assertThatThrownBy(() -> ClusterConfig.worker("short").validate())
        .hasMessageContaining("cluster.ticket_key must be at least 32 characters");
  }

  @Test
  void aWorkerAddressMustBeAGrpcUriWithAPort() {
    assertThatThrownBy(() -> ClusterConfig.coordinator(List.of("http://127.0.0.1:80"), KEY).validate())
        .hasMessageContaining("cluster.workers[0] must be grpc://host:port or grpc+tls://host:port");
    assertThatThrownBy(() -> ClusterConfig.coordinator(List.of("grpc://127.0.0.1"), KEY).validate())
        .hasMessageContaining("cluster.workers[0]");
    assertThatThrownBy(() -> ClusterConfig.coordinator(List.of("grpc://a:1", "grpc://a:1"), KEY).validate())
        .hasMessageContaining("cluster.workers[1] repeats worker grpc://a:1");
  }

  @Test
  void workersOnASingleNodeOrAWorkerAreAMistakeSaidSo() {
    assertThatThrownBy(() -> new ClusterConfig(null, List.of("grpc://a:1"), null, null, null, null, null).validate())
        .hasMessageContaining("cluster.role is single");
    assertThatThrownBy(() -> new ClusterConfig(ClusterRole.WORKER, List.of("grpc://a:1"), KEY, null, null, null,
        null).validate()).hasMessageContaining("only a coordinator has workers");
  }

  @Test
  void aKeyFileMustBeReadableAndOnlyOneKeyGiven() {
    assertThatThrownBy(() -> new ClusterConfig(ClusterRole.WORKER, null, null, "/no/such/key", null, null, null)
        .validate()).hasMessageContaining("cluster.ticket_key_file cannot read the file");
    assertThatThrownBy(() -> new ClusterConfig(ClusterRole.WORKER, null, KEY, "/no/such/key", null, null, null)
        .validate()).hasMessageContaining("both set");
  }

  @Test
  void aTooShortHealthIntervalIsRefused() {
    assertThatThrownBy(() -> new ClusterConfig(ClusterRole.WORKER, null, KEY, null, null, Duration.ofMillis(10),
        null).validate()).hasMessageContaining("cluster.health_interval must be at least 50ms");
  }
}
