package dev.bridge.auth;

import dev.bridge.config.BridgeConfig;
import dev.bridge.config.ConfigException;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * A server without authentication answers anyone who can reach it, so it listens on loopback only unless the
 * operator says otherwise ({@code bridge serve --insecure}).
 */
public final class ListenPolicy {
  private ListenPolicy() {}

  /** Throws when the configuration would listen beyond loopback without authentication and without {@code insecure}. */
  public static void check(BridgeConfig config, boolean insecure) {
    String host = config.flight().host();
    if (config.auth().enabled() || insecure || isLoopback(host)) {
      return;
    }
    throw new ConfigException("refusing to listen on " + host + " without authentication: anyone who reaches it"
        + " could run any SQL. Configure users and set auth.enabled: true, listen on 127.0.0.1, or pass --insecure"
        + " to accept the risk");
  }

  static boolean isLoopback(String host) {
    try {
      InetAddress[] addresses = InetAddress.getAllByName(host);
      for (InetAddress address : addresses) {
        if (!address.isLoopbackAddress()) {
          return false;
        }
      }
      return addresses.length > 0;
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
