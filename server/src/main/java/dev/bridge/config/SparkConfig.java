package dev.bridge.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/**
 * {@code engines.spark}: a Spark Connect server whose catalog Bridge shows as the catalog {@code catalog}; a session
 * whose current catalog is that one sends its statements to Spark (docs/spark.md). Off while {@code remote} is empty.
 *
 * <p>{@code remote} is Spark Connect's own connection string, {@code sc://host[:port][/;use_ssl=true]} (port 15002
 * by default). The bearer token Spark expects is {@code token}, or the first line of {@code token_file}; one of the
 * two at most.
 */
public record SparkConfig(
    @JsonProperty("remote") String remote,
    @JsonProperty("token") String token,
    @JsonProperty("token_file") String tokenFile,
    @JsonProperty("catalog") String catalog) {

  /** Spark Connect's default port, as its clients assume. */
  public static final int DEFAULT_PORT = 15002;
  public static final SparkConfig OFF = new SparkConfig(null, null, null, null);

  public SparkConfig {
    remote = remote == null ? "" : remote.trim();
    token = token == null ? "" : token;
    tokenFile = tokenFile == null ? "" : tokenFile;
    catalog = catalog == null || catalog.isBlank() ? "spark" : catalog;
  }

  public boolean enabled() {
    return !remote.isEmpty();
  }

  /** Where Spark Connect listens, read from {@code remote}. */
  public record Endpoint(String host, int port, boolean tls) {}

  public Endpoint endpoint() {
    URI uri;
    try {
      uri = new URI(remote);
    } catch (URISyntaxException e) {
      throw new ConfigException("engines.spark.remote is not a Spark Connect address (sc://host:port): " + remote);
    }
    Validation.require("sc".equals(uri.getScheme()) && uri.getHost() != null, "engines.spark.remote",
        "must be sc://host[:port], got " + remote);
    boolean tls = false;
    String path = uri.getRawPath() == null ? "" : uri.getRawPath();
    for (String parameter : path.split(";")) {
      if (parameter.isEmpty() || parameter.equals("/")) {
        continue;
      }
      String[] pair = parameter.split("=", 2);
      String name = pair[0].toLowerCase(Locale.ROOT);
      Validation.require(name.equals("use_ssl") && pair.length == 2, "engines.spark.remote",
          "takes only the parameter use_ssl (the token goes in engines.spark.token or token_file), got '"
              + parameter + "'");
      tls = Boolean.parseBoolean(pair[1]);
    }
    return new Endpoint(uri.getHost(), uri.getPort() < 0 ? DEFAULT_PORT : uri.getPort(), tls);
  }

  /** The token Bridge presents to Spark, read now from {@code token_file} when that is set; empty for none. */
  public String resolvedToken() {
    if (tokenFile.isEmpty()) {
      return token;
    }
    try {
      String text = Files.readString(Path.of(tokenFile), StandardCharsets.UTF_8).strip();
      return text.lines().findFirst().orElse("");
    } catch (IOException e) {
      throw new ConfigException("engines.spark.token_file cannot be read: " + tokenFile + " (" + e.getMessage() + ")");
    }
  }

  void validate() {
    if (!enabled()) {
      Validation.require(token.isEmpty() && tokenFile.isEmpty(), "engines.spark.remote",
          "is needed when engines.spark.token or token_file is set");
      return;
    }
    endpoint();
    Validation.require(token.isEmpty() || tokenFile.isEmpty(), "engines.spark.token",
        "and engines.spark.token_file are both set; set one");
    if (!tokenFile.isEmpty()) {
      Validation.require(!resolvedToken().isEmpty(), "engines.spark.token_file", "is empty: " + tokenFile);
    }
    Validation.require(catalog.equals(catalog.strip()) && !catalog.contains("\""), "engines.spark.catalog",
        "must be a plain name, got '" + catalog + "'");
  }
}
