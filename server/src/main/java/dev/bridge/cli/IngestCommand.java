package dev.bridge.cli;

import com.google.protobuf.ByteString;
import dev.bridge.ingest.CountingReader;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.arrow.flight.sql.FlightSqlClient;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandStatementIngest;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandStatementIngest.TableDefinitionOptions;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandStatementIngest.TableDefinitionOptions.TableExistsOption;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandStatementIngest.TableDefinitionOptions.TableNotExistOption;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code bridge ingest}: loads Parquet, CSV and Arrow IPC files into a table through Flight SQL bulk ingest (DoPut
 * with CommandStatementIngest). All files land in one transaction: the first with {@code --mode}, the others
 * appended; a failure in any file rolls back every one.
 */
@Command(name = "ingest", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    description = "Load Parquet, CSV or Arrow IPC files into a table of a Bridge (or any Flight SQL) server.")
public final class IngestCommand implements Callable<Integer> {
  enum Mode { create, append, replace, create_append }

  @Spec
  private CommandSpec spec;

  @Mixin
  private ClientOptions client;

  @Option(names = "--table", required = true, paramLabel = "TABLE", description = "The table to load into.")
  private String table;

  @Option(names = "--schema", paramLabel = "SCHEMA", description = "The table's schema (default: the server's current).")
  private String schema;

  @Option(names = "--mode", paramLabel = "MODE", defaultValue = "create",
      description = "create (fails if the table exists), append (it must exist), replace, or create_append. "
          + "Default: ${DEFAULT-VALUE}.")
  private Mode mode;

  @Option(names = "--format", paramLabel = "FORMAT",
      description = "parquet, csv, arrow (IPC file) or arrows (IPC stream); default: from each file's extension.")
  private IngestSource.Format format;

  @Option(names = "--no-progress", description = "Print only the summary, no progress bar or progress lines.")
  private boolean noProgress;

  @Parameters(arity = "1..*", paramLabel = "FILE", description = "Files to load, in order.")
  private List<Path> files;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    try {
      // Every file's format must be known before anything is sent.
      files.forEach(file -> formatOf(file));
      return ingest(out);
    } catch (Exception e) {
      out.flush();
      return ClientErrors.report(e, client.url, spec.commandLine().getErr());
    }
  }

  private int ingest(PrintWriter out) throws Exception {
    ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(runnable -> {
      Thread thread = new Thread(runnable, "bridge-ingest-progress");
      thread.setDaemon(true);
      return thread;
    });
    try (BufferAllocator allocator = new RootAllocator();
         ClientOptions.Connection connection = client.connect(allocator);
         FlightSqlClient flightSql = new FlightSqlClient(connection.client())) {
      FlightSqlClient.Transaction transaction = flightSql.beginTransaction(connection.callOptions());
      long totalRows = 0;
      long startNanos = System.nanoTime();
      try {
        for (int i = 0; i < files.size(); i++) {
          Path file = files.get(i);
          CommandStatementIngest.Builder command = CommandStatementIngest.newBuilder().setTable(table)
              .setTableDefinitionOptions(definition(i == 0 ? mode : Mode.append))
              .setTransactionId(ByteString.copyFrom(transaction.getTransactionId()));
          if (schema != null) {
            command.setSchema(schema);
          }
          try (IngestSource source = IngestSource.open(file, formatOf(file), allocator)) {
            CountingReader counted = new CountingReader(source.reader());
            long rows;
            try (IngestProgress progress = progress(file, counted, out)) {
              var ticking = ticker.scheduleAtFixedRate(progress::update, 200, 200, TimeUnit.MILLISECONDS);
              try {
                rows = BulkIngestUpload.send(connection.client(), command.build(), counted, connection.callOptions());
              } finally {
                ticking.cancel(false);
              }
            }
            totalRows += rows;
          }
        }
        flightSql.commit(transaction, connection.callOptions());
      } catch (Exception e) {
        rollbackQuietly(flightSql, transaction, connection);
        throw e;
      }
      double seconds = (System.nanoTime() - startNanos) / 1e9;
      out.printf("Loaded %,d rows into %s from %d file(s) in %.1f s%n", totalRows, table, files.size(), seconds);
      out.flush();
      return 0;
    } finally {
      ticker.shutdownNow();
    }
  }

  private IngestSource.Format formatOf(Path file) {
    return format != null ? format : IngestSource.formatOf(file);
  }

  private IngestProgress progress(Path file, CountingReader counted, PrintWriter out) {
    if (noProgress) {
      return IngestProgress.silent(file.getFileName().toString(), counted);
    }
    return IngestProgress.start(file.getFileName().toString(), counted, System.console() != null, out);
  }

  private static TableDefinitionOptions definition(Mode mode) {
    TableDefinitionOptions.Builder options = TableDefinitionOptions.newBuilder();
    return switch (mode) {
      case create -> options.setIfNotExist(TableNotExistOption.TABLE_NOT_EXIST_OPTION_CREATE)
          .setIfExists(TableExistsOption.TABLE_EXISTS_OPTION_FAIL).build();
      case append -> options.setIfNotExist(TableNotExistOption.TABLE_NOT_EXIST_OPTION_FAIL)
          .setIfExists(TableExistsOption.TABLE_EXISTS_OPTION_APPEND).build();
      case replace -> options.setIfNotExist(TableNotExistOption.TABLE_NOT_EXIST_OPTION_CREATE)
          .setIfExists(TableExistsOption.TABLE_EXISTS_OPTION_REPLACE).build();
      case create_append -> options.setIfNotExist(TableNotExistOption.TABLE_NOT_EXIST_OPTION_CREATE)
          .setIfExists(TableExistsOption.TABLE_EXISTS_OPTION_APPEND).build();
    };
  }

  private static void rollbackQuietly(FlightSqlClient flightSql, FlightSqlClient.Transaction transaction,
      ClientOptions.Connection connection) {
    try {
      flightSql.rollback(transaction, connection.callOptions());
    } catch (RuntimeException ignored) {
      // The server rolls an abandoned transaction back itself; the first error is the one to report.
    }
  }
}
