package dev.bridge.identity;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * What a user may do. A reader runs queries only; a writer also changes data and schema (DDL, DML, ingest);
 * an admin may do everything. See docs/security.md for the statement classes each role may run.
 */
public enum Role {
  READER,
  WRITER,
  ADMIN;

  public static final List<String> NAMES = Arrays.stream(values()).map(Role::configName).toList();

  /** The name used in configuration and JWT role claims. */
  public String configName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public boolean mayWrite() {
    return this != READER;
  }

  public static Optional<Role> parse(String name) {
    return Arrays.stream(values()).filter(role -> role.configName().equalsIgnoreCase(name.strip())).findFirst();
  }
}
