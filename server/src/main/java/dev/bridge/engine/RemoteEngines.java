package dev.bridge.engine;

import dev.bridge.config.ConfigException;
import dev.bridge.config.EnginesConfig;
import java.util.List;
import java.util.Optional;

/** The engines besides DuckDB that this server sends statements to, each by the catalog it owns (none by default). */
public final class RemoteEngines implements AutoCloseable {
  public static final RemoteEngines NONE = new RemoteEngines(List.of());

  private final List<RemoteEngine> engines;

  public RemoteEngines(List<RemoteEngine> engines) {
    this.engines = List.copyOf(engines);
  }

  public List<RemoteEngine> all() {
    return engines;
  }

  /** The engine owning {@code catalog}, compared as DuckDB compares identifiers (case-insensitively). */
  public Optional<RemoteEngine> owning(String catalog) {
    return catalog == null ? Optional.empty()
        : engines.stream().filter(engine -> engine.catalog().equalsIgnoreCase(catalog)).findFirst();
  }

  /** The engine the session's statements go to now, when it is not DuckDB. */
  public Optional<RemoteEngine> ofSession(Session session) {
    return session.remoteSchema().flatMap(schema -> owning(schema.catalog()));
  }

  /** The engine {@code plan} was planned by; empty for DuckDB's plans. */
  public Optional<RemoteEngine> of(StatementPlan plan) {
    return plan.onDuckDb() ? Optional.empty()
        : engines.stream().filter(engine -> engine.name().equals(plan.engine())).findFirst();
  }

  /**
   * Applies an edited {@code engines} section (configuration reload). Turning an engine on or off changes which
   * catalogs exist and needs a restart: refused naming the key.
   */
  public void reconfigure(EnginesConfig previous, EnginesConfig next) {
    if (previous.spark().enabled() != next.spark().enabled()) {
      throw new ConfigException("engines.spark.remote: turning Spark " + (next.spark().enabled() ? "on" : "off")
          + " needs a restart");
    }
    engines.forEach(engine -> engine.reconfigure(next));
  }

  @Override
  public void close() {
    engines.forEach(RemoteEngine::close);
  }
}
