package dev.bridge.cli;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.flight.CallOption;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.LocationSchemes;
import org.apache.arrow.flight.auth2.BearerCredentialWriter;
import org.apache.arrow.flight.grpc.CredentialCallOption;
import org.apache.arrow.memory.BufferAllocator;
import picocli.CommandLine.Option;

/**
 * How the client commands reach a server: its URL, credentials (basic auth through the Flight handshake, or a bearer
 * token) and TLS settings, mapped onto Arrow Flight's standard client features.
 */
final class ClientOptions {
  static final String PASSWORD_ENV = "BRIDGE_PASSWORD";
  static final String TOKEN_ENV = "BRIDGE_TOKEN";

  @Option(names = "--url", paramLabel = "URL", defaultValue = "grpc://127.0.0.1:31337",
      description = "Server to connect to: grpc://host:port, or grpc+tls://host:port for TLS (default: ${DEFAULT-VALUE}).")
  String url;

  @Option(names = "--user", paramLabel = "NAME", description = "User name for basic authentication.")
  String user;

  @Option(names = "--password", paramLabel = "PASSWORD",
      description = "Password for --user (default: the " + PASSWORD_ENV + " environment variable).")
  String password;

  @Option(names = "--token", paramLabel = "TOKEN",
      description = "Bearer token sent with every call (default: the " + TOKEN_ENV + " environment variable).")
  String token;

  @Option(names = "--tls-root-certs", paramLabel = "PEM", description = "CA certificates that sign the server's.")
  Path tlsRootCerts;

  @Option(names = "--tls-cert", paramLabel = "PEM", description = "Client certificate for mutual TLS.")
  Path tlsCert;

  @Option(names = "--tls-key", paramLabel = "PEM", description = "Private key of --tls-cert (PKCS#8 PEM).")
  Path tlsKey;

  @Option(names = "--insecure-skip-verify", description = "Do not verify the server's TLS certificate (testing only).")
  boolean insecureSkipVerify;

  /** A connected client with the call options (credentials) every call must carry. */
  record Connection(FlightClient client, CallOption[] callOptions) implements AutoCloseable {
    @Override
    public void close() throws InterruptedException {
      client.close();
    }
  }

  Connection connect(BufferAllocator allocator) throws IOException {
    Location location = location();
    boolean tls = LocationSchemes.GRPC_TLS.equals(location.getUri().getScheme());
    if (!tls && (tlsRootCerts != null || tlsCert != null || insecureSkipVerify)) {
      throw new CliException("TLS options need a grpc+tls:// URL, not " + url);
    }
    if ((tlsCert == null) != (tlsKey == null)) {
      throw new CliException("--tls-cert and --tls-key go together");
    }
    FlightClient.Builder builder = FlightClient.builder(allocator, location);
    List<InputStream> opened = new ArrayList<>();
    try {
      if (insecureSkipVerify) {
        builder.verifyServer(false);
      }
      if (tlsRootCerts != null) {
        builder.trustedCertificates(open(tlsRootCerts, opened));
      }
      if (tlsCert != null) {
        builder.clientCertificate(open(tlsCert, opened), open(tlsKey, opened));
      }
      FlightClient client = builder.build();
      try {
        return new Connection(client, credentials(client));
      } catch (RuntimeException e) {
        // A refused login: the caller gets no Connection to close, so the channel is closed here.
        closeQuietly(client);
        throw e;
      }
    } finally {
      for (InputStream stream : opened) {
        stream.close();
      }
    }
  }

  private CallOption[] credentials(FlightClient client) {
    String bearer = token != null ? token : System.getenv(TOKEN_ENV);
    if (bearer != null && !bearer.isEmpty()) {
      return new CallOption[] {new CredentialCallOption(new BearerCredentialWriter(bearer))};
    }
    if (user == null) {
      return new CallOption[0];
    }
    String secret = password != null ? password : System.getenv(PASSWORD_ENV);
    if (secret == null) {
      throw new CliException("--user needs a password: --password or the " + PASSWORD_ENV + " environment variable");
    }
    // The Flight handshake with basic credentials; the server answers with the bearer token later calls carry.
    return client.authenticateBasicToken(user, secret).map(option -> new CallOption[] {option})
        .orElse(new CallOption[0]);
  }

  private static void closeQuietly(FlightClient client) {
    try {
      client.close();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private Location location() {
    try {
      URI uri = new URI(url);
      if (uri.getScheme() == null || uri.getHost() == null || uri.getPort() < 0) {
        throw new CliException("--url must look like grpc://host:port or grpc+tls://host:port, not " + url);
      }
      return new Location(uri);
    } catch (URISyntaxException e) {
      throw new CliException("--url is not a URL: " + e.getMessage());
    }
  }

  private static InputStream open(Path file, List<InputStream> opened) throws IOException {
    if (!Files.isReadable(file)) {
      throw new CliException("cannot read " + file);
    }
    InputStream stream = Files.newInputStream(file);
    opened.add(stream);
    return stream;
  }
}
