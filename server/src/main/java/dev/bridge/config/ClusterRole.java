package dev.bridge.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * What a node is in a cluster: a single node answers everything itself; a coordinator plans queries and places
 * their endpoints on its workers; a worker serves the tickets a coordinator signed (and its own clients as usual).
 */
public enum ClusterRole {
  SINGLE, COORDINATOR, WORKER;

  @JsonValue
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The role called {@code name} (any case); an unknown name is an error listing the accepted ones. */
  @JsonCreator
  public static ClusterRole named(String name) {
    for (ClusterRole role : values()) {
      if (role.label().equalsIgnoreCase(name == null ? "" : name.trim())) {
        return role;
      }
    }
    throw new IllegalArgumentException("unknown cluster role '" + name + "'; use single, coordinator or worker");
  }
}
