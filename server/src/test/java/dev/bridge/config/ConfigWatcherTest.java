package dev.bridge.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigWatcherTest {
  @TempDir
  Path directory;
  private Path file;
  private ConfigWatcher watcher;
  private final List<BridgeConfig> applied = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() throws IOException {
    file = directory.resolve("bridge.yaml");
    Files.writeString(file, "http:\n  chunk_rows: 100\n");
    ConfigLoader loader = new ConfigLoader();
    watcher = new ConfigWatcher(file, () -> loader.load(file), loader.load(file))
        .onChange("http.chunk_rows", (previous, next) -> applied.add(next));
  }

  @AfterEach
  void stop() {
    watcher.close();
  }

  @Test
  void aValidEditOfAReloadableKeyIsApplied() throws IOException {
    Files.writeString(file, "http:\n  chunk_rows: 7\n");
    BridgeConfig next = watcher.reload();
    assertThat(next.http().chunkRows()).isEqualTo(7);
    assertThat(watcher.current()).isSameAs(next);
    assertThat(applied).extracting(config -> config.http().chunkRows()).containsExactly(7);
  }

  @Test
  void aKeyThatNeedsARestartKeepsItsRunningValue() throws IOException {
    Files.writeString(file, "flight:\n  port: 4000\nhttp:\n  chunk_rows: 9\n");
    BridgeConfig next = watcher.reload();
    assertThat(next.flight().port()).isEqualTo(31337);
    assertThat(next.http().chunkRows()).isEqualTo(9);
  }

  @Test
  void anEditOfOnlyRestartKeysAppliesNothing() throws IOException {
    BridgeConfig before = watcher.current();
    Files.writeString(file, "http:\n  chunk_rows: 100\n  port: 4001\n");
    assertThat(watcher.reload()).isSameAs(before);
    assertThat(applied).isEmpty();
  }

  @Test
  void anInvalidEditIsRejectedWhole() throws IOException {
    BridgeConfig before = watcher.current();
    Files.writeString(file, "http:\n  chunk_rows: 5\nsessions:\n  idle_timeout: soon\n");
    assertThat(watcher.reload()).isSameAs(before);
    Files.writeString(file, "http:\n  chunk_rows: 0\n");
    assertThat(watcher.reload()).isSameAs(before);
    assertThat(applied).isEmpty();
  }

  @Test
  void aKeyItsListenerRefusesKeepsItsRunningValueWhileTheOthersApply() throws IOException {
    watcher.onChange("sessions.idle_timeout", (previous, next) -> {
      throw new ConfigException("sessions.idle_timeout: refused by the listener");
    });
    Files.writeString(file, "http:\n  chunk_rows: 8\nsessions:\n  idle_timeout: 5s\n");
    BridgeConfig next = watcher.reload();
    assertThat(next.sessions().idleTimeout()).isEqualTo(BridgeConfig.defaults().sessions().idleTimeout());
    assertThat(next.http().chunkRows()).isEqualTo(8);
    assertThat(watcher.current()).isSameAs(next);
    assertThat(applied).extracting(config -> config.http().chunkRows()).containsExactly(8);
  }

  @Test
  void changedKeysAreNamedByTheirDottedPath() {
    BridgeConfig before = BridgeConfig.defaults();
    BridgeConfig after = before.withHttp(before.http().withPort(1)).withFlight(before.flight().withHost("::1"));
    assertThat(new ConfigChanges().changedKeys(before, after)).containsExactly("flight.host", "http.port");
    BridgeConfig levels = yaml("logging: {levels: {dev.bridge: DEBUG}}");
    assertThat(new ConfigChanges().changedKeys(before, levels)).containsExactly("logging.levels");
  }

  @Test
  void durationsSurviveAPartialRevert() {
    BridgeConfig before = BridgeConfig.defaults();
    BridgeConfig edited = yaml("sessions: {idle_timeout: 5s, ticket_ttl: 6s}").withHttp(before.http().withPort(1));
    BridgeConfig merged = new ConfigChanges().revert(before, edited, List.of("http.port"));
    assertThat(merged.http().port()).isEqualTo(31338);
    assertThat(merged.sessions().idleTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(merged.sessions().ticketTtl()).isEqualTo(Duration.ofSeconds(6));
  }

  @Test
  void theWatchThreadSeesInPlaceWritesAndRenames() throws Exception {
    watcher.start();
    Files.writeString(file, "http:\n  chunk_rows: 11\n");
    awaitChunkRows(11);
    Path replacement = directory.resolve("bridge.yaml.tmp");
    Files.writeString(replacement, "http:\n  chunk_rows: 12\n");
    Files.move(replacement, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    awaitChunkRows(12);
  }

  private void awaitChunkRows(int expected) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (watcher.current().http().chunkRows() != expected && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertThat(watcher.current().http().chunkRows()).isEqualTo(expected);
  }

  private static BridgeConfig yaml(String text) {
    try {
      return new ConfigLoader().mapper().readValue(text, BridgeConfig.class);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalArgumentException(e);
    }
  }
}
