package dev.bridge.flight;

import dev.bridge.config.PartitionSetting;
import dev.bridge.engine.EngineException;
import dev.bridge.engine.ResultCache;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Function;
import org.apache.arrow.flight.CallHeaders;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.FlightProducer.CallContext;
import org.apache.arrow.flight.FlightServerMiddleware;
import org.apache.arrow.flight.grpc.ServerInterceptorAdapter;

/**
 * One {@code x-bridge-*} header a client may send on any call, read once when the call starts. Every client reaches
 * these without code: the Flight SQL JDBC driver sends an unknown URL property as a header on every call, ADBC an
 * {@code adbc.flight.sql.rpc.call_header.*} option, pyarrow {@code FlightCallOptions(headers=...)}. A value the
 * header's parser refuses fails the call with INVALID_ARGUMENT naming the header and the reason, before any work.
 * ({@code x-bridge-compression} has its own middleware: it also carries the server's stream compression.)
 */
final class HeaderOption<T> {
  /** {@code off} makes the call's queries bypass the result cache (DuckDB computes them, nothing is kept). */
  static final HeaderOption<Boolean> CACHE = new HeaderOption<>(ResultCache.OPTION, ResultCache::usedWhen);
  /** How many endpoints a union-safe query may be split into on this call, as {@code flight.partitions}. */
  static final HeaderOption<PartitionSetting> PARTITIONS =
      new HeaderOption<>("x-bridge-partitions", PartitionSetting::named);
  /**
   * {@code true} from a client that cannot reach a coordinator's workers: every endpoint of its FlightInfo then
   * points at the coordinator, which relays each worker's stream.
   */
  static final HeaderOption<Boolean> PROXY = new HeaderOption<>("x-bridge-proxy", HeaderOption::trueOrFalse);

  private final String name;
  private final FlightServerMiddleware.Key<Value<T>> key;
  private final Function<String, T> parse;

  private HeaderOption(String name, Function<String, T> parse) {
    this.name = name;
    this.key = FlightServerMiddleware.Key.of(name);
    this.parse = parse;
  }

  String name() {
    return name;
  }

  /** What the call said, if it sent this header. */
  Optional<T> in(CallContext context) {
    Value<T> value = context.getMiddleware(key);
    return value == null ? Optional.empty() : value.value();
  }

  /** The middleware reading this header of each call, for the Flight server's builder. */
  ServerInterceptorAdapter.KeyFactory<Value<T>> middleware() {
    return new ServerInterceptorAdapter.KeyFactory<>(key, (info, headers, context) -> new Value<>(parsed(headers)));
  }

  private Optional<T> parsed(CallHeaders headers) {
    String text = headers.get(name);
    if (text == null) {
      return Optional.empty();
    }
    try {
      return Optional.of(parse.apply(text));
    } catch (IllegalArgumentException | EngineException e) {
      // The engine's own refusals already start with the option's name (they serve REST and session options too).
      String reason = e.getMessage().startsWith(name) ? e.getMessage() : name + ": " + e.getMessage();
      throw CallStatus.INVALID_ARGUMENT.withDescription("header " + reason).toRuntimeException();
    }
  }

  private static Boolean trueOrFalse(String text) {
    return switch (text.strip().toLowerCase(Locale.ROOT)) {
      case "true" -> true;
      case "false" -> false;
      default -> throw new IllegalArgumentException("must be true or false, got '" + text + "'");
    };
  }

  /** A call's parsed header; Flight keeps it for the call's lifetime, and it has nothing to do at the call's events. */
  record Value<T>(Optional<T> value) implements FlightServerMiddleware {
    @Override
    public void onBeforeSendingHeaders(CallHeaders outgoingHeaders) {}

    @Override
    public void onCallCompleted(CallStatus status) {}

    @Override
    public void onCallErrored(Throwable err) {}
  }
}
