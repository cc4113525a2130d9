package dev.bridge.config;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * The whole server configuration: one immutable, typed tree. Every key and its default is documented in
 * {@code conf/bridge.yaml}; {@link ConfigLoader} is the only place that builds one.
 */
public record BridgeConfig(
    @JsonProperty("flight") FlightConfig flight,
    @JsonProperty("database") DatabaseConfig database,
    @JsonProperty("sessions") SessionConfig sessions,
    @JsonProperty("http") HttpConfig http,
    @JsonProperty("auth") AuthConfig auth,
    @JsonProperty("tls") TlsConfig tls,
    @JsonProperty("limits") LimitsConfig limits,
    @JsonProperty("files") FilesConfig files,
    @JsonProperty("logging") LoggingConfig logging,
    @JsonProperty("query_log") QueryLogConfig queryLog,
    @JsonProperty("cluster") ClusterConfig cluster,
    @JsonProperty("cache") CacheConfig cache,
    @JsonProperty("engines") EnginesConfig engines) {

  public BridgeConfig {
    flight = flight == null ? FlightConfig.DEFAULT : flight;
    database = database == null ? DatabaseConfig.DEFAULT : database;
    sessions = sessions == null ? SessionConfig.DEFAULT : sessions;
    http = http == null ? HttpConfig.DEFAULT : http;
    auth = auth == null ? AuthConfig.DEFAULT : auth;
    tls = tls == null ? TlsConfig.DEFAULT : tls;
    limits = limits == null ? LimitsConfig.DEFAULT : limits;
    files = files == null ? FilesConfig.DEFAULT : files;
    logging = logging == null ? LoggingConfig.DEFAULT : logging;
    queryLog = queryLog == null ? QueryLogConfig.DEFAULT : queryLog;
    cluster = cluster == null ? ClusterConfig.DEFAULT : cluster;
    cache = cache == null ? CacheConfig.DEFAULT : cache;
    engines = engines == null ? EnginesConfig.DEFAULT : engines;
  }

  public static BridgeConfig defaults() {
    return new BridgeConfig(null, null, null, null, null, null, null, null, null, null, null, null, null);
  }

  public BridgeConfig withFlight(FlightConfig newFlight) {
    return new BridgeConfig(newFlight, database, sessions, http, auth, tls, limits, files,
        logging, queryLog, cluster, cache, engines);
  }

  public BridgeConfig withDatabase(DatabaseConfig newDatabase) {
    return new BridgeConfig(flight, newDatabase, sessions, http, auth, tls, limits, files,
        logging, queryLog, cluster, cache, engines);
  }

  public BridgeConfig withSessions(SessionConfig newSessions) {
    return new BridgeConfig(flight, database, newSessions, http, auth, tls, limits, files,
        logging, queryLog, cluster, cache, engines);
  }

  public BridgeConfig withHttp(HttpConfig newHttp) {
    return new BridgeConfig(flight, database, sessions, newHttp, auth, tls, limits, files,
        logging, queryLog, cluster, cache, engines);
  }

  public BridgeConfig withAuth(AuthConfig newAuth) {
    return new BridgeConfig(flight, database, sessions, http, newAuth, tls, limits, files,
        logging, queryLog, cluster, cache, engines);
  }

  public BridgeConfig withTls(TlsConfig newTls) {
    return new BridgeConfig(flight, database, sessions, http, auth, newTls, limits, files,
        logging, queryLog, cluster, cache, engines);
  }

  public BridgeConfig withLimits(LimitsConfig newLimits) {
    return new BridgeConfig(flight, database, sessions, http, auth, tls, newLimits, files,
        logging, queryLog, cluster, cache, engines);
  }

  public BridgeConfig withFiles(FilesConfig newFiles) {
    return new BridgeConfig(flight, database, sessions, http, auth, tls, limits, newFiles,
        logging, queryLog, cluster, cache, engines);
  }

  public BridgeConfig withCluster(ClusterConfig newCluster) {
    return new BridgeConfig(flight, database, sessions, http, auth, tls, limits, files,
        logging, queryLog, newCluster, cache, engines);
  }

  public BridgeConfig withEngines(EnginesConfig newEngines) {
    return new BridgeConfig(flight, database, sessions, http, auth, tls, limits, files,
        logging, queryLog, cluster, cache, newEngines);
  }

  /** Checks every value; the first bad one is reported with its key. */
  public void validate() {
    flight.validate();
    database.validate();
    sessions.validate();
    http.validate();
    auth.validate();
    tls.validate();
    limits.validate();
    files.validate();
    logging.validate();
    queryLog.validate();
    cluster.validate();
    cache.validate();
    engines.validate();
  }
}
