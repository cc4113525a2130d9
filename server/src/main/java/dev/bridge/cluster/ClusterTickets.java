package dev.bridge.cluster;

import dev.bridge.config.ClusterConfig;
import dev.bridge.config.ConfigException;
import dev.bridge.config.ResultCompression;
import dev.bridge.engine.EngineException;
import dev.bridge.engine.ErrorKind;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Optional;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The tickets a coordinator hands out for its workers: the statement, the slice of it to read (empty for the whole
 * statement), the user it was issued to, its expiry, the worker it was placed on and the options of the session it
 * was issued in that shape the stream (query timeout, result compression), signed with HMAC-SHA256 under
 * the key the coordinator and its workers share ({@code cluster.ticket_key}). A worker serves a ticket only when
 * the signature verifies, it has not expired, and the caller is the user it names; nothing else of the ticket's
 * contents is trusted, and nothing is stored: any worker can serve any ticket of its coordinator.
 */
public final class ClusterTickets {
  private static final String HMAC = "HmacSHA256";
  private static final int MAC_BYTES = 32;
  private static final int VERSION = 2;
  /** How a ticket says its session chose no query timeout (the server's default applies). */
  private static final long NO_TIMEOUT_CHOSEN = -1;

  /** What a verified ticket says. {@code slice} is empty for a whole statement. */
  public record Ticket(String queryId, String sql, byte[] slice, String user, Instant expiresAt, String worker,
      SessionChoices choices) {
    public boolean whole() {
      return slice.length == 0;
    }
  }

  /**
   * What the session a ticket was issued in chose for its statements' streams, carried to the worker that serves
   * it: the query timeout (Flight session option {@code query_timeout}; empty = the server's default) and the
   * result compression ({@code x-bridge-compression}; empty = the call's or the server's). Each node applies its
   * own limits to them ({@code limits.max_query_timeout}).
   */
  public record SessionChoices(Optional<Duration> queryTimeout, Optional<ResultCompression> compression) {
    public static final SessionChoices NONE = new SessionChoices(Optional.empty(), Optional.empty());
  }

  private final SecretKeySpec key;
  private final Duration ttl;
  private final Clock clock;

  ClusterTickets(byte[] key, Duration ttl, Clock clock) {
    this.key = new SecretKeySpec(key, HMAC);
    this.ttl = ttl;
    this.clock = clock;
  }

  /** The tickets of a coordinator or worker configured with {@code config}'s key and TTL. */
  public static ClusterTickets of(ClusterConfig config) {
    return new ClusterTickets(key(config), config.ticketTtl(), Clock.systemUTC());
  }

  private static byte[] key(ClusterConfig config) {
    if (!config.ticketKey().isEmpty()) {
      return config.ticketKey().getBytes(StandardCharsets.UTF_8);
    }
    byte[] key;
    try {
      key = Files.readAllBytes(Path.of(config.ticketKeyFile()));
    } catch (IOException e) {
      throw new ConfigException("cluster.ticket_key_file " + config.ticketKeyFile() + " cannot be read: " + e);
    }
    if (key.length < ClusterConfig.MIN_KEY_BYTES) {
      throw new ConfigException("cluster.ticket_key_file " + config.ticketKeyFile() + " holds " + key.length
          + " bytes; the key must have at least " + ClusterConfig.MIN_KEY_BYTES);
    }
    return key;
  }

  /** A new query id, shared by the tickets of one GetFlightInfo (the workers' query log lines carry it). */
  public static String newQueryId() {
    return UUID.randomUUID().toString();
  }

