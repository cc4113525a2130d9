package dev.bridge.flight.compression;

import io.grpc.stub.ServerCallStreamObserver;
import java.lang.reflect.Field;
import org.apache.arrow.flight.FlightProducer.ServerStreamListener;
import org.apache.arrow.vector.VectorUnloader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The two members of Flight's DoGet listener that compression needs and Flight does not expose: the
 * {@code VectorUnloader} it creates in {@code start} with no codec (Arrow Java's server never compresses), and the
 * gRPC response observer, whose {@code setCompression} turns on gRPC message compression for the call. They are
 * protected fields of {@code OutboundStreamListenerImpl}, reached by reflection as {@code ZeroCopyBatches} reaches
 * Flight's serialized batches. If they are missing (another Arrow version), {@link #AVAILABLE} is false and a
 * compressed stream is refused rather than silently sent raw.
 */
final class FlightListenerAccess {
  private static final Logger log = LoggerFactory.getLogger(FlightListenerAccess.class);
  private static final String LISTENER_CLASS = "org.apache.arrow.flight.OutboundStreamListenerImpl";

  private static final Field UNLOADER;
  private static final Field RESPONSE_OBSERVER;
  static final boolean AVAILABLE;

  static {
    Field unloader = null;
    Field observer = null;
    try {
      Class<?> listener = Class.forName(LISTENER_CLASS);
      unloader = listener.getDeclaredField("unloader");
      observer = listener.getDeclaredField("responseObserver");
      unloader.setAccessible(true);
      observer.setAccessible(true);
    } catch (ReflectiveOperationException | RuntimeException e) {
      log.warn("compressed DoGet streams are unavailable: {}", e.toString());
      unloader = null;
      observer = null;
    }
    UNLOADER = unloader;
    RESPONSE_OBSERVER = observer;
    AVAILABLE = unloader != null;
  }

  private FlightListenerAccess() {}

  /** Whether {@code listener} is Flight's own DoGet listener, whose members this can reach. */
  static boolean isFlightListener(ServerStreamListener listener) {
    return AVAILABLE && UNLOADER.getDeclaringClass().isInstance(listener);
  }

  /** Makes Flight unload every following batch with {@code unloader} (one that compresses). */
  static void replaceUnloader(ServerStreamListener listener, VectorUnloader unloader) {
    try {
      UNLOADER.set(listener, unloader);
    } catch (IllegalAccessException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The call's response observer, to set gRPC message compression on before its headers go out. */
  static ServerCallStreamObserver<?> responseObserver(ServerStreamListener listener) {
    try {
      return (ServerCallStreamObserver<?>) RESPONSE_OBSERVER.get(listener);
    } catch (IllegalAccessException e) {
      throw new IllegalStateException(e);
    }
  }
}
