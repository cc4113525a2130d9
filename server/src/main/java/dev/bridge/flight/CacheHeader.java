package dev.bridge.flight;

import dev.bridge.engine.EngineException;
import dev.bridge.engine.ResultCache;
import org.apache.arrow.flight.CallHeaders;
import org.apache.arrow.flight.CallInfo;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.FlightProducer.CallContext;
import org.apache.arrow.flight.FlightServerMiddleware;
import org.apache.arrow.flight.RequestContext;

/**
 * The {@code x-bridge-cache} header of a call: {@code off} makes the call's queries bypass the result cache (DuckDB
 * computes them, nothing is kept), {@code on} is the default. The JDBC driver sends an unknown URL property as a
 * header on every call ({@code ;x-bridge-cache=off}), pyarrow {@code FlightCallOptions(headers=...)}. An unknown
 * value fails the call with INVALID_ARGUMENT naming the accepted ones.
 */
final class CacheHeader implements FlightServerMiddleware {
  static final Key<CacheHeader> KEY = Key.of(ResultCache.OPTION);

  private final boolean use;

  private CacheHeader(boolean use) {
    this.use = use;
  }

  /** Whether the call may use the cache (true when it said nothing). */
  static boolean allows(CallContext context) {
    CacheHeader header = context.getMiddleware(KEY);
    return header == null || header.use;
  }

  @Override
  public void onBeforeSendingHeaders(CallHeaders outgoingHeaders) {}

  @Override
  public void onCallCompleted(CallStatus status) {}

  @Override
  public void onCallErrored(Throwable err) {}

  /** Reads the header of each call. */
  static final class Factory implements FlightServerMiddleware.Factory<CacheHeader> {
    @Override
    public CacheHeader onCallStarted(CallInfo info, CallHeaders incomingHeaders, RequestContext context) {
      String value = incomingHeaders.get(ResultCache.OPTION);
      try {
        return new CacheHeader(value == null || ResultCache.usedWhen(value));
      } catch (EngineException e) {
        throw CallStatus.INVALID_ARGUMENT.withDescription("header " + e.getMessage()).toRuntimeException();
      }
    }
  }
}
