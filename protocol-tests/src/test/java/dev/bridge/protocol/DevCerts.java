package dev.bridge.protocol;

import dev.bridge.config.TlsConfig;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/** A CA, a server certificate for 127.0.0.1 and a client certificate in a new directory, by scripts/dev-certs. */
public final class DevCerts {
  static final String PASSWORD = "changeit";

  private final Path directory;

  private DevCerts(Path directory) {
    this.directory = directory;
  }

  public static DevCerts generate() {
    try {
      Path directory = Files.createTempDirectory("bridge-certs");
      Process process = new ProcessBuilder(Path.of("../scripts/dev-certs").toAbsolutePath().toString(),
          directory.toString()).redirectErrorStream(true).start();
      String output = new String(process.getInputStream().readAllBytes());
      if (process.waitFor() != 0) {
        throw new IllegalStateException("scripts/dev-certs failed: " + output);
      }
      return new DevCerts(directory);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  public Path file(String name) {
    return directory.resolve(name);
  }

  public Path ca() {
    return file("ca.pem");
  }

  public Path clientCertificate() {
    return file("client.pem");
  }

  public Path clientKey() {
    return file("client.key");
  }

  /** A PKCS#12 trust store holding only the CA (password {@value #PASSWORD}). */
  public Path trustStore() {
    return file("truststore.p12");
  }

  /** The server's TLS section; with {@code mutual} clients must present a certificate signed by the CA. */
  public TlsConfig serverTls(boolean mutual) {
    return TlsConfig.of(file("server.pem"), file("server.key"), mutual ? ca() : null);
  }

  /** A client SSLContext that trusts the CA and, with {@code withClientCertificate}, presents client.p12. */
  public SSLContext sslContext(boolean withClientCertificate) throws IOException, GeneralSecurityException {
    KeyStore trusted = KeyStore.getInstance("PKCS12");
    trusted.load(null, null);
    try (InputStream in = Files.newInputStream(ca())) {
      trusted.setCertificateEntry("bridge-ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
    }
    TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
    trust.init(trusted);
    KeyManagerFactory keys = null;
    if (withClientCertificate) {
      KeyStore client = KeyStore.getInstance("PKCS12");
      try (InputStream in = Files.newInputStream(file("client.p12"))) {
        client.load(in, PASSWORD.toCharArray());
      }
      keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
      keys.init(client, PASSWORD.toCharArray());
    }
    SSLContext context = SSLContext.getInstance("TLS");
    context.init(keys == null ? null : keys.getKeyManagers(), trust.getTrustManagers(), null);
    return context;
  }
}
