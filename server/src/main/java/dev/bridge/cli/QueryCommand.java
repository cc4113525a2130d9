package dev.bridge.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import org.apache.arrow.flight.FlightEndpoint;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.sql.FlightSqlClient;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

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

  @Parameters(index = "0", paramLabel = "SQL", description = "The statement to run.")
  private String sql;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    try (BufferAllocator allocator = new RootAllocator();
         ClientOptions.Connection connection = client.connect(allocator);
         FlightSqlClient flightSql = new FlightSqlClient(connection.client())) {
      FlightInfo info = flightSql.execute(sql, connection.callOptions());
      ResultPrinter printer = printer(out);
      long rows = 0;
      for (FlightEndpoint endpoint : info.getEndpoints()) {
        try (FlightStream stream = flightSql.getStream(endpoint.getTicket(), connection.callOptions())) {
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

  private ResultPrinter printer(PrintWriter out) {
    return switch (format) {
      case table -> new TablePrinter(out);
      case csv -> new CsvPrinter(out);
      case json -> new JsonLinesPrinter(out);
    };
  }
}
