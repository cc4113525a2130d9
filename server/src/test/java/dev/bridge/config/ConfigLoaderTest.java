package dev.bridge.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  @TempDir
  Path directory;

  private BridgeConfig load(String yaml) throws IOException {
    Path file = directory.resolve("bridge.yaml");
    Files.writeString(file, yaml);
    return new ConfigLoader().load(file);
  }

  @Test
  void defaultsWithoutAFile() {
    BridgeConfig config = new ConfigLoader().load(null);
    assertThat(config.flight().host()).isEqualTo("127.0.0.1");
    assertThat(config.flight().port()).isEqualTo(31337);
    assertThat(config.database().path()).isEqualTo("data/bridge.duckdb");
    assertThat(config.sessions().idleTimeout()).isEqualTo(Duration.ofMinutes(30));
  }

  @Test
  void theShippedConfigurationIsTheDefaults() {
    BridgeConfig shipped = new ConfigLoader().load(Path.of("../conf/bridge.yaml"));
    assertThat(shipped).isEqualTo(BridgeConfig.defaults());
  }

  @Test
  void readsValuesAndHumanDurations() throws IOException {
    BridgeConfig config = load("""
        flight:
          port: 4000
        database:
          path: ":memory:"
          memory_limit: 2GB
        sessions:
          idle_timeout: 90s
          ticket_ttl: 250ms
        """);
    assertThat(config.flight().port()).isEqualTo(4000);
    assertThat(config.database().inMemory()).isTrue();
    assertThat(config.database().memoryLimit()).isEqualTo("2GB");
    assertThat(config.sessions().idleTimeout()).isEqualTo(Duration.ofSeconds(90));
    assertThat(config.sessions().ticketTtl()).isEqualTo(Duration.ofMillis(250));
  }

  @Test
  void anEmptyFileIsTheDefaults() throws IOException {
    assertThat(load("")).isEqualTo(BridgeConfig.defaults());
  }

  @Test
  void anUnknownKeyIsNamed() {
    assertThatThrownBy(() -> load("flight:\n  prot: 1\n"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("unknown key 'flight.prot'");
  }

  @Test
  void aBadValueIsNamed() {
    assertThatThrownBy(() -> load("flight:\n  port: 70000\n"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("flight.port");
    assertThatThrownBy(() -> load("flight:\n  port: many\n"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("flight.port");
    assertThatThrownBy(() -> load("sessions:\n  idle_timeout: soon\n"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("sessions.idle_timeout");
    assertThatThrownBy(() -> load("sessions:\n  ticket_ttl: 0s\n"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("sessions.ticket_ttl");
    assertThatThrownBy(() -> load("database:\n  memory_limit: lots\n"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("database.memory_limit");
    assertThatThrownBy(() -> load("flight:\n  batch_rows: 0\n"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("flight.batch_rows");
    assertThatThrownBy(() -> load("cache:\n  max_bytes: -1\n"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("cache.max_bytes");
    assertThatThrownBy(() -> load("cache:\n  max_result_bytes: -5\n"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("cache.max_result_bytes");
    assertThatThrownBy(() -> load("cache:\n  enabled: sometimes\n"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("cache.enabled");
  }

  @Test
  void partitionsAreOffAutoOrACount() throws IOException {
    assertThat(load("flight:\n  partitions: off\n").flight().partitions().wanted(8)).isEqualTo(1);
    assertThat(load("flight:\n  partitions: auto\n").flight().partitions().wanted(8)).isEqualTo(8);
    assertThat(load("flight:\n  partitions: 4\n  partition_min_rows: 10\n").flight())
        .satisfies(flight -> assertThat(flight.partitions().wanted(8)).isEqualTo(4))
        .satisfies(flight -> assertThat(flight.partitionMinRows()).isEqualTo(10));
    assertThatThrownBy(() -> load("flight:\n  partitions: many\n"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("flight.partitions")
        .hasMessageContaining("off, auto or a number from 1 to 256");
    assertThatThrownBy(() -> load("flight:\n  partitions: 0\n"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("flight.partitions");
    assertThatThrownBy(() -> load("flight:\n  partition_min_rows: 0\n"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("flight.partition_min_rows");
  }

  @Test
  void authUsersAndTokensAreRead() throws IOException {
    BridgeConfig config = load("""
        auth:
          enabled: true
          users:
            - name: ann
              password_hash: "$2a$10$abcdefghijklmnopqrstuu5cJ6nSc6bBvW/qvJlTzCDsiTEqzHLa2"
              role: reader
          token:
            ttl: 15m
          external_jwt:
            public_key_file: idp.pem
            role_claim: groups
        sessions:
          max_sessions: 5
        """);
    assertThat(config.auth().enabled()).isTrue();
    assertThat(config.auth().users()).singleElement().satisfies(user -> assertThat(user.role()).isEqualTo("reader"));
    assertThat(config.auth().token().ttl()).isEqualTo(Duration.ofMinutes(15));
    assertThat(config.auth().token().issuer()).isEqualTo("bridge");
    assertThat(config.auth().externalJwt().roleClaim()).isEqualTo("groups");
    assertThat(config.auth().externalJwt().userClaim()).isEqualTo("sub");
    assertThat(config.sessions().maxSessions()).isEqualTo(5);
  }

  @Test
  void badAuthValuesAreNamed() {
    String user = "auth:\n  enabled: true\n  users:\n    - name: ann\n      password_hash: \"%s\"\n      role: %s\n";
    assertThatThrownBy(() -> load(user.formatted("plain-text", "reader")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("auth.users[0].password_hash");
    assertThatThrownBy(() -> load(user.formatted("$2a$10$x", "reader")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("auth.users[0].password_hash");
    assertThatThrownBy(() -> load(user.formatted(
            "$2a$10$abcdefghijklmnopqrstuu5cJ6nSc6bBvW/qvJlTzCDsiTEqzHLa2", "owner")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("auth.users[0].role");
    assertThatThrownBy(() -> load("auth:\n  enabled: true\n"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("nobody could log in");
    assertThatThrownBy(() -> load("auth:\n  token:\n    signing_key: short\n"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("auth.token.signing_key");
    assertThatThrownBy(() -> load("sessions:\n  max_sessions: 0\n"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("sessions.max_sessions");
  }

  @Test
  void aMissingFileIsAnError() {
    assertThatThrownBy(() -> new ConfigLoader().load(directory.resolve("nope.yaml")))
        .isInstanceOf(ConfigException.class).hasMessageContaining("does not exist");
  }

  @Test
  void malformedYamlIsAnError() {
    assertThatThrownBy(() -> load("flight: [unclosed\n")).isInstanceOf(ConfigException.class);
  }

  @Test
  void tlsIsOffByDefaultAndNeedsReadableFiles() throws IOException {
    assertThat(BridgeConfig.defaults().tls().enabled()).isFalse();
    Path cert = Files.writeString(directory.resolve("server.pem"), "not checked here");
    assertThatThrownBy(() -> load("tls:\n  enabled: true\n  cert_file: " + cert + "\n"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("tls.key_file");
    Path missing = directory.resolve("missing.key");
    assertThatThrownBy(() -> load("tls:\n  enabled: true\n  cert_file: " + cert + "\n  key_file: " + missing + "\n"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("tls.key_file")
        .hasMessageContaining(missing.toString());
    assertThatThrownBy(() -> load("tls:\n  enabled: true\n  cert_file: " + cert + "\n  key_file: " + cert
        + "\n  client_ca_file: " + missing + "\n"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("tls.client_ca_file");
    TlsConfig mutual = load("tls:\n  enabled: true\n  cert_file: " + cert + "\n  key_file: " + cert
        + "\n  client_ca_file: " + cert + "\n").tls();
    assertThat(mutual.mutual()).isTrue();
  }

  @Test
  void queryTimeoutsAreCappedByTheMaximum() throws IOException {
    LimitsConfig limits = load("limits:\n  query_timeout: 30s\n  max_query_timeout: 5m\n").limits();
    assertThat(limits.effectiveTimeout(null)).isEqualTo(Duration.ofSeconds(30));
    assertThat(limits.effectiveTimeout(Duration.ofSeconds(2))).isEqualTo(Duration.ofSeconds(2));
    assertThat(limits.effectiveTimeout(Duration.ofHours(1))).isEqualTo(Duration.ofMinutes(5));
    assertThat(limits.effectiveTimeout(Duration.ZERO)).isEqualTo(Duration.ofMinutes(5));
    LimitsConfig unlimited = BridgeConfig.defaults().limits();
    assertThat(unlimited.effectiveTimeout(null)).isZero();
    assertThat(unlimited.effectiveTimeout(Duration.ofHours(1))).isEqualTo(Duration.ofHours(1));
    assertThatThrownBy(() -> load("limits:\n  query_timeout: 10m\n  max_query_timeout: 5m\n"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("limits.query_timeout");
    assertThatThrownBy(() -> load("limits:\n  query_timeout: -PT1S\n"))
        .isInstanceOf(ConfigException.class).hasMessageContaining("limits.query_timeout");
  }

  @Test
  void aCoordinatorReadsItsWorkersKeyAndIntervals() throws IOException {
    ClusterConfig cluster = load("cluster:\n  role: coordinator\n  workers: [grpc://127.0.0.1:5001, "
        + "'grpc+tls://w2.example:5002']\n  ticket_key: " + ClusterConfigTest.KEY
        + "\n  ticket_ttl: 2m\n  health_interval: 500ms\n").cluster();
    assertThat(cluster.role()).isEqualTo(ClusterRole.COORDINATOR);
    assertThat(cluster.workers()).containsExactly("grpc://127.0.0.1:5001", "grpc+tls://w2.example:5002");
    assertThat(cluster.ticketTtl()).isEqualTo(Duration.ofMinutes(2));
    assertThat(cluster.healthInterval()).isEqualTo(Duration.ofMillis(500));
  }

  @Test
  void aNodeIsASingleNodeUnlessConfiguredOtherwise() throws IOException {
    assertThat(load("").cluster().role()).isEqualTo(ClusterRole.SINGLE);
  }

  @Test
  void anUnknownRoleIsRefusedNamingTheAcceptedOnes() {
    assertThatThrownBy(() -> load("cluster:\n  role: leader\n"))
        .hasMessageContaining("use single, coordinator or worker");
  }
}
