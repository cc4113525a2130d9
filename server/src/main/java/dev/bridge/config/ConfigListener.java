package dev.bridge.config;

/** Applies changed settings to the running server when the configuration file is edited. */
@FunctionalInterface
public interface ConfigListener {
  /**
   * Called on the watcher's thread after a valid edit changed a key this listener was registered for; {@code next}
   * is the configuration now in force (keys that need a restart keep their running values).
   */
  void apply(BridgeConfig previous, BridgeConfig next);
}
