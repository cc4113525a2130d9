package dev.bridge.flight;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bridge.engine.EngineException;
import dev.bridge.engine.ErrorKind;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class TicketStoreTest {
  private final TicketStore store = new TicketStore(Duration.ofMinutes(5));

  @AfterEach
  void close() {
    store.close();
  }

  @Test
  void aTicketIsRedeemedByItsOwnerAsOftenAsAsked() {
    String id = store.add("alice", new TicketStore.UpdateCountTicket(3));
    assertThat(store.redeem("alice", id)).isEqualTo(new TicketStore.UpdateCountTicket(3));
    assertThat(store.redeem("alice", id)).isEqualTo(new TicketStore.UpdateCountTicket(3));
  }

  @Test
  void anotherUserFindsNoSuchTicketAndCannotCancelIt() {
    String id = store.add("alice", new TicketStore.UpdateCountTicket(1));
    assertThatThrownBy(() -> store.redeem("bob", id)).isInstanceOfSatisfying(EngineException.class,
        e -> assertThat(e.kind()).isEqualTo(ErrorKind.NOT_FOUND));
    assertThat(store.cancel("bob", id)).isFalse();
    assertThat(store.redeem("alice", id)).isNotNull();
  }

  @Test
  void aTicketPastItsTimeToLiveIsRefusedAsExpired() throws InterruptedException {
    store.configure(Duration.ofMillis(1));
    String id = store.add("alice", new TicketStore.UpdateCountTicket(1));
    Thread.sleep(20);
    assertThatThrownBy(() -> store.redeem("alice", id)).isInstanceOfSatisfying(EngineException.class,
        e -> assertThat(e.kind()).isEqualTo(ErrorKind.NOT_FOUND)).hasMessageContaining("expired");
  }

  @Test
  void aNewTimeToLiveAppliesToTicketsHandedOutFromThenOn() {
    String before = store.add("alice", new TicketStore.UpdateCountTicket(1));
    store.configure(Duration.ZERO.minusMillis(1));
    String after = store.add("alice", new TicketStore.UpdateCountTicket(2));
    assertThat(store.redeem("alice", before)).isNotNull();
    assertThatThrownBy(() -> store.redeem("alice", after)).isInstanceOf(EngineException.class);
  }

  @Test
  void aCancelledTicketIsRefusedAsCancelled() {
    String id = store.add("alice", new TicketStore.UpdateCountTicket(1));
    assertThat(store.cancel("alice", id)).isTrue();
    assertThatThrownBy(() -> store.redeem("alice", id)).isInstanceOfSatisfying(EngineException.class,
        e -> assertThat(e.kind()).isEqualTo(ErrorKind.CANCELLED));
  }

  @Test
  void anUnknownTicketIsNotFound() {
    assertThatThrownBy(() -> store.redeem("alice", "no-such-ticket")).isInstanceOf(EngineException.class)
        .hasMessageContaining("unknown or expired ticket 'no-such-ticket'");
    assertThat(store.cancel("alice", "no-such-ticket")).isFalse();
  }
}
