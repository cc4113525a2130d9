package dev.bridge.flight.compression;

import dev.bridge.config.ResultCompression;
import java.util.Optional;
import org.apache.arrow.flight.CallHeaders;
import org.apache.arrow.flight.CallInfo;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.FlightProducer.CallContext;
import org.apache.arrow.flight.FlightServerMiddleware;
import org.apache.arrow.flight.RequestContext;

/**
 * The {@code x-bridge-compression} header of a call: the result compression the client asks for on this call. The
 * Flight SQL JDBC driver sends an unknown URL property as a header on every call, ADBC sends
 * {@code adbc.flight.sql.rpc.call_header.*} options, pyarrow {@code FlightCallOptions(headers=...)}. An unknown
 * value fails the call, whatever it is, with INVALID_ARGUMENT naming the accepted ones.
 */
public final class CompressionHeader implements FlightServerMiddleware {
  public static final String NAME = "x-bridge-compression";
  public static final Key<CompressionHeader> KEY = Key.of(NAME);

  private final Optional<ResultCompression> requested;
  private final StreamCompression compression;

  private CompressionHeader(Optional<ResultCompression> requested, StreamCompression compression) {
    this.requested = requested;
    this.compression = compression;
  }

  /** The call's header, or none when the call came in without this middleware (it is always installed). */
  public static Optional<CompressionHeader> of(CallContext context) {
    return Optional.ofNullable(context.getMiddleware(KEY));
  }

  /** What the call asked for, if it said anything. */
  public Optional<ResultCompression> requested() {
    return requested;
  }

  /** The server's stream compression, to apply this call's choice with. */
  public StreamCompression compression() {
    return compression;
  }

  @Override
  public void onBeforeSendingHeaders(CallHeaders outgoingHeaders) {}

  @Override
  public void onCallCompleted(CallStatus status) {}

  @Override
  public void onCallErrored(Throwable err) {}

  /** Reads the header of each call. */
  public static final class Factory implements FlightServerMiddleware.Factory<CompressionHeader> {
    private final StreamCompression compression;

    public Factory(StreamCompression compression) {
      this.compression = compression;
    }

    @Override
    public CompressionHeader onCallStarted(CallInfo info, CallHeaders incomingHeaders, RequestContext context) {
      String value = incomingHeaders.get(NAME);
      if (value == null) {
        return new CompressionHeader(Optional.empty(), compression);
      }
      try {
        return new CompressionHeader(Optional.of(ResultCompression.named(value)), compression);
      } catch (IllegalArgumentException e) {
        throw CallStatus.INVALID_ARGUMENT.withDescription("header " + NAME + ": " + e.getMessage())
            .toRuntimeException();
      }
    }
  }
}
