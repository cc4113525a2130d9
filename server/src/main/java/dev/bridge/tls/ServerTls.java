package dev.bridge.tls;

import dev.bridge.config.ConfigException;
import dev.bridge.config.TlsConfig;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.netty.handler.ssl.ClientAuth;
import io.grpc.netty.shaded.io.netty.handler.ssl.JdkSslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContext;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslProvider;
import java.io.File;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;

/**
 * The server's TLS identity, read once from the PEM files of {@link TlsConfig}, in the two forms the doors need:
 * a Netty context for the gRPC (Flight) port and a JDK {@link SSLContext} for the Jetty (REST) port. The PEM files
 * are parsed by Netty's PEM support (shipped inside grpc-netty-shaded), so both ports read the same files the same
 * way and no keystore conversion is needed. With a client CA, both ports require a client certificate it signed.
 */
public final class ServerTls {
  private final SslContext grpcContext;
  private final SSLContext jdkContext;
  private final boolean clientCertificateRequired;

  private ServerTls(SslContext grpcContext, SSLContext jdkContext, boolean clientCertificateRequired) {
    this.grpcContext = grpcContext;
    this.jdkContext = jdkContext;
    this.clientCertificateRequired = clientCertificateRequired;
  }

  /** Reads the files; a file that is not a usable PEM certificate, key or CA fails with the keys that name it. */
  public static ServerTls load(TlsConfig config) {
    try {
      SslContext grpc = GrpcSslContexts.configure(builder(config)).build();
      JdkSslContext jdk = (JdkSslContext) builder(config).sslProvider(SslProvider.JDK).build();
      return new ServerTls(grpc, jdk.context(), config.mutual());
    } catch (SSLException | IllegalArgumentException e) {
      throw new ConfigException("tls.cert_file (" + config.certFile() + "), tls.key_file (" + config.keyFile() + ")"
          + (config.mutual() ? " or tls.client_ca_file (" + config.clientCaFile() + ")" : "")
          + " cannot be used: " + rootMessage(e) + " (the key must be an unencrypted PKCS#8 PEM, BEGIN PRIVATE KEY;"
          + " scripts/dev-certs shows how to make one)", e);
    }
  }

  private static SslContextBuilder builder(TlsConfig config) {
    SslContextBuilder builder = SslContextBuilder.forServer(new File(config.certFile()), new File(config.keyFile()));
    if (config.mutual()) {
      builder.trustManager(new File(config.clientCaFile())).clientAuth(ClientAuth.REQUIRE);
    }
    return builder;
  }

  private static String rootMessage(Throwable e) {
    Throwable cause = e;
    while (cause.getCause() != null && cause.getCause() != cause) {
      cause = cause.getCause();
    }
    return cause == e ? String.valueOf(e.getMessage()) : e.getMessage() + ": " + cause.getMessage();
  }

  /** For the gRPC (Flight) listener. */
  public SslContext grpcContext() {
    return grpcContext;
  }

  /** For the HTTP (REST) listener; its trust managers hold the client CA when mutual TLS is on. */
  public SSLContext jdkContext() {
    return jdkContext;
  }

  public boolean clientCertificateRequired() {
    return clientCertificateRequired;
  }
}
