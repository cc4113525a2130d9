package dev.bridge.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;

/**
 * Which web pages served from other origins may call the HTTP door from a browser (CORS). Empty, the default, sends
 * no CORS headers at all, so browsers keep other origins out; {@code "*"} lets any origin in, without credentials.
 */
public record CorsConfig(@JsonProperty("allowed_origins") List<String> allowedOrigins) {
  public static final CorsConfig DEFAULT = new CorsConfig(null);
  /** The entry that allows every origin. */
  public static final String ANY_ORIGIN = "*";

  public CorsConfig {
    allowedOrigins = allowedOrigins == null ? List.of() : List.copyOf(allowedOrigins);
  }

  public CorsConfig withAllowedOrigins(List<String> origins) {
    return new CorsConfig(origins);
  }

  /**
   * Each entry is {@code *} or an origin exactly as a browser sends it: a scheme, a host and an optional port, with
   * no path, query or trailing slash ({@code https://app.example.com:8443}); anything else could never match.
   */
  void validate() {
    for (int i = 0; i < allowedOrigins.size(); i++) {
      String origin = allowedOrigins.get(i);
      String key = "http.cors.allowed_origins[" + i + "]";
      Validation.require(origin != null && !origin.isBlank(), key, "must be an origin such as https://app.example"
          + " or *, got an empty entry");
      if (origin.equals(ANY_ORIGIN)) {
        continue;
      }
      Validation.require(isOrigin(origin), key, "must be an origin such as https://app.example.com:8443 (scheme,"
          + " host, optional port; no path or trailing slash) or *, got '" + origin + "'");
    }
  }

  private static boolean isOrigin(String origin) {
    try {
      URI uri = new URI(origin);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      return (scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null && uri.getRawPath() != null
          && uri.getRawPath().isEmpty() && uri.getRawQuery() == null && uri.getRawFragment() == null
          && uri.getRawUserInfo() == null && origin.equals(origin.strip());
    } catch (URISyntaxException e) {
      return false;
    }
  }
}
