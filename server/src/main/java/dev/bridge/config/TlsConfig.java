package dev.bridge.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * TLS on both doors (the Flight port and the REST port) from PEM files: the server's certificate chain and its
 * PKCS#8 private key, and optionally a CA whose certificates clients must present (mutual TLS).
 */
public record TlsConfig(
    @JsonProperty("enabled") Boolean enabled,
    @JsonProperty("cert_file") String certFile,
    @JsonProperty("key_file") String keyFile,
    @JsonProperty("client_ca_file") String clientCaFile) {

  public static final TlsConfig DEFAULT = new TlsConfig(null, null, null, null);

  public TlsConfig {
    enabled = enabled == null ? Boolean.FALSE : enabled;
    certFile = certFile == null ? "" : certFile;
    keyFile = keyFile == null ? "" : keyFile;
    clientCaFile = clientCaFile == null ? "" : clientCaFile;
  }

  /** TLS with this certificate and key; mutual TLS when {@code clientCa} is not empty. */
  public static TlsConfig of(Path cert, Path key, Path clientCa) {
    return new TlsConfig(true, cert.toString(), key.toString(), clientCa == null ? "" : clientCa.toString());
  }

  public boolean mutual() {
    return !clientCaFile.isEmpty();
  }

  void validate() {
    if (!enabled) {
      return;
    }
    requireReadable(certFile, "tls.cert_file");
    requireReadable(keyFile, "tls.key_file");
    if (mutual()) {
      requireReadable(clientCaFile, "tls.client_ca_file");
    }
  }

  private static void requireReadable(String file, String key) {
    Validation.require(!file.isBlank(), key, "must name a PEM file when tls.enabled is true");
    Path path = Path.of(file);
    Validation.require(Files.isRegularFile(path) && Files.isReadable(path), key,
        "cannot read the file " + path.toAbsolutePath());
  }
}
