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
    @JsonProperty("auth") AuthConfig auth) {

  public BridgeConfig {
    flight = flight == null ? FlightConfig.DEFAULT : flight;
    database = database == null ? DatabaseConfig.DEFAULT : database;
    sessions = sessions == null ? SessionConfig.DEFAULT : sessions;
    http = http == null ? HttpConfig.DEFAULT : http;
    auth = auth == null ? AuthConfig.DEFAULT : auth;
  }

  public static BridgeConfig defaults() {
    return new BridgeConfig(null, null, null, null, null);
  }

  public BridgeConfig withFlight(FlightConfig newFlight) {
    return new BridgeConfig(newFlight, database, sessions, http, auth);
  }

  public BridgeConfig withDatabase(DatabaseConfig newDatabase) {
    return new BridgeConfig(flight, newDatabase, sessions, http, auth);
  }

  public BridgeConfig withSessions(SessionConfig newSessions) {
    return new BridgeConfig(flight, database, newSessions, http, auth);
  }

  public BridgeConfig withHttp(HttpConfig newHttp) {
    return new BridgeConfig(flight, database, sessions, newHttp, auth);
  }

  public BridgeConfig withAuth(AuthConfig newAuth) {
    return new BridgeConfig(flight, database, sessions, http, newAuth);
  }

  /** Checks every value; the first bad one is reported with its key. */
  public void validate() {
    flight.validate();
    database.validate();
    sessions.validate();
    http.validate();
    auth.validate();
  }
}
