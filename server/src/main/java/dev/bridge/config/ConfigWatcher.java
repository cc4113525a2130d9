package dev.bridge.config;

import java.io.IOException;
import java.nio.file.ClosedWatchServiceException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardWatchEventKinds;
import java.nio.file.WatchEvent;
import java.nio.file.WatchKey;
import java.nio.file.WatchService;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the configuration file and applies valid edits to the running server. Editors that write the file in
 * place and editors that replace it by a rename are both seen (the directory is watched, not the file); a burst of
 * events is settled for {@link #DEBOUNCE} before the file is read.
 *
 * <p>An edit is read through the same loading and validation as at start. An invalid one is rejected whole, with
 * a log line naming the key, and the running configuration stays. Of a valid one, each changed key that a
 * registered listener covers is applied by that listener; every other changed key needs a restart: it is logged as
 * such and keeps its running value. A listener that throws refuses its keys: they are logged and keep their
 * running values too.
 */
public final class ConfigWatcher implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ConfigWatcher.class);
  static final Duration DEBOUNCE = Duration.ofMillis(300);

  private record Registration(String keyPrefix, ConfigListener listener) {}

  private final Path file;
  private final Supplier<BridgeConfig> loader;
  private final ConfigChanges changes = new ConfigChanges();
  private final List<Registration> listeners = new CopyOnWriteArrayList<>();
  private final WatchService watchService;
  private final Thread thread;
  private volatile BridgeConfig current;

  /**
   * Watches {@code file}; {@code loader} reads and validates it (with the command line's overrides applied), and
   * {@code running} is the configuration the server started with.
   */
  public ConfigWatcher(Path file, Supplier<BridgeConfig> loader, BridgeConfig running) throws IOException {
    this.file = file.toAbsolutePath().normalize();
    this.loader = loader;
    this.current = running;
    this.watchService = FileSystems.getDefault().newWatchService();
    this.file.getParent().register(watchService, StandardWatchEventKinds.ENTRY_CREATE,
        StandardWatchEventKinds.ENTRY_MODIFY);
    this.thread = new Thread(this::watch, "bridge-config-watcher");
    this.thread.setDaemon(true);
  }

  /**
   * Applies, from now on, edits of the keys under {@code keyPrefix} (a section such as {@code "auth"} or a key such
   * as {@code "sessions.idle_timeout"}) with {@code listener}.
   */
  public ConfigWatcher onChange(String keyPrefix, ConfigListener listener) {
    listeners.add(new Registration(keyPrefix, listener));
    return this;
  }

  public ConfigWatcher start() {
    thread.start();
    log.info("watching {} for changes", file);
    return this;
  }

  /** The configuration in force. */
  public BridgeConfig current() {
    return current;
  }

  /** Reads the file now and applies it as an edit would be; returns the configuration in force afterwards. */
  public synchronized BridgeConfig reload() {
    BridgeConfig previous = current;
    BridgeConfig edited;
    try {
      edited = loader.get();
    } catch (ConfigException e) {
      log.error("configuration reload rejected, the running configuration stays: {}", e.getMessage());
      return previous;
    }
    List<String> changed = changes.changedKeys(previous, edited);
    if (changed.isEmpty()) {
      return previous;
    }
    List<String> needRestart = new ArrayList<>();
    for (String key : changed) {
      if (listeners.stream().noneMatch(r -> ConfigChanges.covers(r.keyPrefix(), key))) {
        needRestart.add(key);
      }
    }
    if (!needRestart.isEmpty()) {
      log.warn("configuration change of {} needs a restart; not applied, the running values stay", needRestart);
    }
    List<String> applied = changed.stream().filter(key -> !needRestart.contains(key)).toList();
    if (applied.isEmpty()) {
      return previous;
    }
    BridgeConfig next = changes.revert(previous, edited, needRestart);
    List<String> refused = new ArrayList<>();
    for (Registration registration : listeners) {
      List<String> keys = applied.stream().filter(key -> ConfigChanges.covers(registration.keyPrefix(), key))
          .toList();
      if (keys.isEmpty()) {
        continue;
      }
      try {
        registration.listener().apply(previous, next);
      } catch (RuntimeException e) {
        // The listener refused the new values (a dataset outside the data directories, an unreadable key file):
        // its keys keep their running values, as if the edit had not touched them.
        log.error("configuration change of {} refused, the running values stay: {}", keys, e.getMessage());
        log.debug("refused configuration change", e);
        refused.addAll(keys);
      }
    }
    next = changes.revert(previous, next, refused);
    current = next;
    List<String> done = applied.stream().filter(key -> !refused.contains(key)).toList();
    if (!done.isEmpty()) {
      log.info("configuration reloaded; applied {}", done);
    }
    return next;
  }

  private void watch() {
    try {
      while (true) {
        WatchKey key = watchService.take();
        boolean ours = touchesFile(key);
        // Settle the burst an editor makes (truncate, write, rename) before reading the file once.
        WatchKey more;
        while ((more = watchService.poll(DEBOUNCE.toMillis(), TimeUnit.MILLISECONDS)) != null) {
          ours |= touchesFile(more);
        }
        if (ours && Files.isRegularFile(file)) {
          reload();
        }
      }
    } catch (InterruptedException | ClosedWatchServiceException e) {
      // Closed: the server is stopping.
    }
  }

  private boolean touchesFile(WatchKey key) {
    boolean touches = false;
    for (WatchEvent<?> event : key.pollEvents()) {
      touches |= event.kind() == StandardWatchEventKinds.OVERFLOW
          || file.getFileName().equals(event.context());
    }
    key.reset();
    return touches;
  }

  @Override
  public void close() {
    try {
      watchService.close();
    } catch (IOException e) {
      log.debug("closing the configuration watcher failed: {}", e.getMessage());
    }
    thread.interrupt();
  }
}
