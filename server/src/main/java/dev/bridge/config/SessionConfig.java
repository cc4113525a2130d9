package dev.bridge.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.time.Duration;

/** Client sessions and the server-side state they hold (tickets, prepared statements). */
public record SessionConfig(
    @JsonProperty("idle_timeout") Duration idleTimeout,
    @JsonProperty("ticket_ttl") Duration ticketTtl,
    @JsonProperty("busy_wait") Duration busyWait,
    @JsonProperty("transaction_idle_timeout") Duration transactionIdleTimeout,
    @JsonProperty("max_sessions") Integer maxSessions) {

  public static final SessionConfig DEFAULT = new SessionConfig(null, null, null, null, null);

  public SessionConfig {
    idleTimeout = idleTimeout == null ? Duration.ofMinutes(30) : idleTimeout;
    ticketTtl = ticketTtl == null ? Duration.ofMinutes(5) : ticketTtl;
    busyWait = busyWait == null ? Duration.ofSeconds(30) : busyWait;
    transactionIdleTimeout = transactionIdleTimeout == null ? Duration.ofMinutes(5) : transactionIdleTimeout;
    maxSessions = maxSessions == null ? 1000 : maxSessions;
  }

  public SessionConfig withIdleTimeout(Duration newIdleTimeout) {
    return new SessionConfig(newIdleTimeout, ticketTtl, busyWait, transactionIdleTimeout, maxSessions);
  }

  public SessionConfig withMaxSessions(int newMaxSessions) {
    return new SessionConfig(idleTimeout, ticketTtl, busyWait, transactionIdleTimeout, newMaxSessions);
  }

  void validate() {
    Validation.requirePositive(idleTimeout, "sessions.idle_timeout");
    Validation.requirePositive(ticketTtl, "sessions.ticket_ttl");
    Validation.require(!busyWait.isNegative(), "sessions.busy_wait", "must not be negative");
    Validation.requirePositive(transactionIdleTimeout, "sessions.transaction_idle_timeout");
    Validation.requireRange(maxSessions, 1, Integer.MAX_VALUE, "sessions.max_sessions");
  }
}
