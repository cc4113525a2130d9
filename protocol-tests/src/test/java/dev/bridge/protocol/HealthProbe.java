package dev.bridge.protocol;

import io.grpc.ManagedChannel;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse.ServingStatus;
import io.grpc.health.v1.HealthGrpc;
import io.grpc.netty.shaded.io.grpc.netty.GrpcSslContexts;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.netty.handler.ssl.SslContextBuilder;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLException;

/** grpc-java's own client of the standard {@code grpc.health.v1} service, over plaintext or TLS. */
final class HealthProbe {
  private HealthProbe() {}

  static ServingStatus plaintext(int port) {
    return check(NettyChannelBuilder.forAddress("127.0.0.1", port).usePlaintext().build());
  }

  /** Over TLS trusting {@code certs}' CA; with {@code clientCertificate} it presents the client certificate. */
  static ServingStatus tls(int port, DevCerts certs, boolean clientCertificate) throws SSLException {
    SslContextBuilder context = GrpcSslContexts.forClient().trustManager(certs.ca().toFile());
    if (clientCertificate) {
      context.keyManager(certs.clientCertificate().toFile(), certs.clientKey().toFile());
    }
    return check(NettyChannelBuilder.forAddress("127.0.0.1", port).sslContext(context.build()).build());
  }

  private static ServingStatus check(ManagedChannel channel) {
    try {
      return HealthGrpc.newBlockingStub(channel).withDeadlineAfter(30, TimeUnit.SECONDS)
          .check(HealthCheckRequest.getDefaultInstance()).getStatus();
    } finally {
      channel.shutdownNow();
    }
  }
}
