package dev.bridge.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Worker nodes behind a coordinator ({@code docs/cluster.md}): this node's role, the coordinator's workers, the
 * shared key the coordinator signs tickets with and the workers check them with, how long a ticket lives, and how
 * often the coordinator checks its workers. A single node (the default) ignores everything else.
 */
public record ClusterConfig(
    @JsonProperty("role") ClusterRole role,
    @JsonProperty("workers") List<String> workers,
    @JsonProperty("ticket_key") String ticketKey,
    @JsonProperty("ticket_key_file") String ticketKeyFile,
    @JsonProperty("ticket_ttl") Duration ticketTtl,
    @JsonProperty("health_interval") Duration healthInterval,
    @JsonProperty("worker_ca_file") String workerCaFile) {

  public static final ClusterConfig DEFAULT = new ClusterConfig(null, null, null, null, null, null, null);
  /** HMAC-SHA256 wants a key at least as long as its output. */
  public static final int MIN_KEY_BYTES = 32;

  public ClusterConfig {
    role = role == null ? ClusterRole.SINGLE : role;
    workers = workers == null ? List.of() : List.copyOf(workers);
    ticketKey = ticketKey == null ? "" : ticketKey;
    ticketKeyFile = ticketKeyFile == null ? "" : ticketKeyFile;
    ticketTtl = ticketTtl == null ? Duration.ofMinutes(5) : ticketTtl;
    healthInterval = healthInterval == null ? Duration.ofSeconds(1) : healthInterval;
    workerCaFile = workerCaFile == null ? "" : workerCaFile;
  }

  public static ClusterConfig coordinator(List<String> workers, String ticketKey) {
    return new ClusterConfig(ClusterRole.COORDINATOR, workers, ticketKey, null, null, null, null);
  }

  public static ClusterConfig worker(String ticketKey) {
    return new ClusterConfig(ClusterRole.WORKER, null, ticketKey, null, null, null, null);
  }

  void validate() {
    if (role == ClusterRole.SINGLE) {
      Validation.require(workers.isEmpty(), "cluster.workers", "lists workers but cluster.role is single; set "
          + "cluster.role: coordinator");
      return;
    }
    Validation.require(ticketKey.isEmpty() || ticketKeyFile.isEmpty(), "cluster.ticket_key",
        "and cluster.ticket_key_file are both set; set one");
    Validation.require(!ticketKey.isEmpty() || !ticketKeyFile.isEmpty(), "cluster.ticket_key",
        "(or cluster.ticket_key_file) is needed when cluster.role is " + role.label()
            + ": the coordinator signs tickets with it and the workers check them with it");
    Validation.require(ticketKey.isEmpty() || ticketKey.length() >= MIN_KEY_BYTES, "cluster.ticket_key",
        "must be at least " + MIN_KEY_BYTES + " characters");
    if (!ticketKeyFile.isEmpty()) {
      Path file = Path.of(ticketKeyFile);
      Validation.require(Files.isRegularFile(file) && Files.isReadable(file), "cluster.ticket_key_file",
          "cannot read the file " + file.toAbsolutePath());
    }
    Validation.requirePositive(ticketTtl, "cluster.ticket_ttl");
    Validation.require(healthInterval.toMillis() >= 50, "cluster.health_interval",
        "must be at least 50ms, got " + healthInterval);
    if (role == ClusterRole.WORKER) {
      Validation.require(workers.isEmpty(), "cluster.workers", "lists workers but this node is a worker; only a "
          + "coordinator has workers");
      return;
    }
    Validation.require(!workers.isEmpty(), "cluster.workers", "must list at least one worker "
        + "(grpc://host:port or grpc+tls://host:port) when cluster.role is coordinator");
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < workers.size(); i++) {
      String key = "cluster.workers[" + i + "]";
      String worker = workers.get(i);
      Validation.require(worker != null && workerAddress(worker) != null, key,
          "must be grpc://host:port or grpc+tls://host:port, got " + worker);
      Validation.require(seen.add(worker), key, "repeats worker " + worker);
    }
    if (!workerCaFile.isEmpty()) {
      Path file = Path.of(workerCaFile);
      Validation.require(Files.isRegularFile(file) && Files.isReadable(file), "cluster.worker_ca_file",
          "cannot read the file " + file.toAbsolutePath());
    }
  }

  /** The worker's URI when it is grpc:// or grpc+tls:// with a host and a port, else null. */
  public static URI workerAddress(String worker) {
    try {
      URI uri = new URI(worker);
      boolean scheme = "grpc".equals(uri.getScheme()) || "grpc+tcp".equals(uri.getScheme())
          || "grpc+tls".equals(uri.getScheme());
      return scheme && uri.getHost() != null && uri.getPort() > 0 ? uri : null;
    } catch (java.net.URISyntaxException e) {
      return null;
    }
  }
}
