package dev.bridge.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bridge.config.ClusterConfig;
import dev.bridge.config.ConfigException;
import dev.bridge.config.ResultCompression;
import dev.bridge.engine.EngineException;
import dev.bridge.engine.ErrorKind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ClusterTicketsTest {
  private static final byte[] KEY = "the-shared-key-of-this-cluster-0123456789".getBytes(StandardCharsets.UTF_8);
  private static final Instant NOW = Instant.parse("2026-12-03T12:00:00Z");
  private final ClusterTickets tickets = new ClusterTickets(KEY, Duration.ofMinutes(5),
      Clock.fixed(NOW, ZoneOffset.UTC));

  @Test
  void aTicketVerifiesForItsUserAndCarriesWhatWasSigned() {
    byte[] signed = tickets.issue("q1", "SELECT 1", new byte[] {7, 8}, "alice", "grpc://w1:1",
        ClusterTickets.SessionChoices.NONE);
    ClusterTickets.Ticket ticket = tickets.verify(signed, "alice");
    assertThat(ticket.queryId()).isEqualTo("q1");
    assertThat(ticket.sql()).isEqualTo("SELECT 1");
    assertThat(ticket.slice()).containsExactly(7, 8);
    assertThat(ticket.worker()).isEqualTo("grpc://w1:1");
    assertThat(ticket.expiresAt()).isEqualTo(NOW.plus(Duration.ofMinutes(5)));
    assertThat(ticket.whole()).isFalse();
    assertThat(ticket.choices()).isEqualTo(ClusterTickets.SessionChoices.NONE);
  }

  @Test
  void theSessionsQueryTimeoutAndCompressionTravelSignedInTheTicket() {
    ClusterTickets.SessionChoices choices = new ClusterTickets.SessionChoices(Optional.of(Duration.ofMillis(1500)),
        Optional.of(ResultCompression.ZSTD));
    byte[] signed = tickets.issue("q1", "SELECT 1", new byte[0], "alice", "grpc://w1:1", choices);
    assertThat(tickets.verify(signed, "alice").choices()).isEqualTo(choices);
    ClusterTickets.SessionChoices timeoutOnly = new ClusterTickets.SessionChoices(Optional.of(Duration.ZERO),
        Optional.empty());
    assertThat(tickets.verify(tickets.issue("q2", "SELECT 1", new byte[0], "alice", "grpc://w1:1", timeoutOnly),
        "alice").choices()).isEqualTo(timeoutOnly);
  }

  @Test
  void anotherUsersTicketIsPermissionDenied() {
    byte[] signed = tickets.issue("q1", "SELECT 1", new byte[0], "alice", "grpc://w1:1",
        ClusterTickets.SessionChoices.NONE);
    assertThatThrownBy(() -> tickets.verify(signed, "bob")).isInstanceOfSatisfying(EngineException.class, e -> {
      assertThat(e.kind()).isEqualTo(ErrorKind.PERMISSION_DENIED);
      assertThat(e.getMessage()).contains("issued to user 'alice', not to 'bob'");
    });
  }

  @Test
  void anExpiredTicketIsUnauthenticated() {
    byte[] signed = tickets.issue("q1", "SELECT 1", new byte[0], "alice", "grpc://w1:1",
        ClusterTickets.SessionChoices.NONE);
    ClusterTickets later = new ClusterTickets(KEY, Duration.ofMinutes(5),
        Clock.fixed(NOW.plus(Duration.ofMinutes(5)), ZoneOffset.UTC));
    assertThatThrownBy(() -> later.verify(signed, "alice")).isInstanceOfSatisfying(EngineException.class, e -> {
      assertThat(e.kind()).isEqualTo(ErrorKind.UNAUTHENTICATED);
      assertThat(e.getMessage()).contains("expired at 2026-12-03T12:05:00Z");
    });
  }

  @Test
  void aTicketSignedWithAnotherKeyOrAlteredOrTruncatedIsUnauthenticated() {
    byte[] signed = tickets.issue("q1", "SELECT 1", new byte[0], "alice", "grpc://w1:1",
        ClusterTickets.SessionChoices.NONE);
    ClusterTickets other = new ClusterTickets("another-key-another-key-another-key!!".getBytes(StandardCharsets.UTF_8),
        Duration.ofMinutes(5), Clock.fixed(NOW, ZoneOffset.UTC));
    assertUnauthenticated(() -> other.verify(signed, "alice"), "signature does not verify");
    byte[] altered = signed.clone();
    altered[20] ^= 1;
    assertUnauthenticated(() -> tickets.verify(altered, "alice"), "signature does not verify");
    assertUnauthenticated(() -> tickets.verify(new byte[10], "alice"), "too short");
  }

  @Test
  void aKeyFileShorterThan32BytesIsRefusedNamingTheFile(@TempDir Path directory) throws IOException {
    Path file = Files.writeString(directory.resolve("key"), "short");
    ClusterConfig config = new ClusterConfig(dev.bridge.config.ClusterRole.WORKER, null, null, file.toString(), null,
        null, null);
    assertThatThrownBy(() -> ClusterTickets.of(config)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("cluster.ticket_key_file " + file + " holds 5 bytes");
  }

  private static void assertUnauthenticated(Runnable call, String message) {
    assertThatThrownBy(call::run).isInstanceOfSatisfying(EngineException.class, e -> {
      assertThat(e.kind()).isEqualTo(ErrorKind.UNAUTHENTICATED);
      assertThat(e.getMessage()).contains("not one this cluster's coordinator issued").contains(message);
    });
  }
}
