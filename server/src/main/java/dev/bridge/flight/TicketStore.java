package dev.bridge.flight;

import dev.bridge.engine.DaemonThreads;
import dev.bridge.engine.EngineException;
import dev.bridge.engine.ErrorKind;
import dev.bridge.engine.StatementPlan;
import dev.bridge.engine.partitions.Partition;
import dev.bridge.metrics.QueryTrace;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The tickets GetFlightInfo hands out, each redeemable by DoGet until it expires. A query ticket holds the plan
 * and parameters (the query runs when the ticket is redeemed, as often as it is); a partition ticket holds the plan
 * and one partition of it (see {@code engine.partitions}); an update ticket holds the count
 * of a statement that already ran (so DDL and DML run exactly once, however the client reads the answer).
 * A ticket belongs to the user whose call made it: another user's DoGet or cancel finds no such ticket.
 */
public final class TicketStore implements AutoCloseable {
  sealed interface Payload permits QueryTicket, PartitionTicket, UpdateCountTicket {}

  record QueryTicket(StatementPlan plan, List<Object> parameters) implements Payload {}

  /** One partition of a partitioned query; its streams share the query's one trace (one query-log line). */
  record PartitionTicket(StatementPlan plan, Partition partition, QueryTrace trace) implements Payload {}

  record UpdateCountTicket(long count) implements Payload {}

  /**
   * {@code running}: what stops each query started from the ticket and not ended yet. {@code redeemed}: a stream
   * was started from it; that stream, not the ticket's expiry, ends its partition.
   */
  private record Entry(String owner, Payload payload, long expiresAtNanos, Set<Runnable> running,
      AtomicBoolean cancelled, AtomicBoolean redeemed) {}

  private volatile Duration ttl;
  private final Map<String, Entry> tickets = new ConcurrentHashMap<>();
  private final ScheduledExecutorService reaper =
      Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("bridge-ticket-reaper"));

  public TicketStore(Duration ttl) {
    this.ttl = ttl;
    long periodMillis = Math.max(1_000, ttl.toMillis() / 4);
    reaper.scheduleWithFixedDelay(this::expire, periodMillis, periodMillis, TimeUnit.MILLISECONDS);
  }

  /** Tickets handed out from now on live for {@code newTtl}. */
  void configure(Duration newTtl) {
    this.ttl = newTtl;
  }

  String add(String owner, Payload payload) {
    String id = UUID.randomUUID().toString();
    tickets.put(id, new Entry(owner, payload, System.nanoTime() + ttl.toNanos(), ConcurrentHashMap.newKeySet(),
        new AtomicBoolean(), new AtomicBoolean()));
    return id;
  }

  Payload redeem(String owner, String id) {
    Entry entry = tickets.get(id);
    if (entry == null || !entry.owner().equals(owner) || entry.expiresAtNanos() < System.nanoTime()) {
      throw EngineException.notFound("unknown or expired ticket '" + id + "'; call GetFlightInfo again");
    }
    if (entry.cancelled().get()) {
      throw new EngineException(ErrorKind.CANCELLED, "the query of ticket " + id + " was cancelled");
    }
    entry.redeemed().set(true);
    return entry.payload();
  }

  /**
   * Tracks a query started from ticket {@code id}, from before its engine computes the first batch, so that
   * CancelFlightInfo can stop it by {@code stop}; the returned callback forgets it again once it has ended.
   */
  Runnable running(String id, Runnable stop) {
    Entry entry = tickets.get(id);
    if (entry == null) {
      return () -> { };
    }
    entry.running().add(stop);
    return () -> entry.running().remove(stop);
  }

  /** Cancels the ticket's running streams and refuses it from now on; false when the ticket is unknown. */
  boolean cancel(String owner, String id) {
    Entry entry = tickets.get(id);
    if (entry == null || !entry.owner().equals(owner)) {
      return false;
    }
    entry.cancelled().set(true);
    entry.running().forEach(Runnable::run);
    if (entry.payload() instanceof PartitionTicket part) {
      // The whole query is cancelled, also the partitions nobody fetches now: its trace ends here.
      part.trace().failed(new EngineException(ErrorKind.CANCELLED, "the query was cancelled"));
    }
    return true;
  }

  /**
   * Forgets the expired tickets no stream reads now. A partition ticket nobody redeemed ends its partition in the
   * query's trace: a client that fetched only some endpoints still ends its query (one query-log line, abandoned).
   */
  private void expire() {
    long now = System.nanoTime();
    tickets.entrySet().removeIf(e -> {
      Entry entry = e.getValue();
      if (entry.expiresAtNanos() >= now || !entry.running().isEmpty()) {
        return false;
      }
      if (entry.payload() instanceof PartitionTicket part && !entry.redeemed().get()) {
        part.trace().partitionExpired();
      }
      return true;
    });
  }

  @Override
  public void close() {
    reaper.shutdownNow();
    tickets.values().forEach(entry -> entry.running().forEach(Runnable::run));
    tickets.clear();
  }
}
