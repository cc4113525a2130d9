package dev.bridge.cli;

import dev.bridge.config.ResultCompression;
import dev.bridge.flight.compression.CompressionHeader;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.concurrent.Callable;
import org.apache.arrow.flight.CallOption;
import org.apache.arrow.flight.FlightCallHeaders;
import org.apache.arrow.flight.FlightEndpoint;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.HeaderCallOption;
import org.apache.arrow.flight.sql.FlightSqlClient;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import picocli.CommandLine.Command;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.TypeConversionException;

/** {@code bridge query}: runs one statement through Arrow's FlightSqlClient and prints its result. */
@Command(name = "query", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    description = "Run a SQL statement on a Bridge (or any Flight SQL) server and print the result.")
public final class QueryCommand implements Callable<Integer> {
  enum Format { table, csv, json }

  @Spec
  private CommandSpec spec;

  @Mixin
  private ClientOptions client;

  @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "table",
      description = "table (aligned, for people), csv (with a header) or json (one object per line). "
          + "Default: ${DEFAULT-VALUE}.")
  private Format format;

  @Option(names = "--compression", paramLabel = "CODEC", converter = CompressionName.class,
      description = "How the server compresses the result on the wire: zstd, lz4, gzip or none (sent as the "
          + "x-bridge-compression header). Default: the server's flight.compression.")
  private ResultCompression compression;

  @Parameters(index = "0", paramLabel = "SQL", description = "The statement to run.")
  private String sql;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    try (BufferAllocator allocator = new RootAllocator();
         ClientOptions.Connection connection = client.connect(allocator);
         FlightSqlClient flightSql = new FlightSqlClient(connection.client())) {
      CallOption[] options = callOptions(connection);
      FlightInfo info = flightSql.execute(sql, options);
      ResultPrinter printer = printer(out);
      long rows = 0;
      for (FlightEndpoint endpoint : info.getEndpoints()) {
        try (FlightStream stream = flightSql.getStream(endpoint.getTicket(), options)) {
          while (stream.next()) {
            printer.batch(stream.getRoot());
            rows += stream.getRoot().getRowCount();
          }
        }
      }
      printer.end(rows);
      return 0;
    } catch (Exception e) {
      out.flush();
      return ClientErrors.report(e, client.url, spec.commandLine().getErr());
    }
  }

  /**
   * The connection's options, plus the compression header when {@code --compression} was given. This client reads
   * every codec: gRPC decodes gzip, and arrow-compression (in the server's jar, found by Arrow's codec factory)
   * decodes ZSTD and LZ4_FRAME bodies.
   */
  private CallOption[] callOptions(ClientOptions.Connection connection) {
    if (compression == null) {
      return connection.callOptions();
    }
    FlightCallHeaders headers = new FlightCallHeaders();
    headers.insert(CompressionHeader.NAME, compression.label());
    CallOption[] options = Arrays.copyOf(connection.callOptions(), connection.callOptions().length + 1);
    options[options.length - 1] = new HeaderCallOption(headers);
    return options;
  }

  /** {@code --compression}'s value by the names the server accepts, refused with the same message. */
  static final class CompressionName implements ITypeConverter<ResultCompression> {
    @Override
    public ResultCompression convert(String value) {
      try {
        return ResultCompression.named(value);
      } catch (IllegalArgumentException e) {
        throw new TypeConversionException(e.getMessage());
      }
    }
  }

  private ResultPrinter printer(PrintWriter out) {
    return switch (format) {
      case table -> new TablePrinter(out);
      case csv -> new CsvPrinter(out);
      case json -> new JsonLinesPrinter(out);
    };
  }
}
