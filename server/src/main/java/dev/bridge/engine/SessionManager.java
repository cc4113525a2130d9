package dev.bridge.engine;

import dev.bridge.config.SessionConfig;
import dev.bridge.identity.Principal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sessions of all clients, by session key (a bearer token, or the client's connection when there is no
 * authentication). A session is created on first use, and closed when its client disconnects, closes it, or leaves
 * it idle past {@code sessions.idle_timeout}.
 */
public final class SessionManager implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SessionManager.class);

  private final DuckDbEngine engine;
  private volatile SessionConfig config;
  private final Map<String, Session> sessions = new ConcurrentHashMap<>();
  private final ScheduledExecutorService evictor =
      Executors.newSingleThreadScheduledExecutor(DaemonThreads.named("bridge-session-evictor"));
  private ScheduledFuture<?> eviction;

  public SessionManager(DuckDbEngine engine, SessionConfig config) {
    this.engine = engine;
    this.config = config;
    scheduleEviction();
  }

  /** Takes an edited idle timeout: idle sessions are closed by the new one from now on. */
  public synchronized void configure(SessionConfig newConfig) {
    boolean idleTimeoutChanged = !newConfig.idleTimeout().equals(config.idleTimeout());
    this.config = newConfig;
    if (idleTimeoutChanged) {
      eviction.cancel(false);
      scheduleEviction();
    }
  }

  private synchronized void scheduleEviction() {
    long periodMillis = Math.max(1_000, config.idleTimeout().toMillis() / 4);
    eviction = evictor.scheduleWithFixedDelay(this::evictIdle, periodMillis, periodMillis, TimeUnit.MILLISECONDS);
  }

  /**
   * The session for {@code key}, created for {@code principal} when it has none; refused with RESOURCE_EXHAUSTED
   * when {@code sessions.max_sessions} are open. Keys carry the bearer token, so a session has one user.
   */
  public Session session(String key, Principal principal) {
    Session session = sessions.computeIfAbsent(key, k -> {
      if (sessions.size() >= config.maxSessions()) {
        throw new EngineException(ErrorKind.RESOURCE_EXHAUSTED, "the server has " + sessions.size()
            + " open sessions, its limit (sessions.max_sessions); close a session or try again later");
      }
      return new Session(k, principal, engine, () -> this.config.busyWait());
    });
    session.touch();
    return session;
  }

  /** Closes the session of {@code key}, if there is one; returns whether there was. */
  public boolean close(String key) {
    Session session = sessions.remove(key);
    if (session == null) {
      return false;
    }
    session.close();
    return true;
  }

  /** The open sessions right now (the operations view); each may close at any moment after. */
  public List<Session> list() {
    return List.copyOf(sessions.values());
  }

  public int size() {
    return sessions.size();
  }

  public SessionConfig config() {
    return config;
  }

  private void evictIdle() {
    Duration idleTimeout = config.idleTimeout();
    sessions.forEach((key, session) -> {
      if (session.idleLongerThan(idleTimeout) && sessions.remove(key, session)) {
        log.info("closing session {} after {} idle", key, idleTimeout);
        session.close();
      }
    });
  }

  @Override
  public void close() {
    evictor.shutdownNow();
    sessions.keySet().forEach(this::close);
  }
}
