package dev.bridge.flight;

import io.grpc.Grpc;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.net.SocketAddress;

/**
 * Puts the client's connection address into a request header, where Flight middleware (which sees headers but not
 * the transport) can read it. A client-sent header of the same name is dropped first, so it cannot be forged.
 */
final class PeerAddressInterceptor implements ServerInterceptor {
  static final String HEADER = "x-bridge-peer-address";
  private static final Metadata.Key<String> KEY = Metadata.Key.of(HEADER, Metadata.ASCII_STRING_MARSHALLER);

  @Override
  public <ReqT, RespT> ServerCall.Listener<ReqT> interceptCall(ServerCall<ReqT, RespT> call, Metadata headers,
      ServerCallHandler<ReqT, RespT> next) {
    headers.removeAll(KEY);
    SocketAddress remote = call.getAttributes().get(Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
    if (remote != null) {
      headers.put(KEY, remote.toString());
    }
    return next.startCall(call, headers);
  }
}