  /**
   * The signed bytes of a ticket for {@code user} to read {@code slice} of {@code sql} on {@code worker}, streamed
   * as {@code choices} say.
   */
  public byte[] issue(String queryId, String sql, byte[] slice, String user, String worker, SessionChoices choices) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      out.writeInt(VERSION);
      out.writeLong(clock.instant().plus(ttl).toEpochMilli());
      writeBytes(out, queryId.getBytes(StandardCharsets.UTF_8));
      writeBytes(out, sql.getBytes(StandardCharsets.UTF_8));
      writeBytes(out, slice);
      writeBytes(out, user.getBytes(StandardCharsets.UTF_8));
      writeBytes(out, worker.getBytes(StandardCharsets.UTF_8));
      out.writeLong(choices.queryTimeout().map(Duration::toMillis).orElse(NO_TIMEOUT_CHOSEN));
      writeBytes(out, choices.compression().map(ResultCompression::label).orElse("").getBytes(StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IllegalStateException("writing to memory failed", e);
    }
    byte[] payload = bytes.toByteArray();
    return ByteBuffer.allocate(payload.length + MAC_BYTES).put(payload).put(mac(payload)).array();
  }

  /**
   * The ticket {@code signed} stands for, once its signature and expiry are checked and {@code caller} is the user
   * it was issued to: UNAUTHENTICATED for a ticket this cluster's coordinator did not sign or that expired,
   * PERMISSION_DENIED for another user's.
   */
  public Ticket verify(byte[] signed, String caller) {
    if (signed.length <= MAC_BYTES) {
      throw forged("it is too short to carry a signature");
    }
    byte[] payload = Arrays.copyOf(signed, signed.length - MAC_BYTES);
    byte[] mac = Arrays.copyOfRange(signed, signed.length - MAC_BYTES, signed.length);
    // Constant-time: a forger learns nothing from how long the comparison took.
    if (!MessageDigest.isEqual(mac(payload), mac)) {
      throw forged("its signature does not verify under this cluster's ticket key");
    }
    Ticket ticket;
    try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(payload))) {
      int version = in.readInt();
      if (version != VERSION) {
        throw forged("it has version " + version + ", this server reads version " + VERSION);
      }
      Instant expiresAt = Instant.ofEpochMilli(in.readLong());
      ticket = new Ticket(text(in), text(in), readBytes(in), text(in), expiresAt, text(in), choices(in));
    } catch (IOException | IllegalArgumentException e) {
      throw forged("its contents are malformed");
    }
    if (!clock.instant().isBefore(ticket.expiresAt())) {
      throw new EngineException(ErrorKind.UNAUTHENTICATED, "the cluster ticket expired at " + ticket.expiresAt()
          + "; call GetFlightInfo on the coordinator again for fresh tickets");
    }
    if (!ticket.user().equals(caller)) {
      throw new EngineException(ErrorKind.PERMISSION_DENIED, "the cluster ticket was issued to user '"
          + ticket.user() + "', not to '" + caller + "'; each user redeems only their own tickets");
    }
    return ticket;
  }

  private static SessionChoices choices(DataInputStream in) throws IOException {
    long timeoutMillis = in.readLong();
    String compression = text(in);
    return new SessionChoices(
        timeoutMillis == NO_TIMEOUT_CHOSEN ? Optional.empty() : Optional.of(Duration.ofMillis(timeoutMillis)),
        compression.isEmpty() ? Optional.empty() : Optional.of(ResultCompression.named(compression)));
  }

  private static EngineException forged(String why) {
    return new EngineException(ErrorKind.UNAUTHENTICATED, "the ticket is not one this cluster's coordinator issued: "
        + why);
  }

  private byte[] mac(byte[] payload) {
    try {
      Mac mac = Mac.getInstance(HMAC);
      mac.init(key);
      return mac.doFinal(payload);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HMAC-SHA256 is unavailable", e);
    }
  }

  private static void writeBytes(DataOutputStream out, byte[] value) throws IOException {
    out.writeInt(value.length);
    out.write(value);
  }

  private static byte[] readBytes(DataInputStream in) throws IOException {
    int length = in.readInt();
    if (length < 0 || length > in.available()) {
      throw new IOException("a field claims " + length + " bytes");
    }
    return in.readNBytes(length);
  }

  private static String text(DataInputStream in) throws IOException {
    return new String(readBytes(in), StandardCharsets.UTF_8);
  }
}
