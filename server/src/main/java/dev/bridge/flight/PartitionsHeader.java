package dev.bridge.flight;

import dev.bridge.config.PartitionSetting;
import java.util.Optional;
import org.apache.arrow.flight.CallHeaders;
import org.apache.arrow.flight.CallInfo;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.FlightProducer.CallContext;
import org.apache.arrow.flight.FlightServerMiddleware;
import org.apache.arrow.flight.RequestContext;

/**
 * The {@code x-bridge-partitions} header of a call: how many endpoints the client wants a union-safe query split
 * into on this call ({@code off}, {@code auto} or a number, as {@code flight.partitions}). A bad value fails the
 * call with INVALID_ARGUMENT naming the header and the accepted values.
 */
final class PartitionsHeader implements FlightServerMiddleware {
  static final String NAME = "x-bridge-partitions";
  static final Key<PartitionsHeader> KEY = Key.of(NAME);

  private final Optional<PartitionSetting> requested;

  private PartitionsHeader(Optional<PartitionSetting> requested) {
    this.requested = requested;
  }

  /** What the call asked for, if it said anything. */
  static Optional<PartitionSetting> requested(CallContext context) {
    PartitionsHeader header = context.getMiddleware(KEY);
    return header == null ? Optional.empty() : header.requested;
  }

  @Override
  public void onBeforeSendingHeaders(CallHeaders outgoingHeaders) {}

  @Override
  public void onCallCompleted(CallStatus status) {}

  @Override
  public void onCallErrored(Throwable err) {}

  /** Reads the header of each call. */
  static final class Factory implements FlightServerMiddleware.Factory<PartitionsHeader> {
    @Override
    public PartitionsHeader onCallStarted(CallInfo info, CallHeaders incomingHeaders, RequestContext context) {
      String value = incomingHeaders.get(NAME);
      if (value == null) {
        return new PartitionsHeader(Optional.empty());
      }
      try {
        return new PartitionsHeader(Optional.of(PartitionSetting.named(value)));
      } catch (IllegalArgumentException e) {
        throw CallStatus.INVALID_ARGUMENT.withDescription("header " + NAME + ": " + e.getMessage())
            .toRuntimeException();
      }
    }
  }
}
