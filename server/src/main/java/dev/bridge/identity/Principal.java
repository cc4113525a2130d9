package dev.bridge.identity;

/** Who a call runs as: a user name and its role. Without authentication every call is {@link #ANONYMOUS}. */
public record Principal(String user, Role role) {
  /** The caller when authentication is off: no name, every right (the server listens on loopback only). */
  public static final Principal ANONYMOUS = new Principal("", Role.ADMIN);

  public boolean anonymous() {
    return user.isEmpty();
  }
}
