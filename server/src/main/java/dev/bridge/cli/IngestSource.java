package dev.bridge.cli;

import dev.bridge.engine.SqlIdentifiers;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Locale;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.ipc.ArrowFileReader;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.ipc.ArrowStreamReader;
import org.duckdb.DuckDBConnection;
import org.duckdb.DuckDBResultSet;

/**
 * Opens a file for {@code bridge ingest} as a stream of Arrow record batches. Arrow IPC files and streams are read by
 * Arrow Java itself. Parquet and CSV are read by an in-process DuckDB ({@code read_parquet}, {@code read_csv}, with
 * its type detection) and exported batch by batch through the Arrow C Data interface: Arrow Java's own Parquet
 * reader is the JNI dataset module, a large native dependency, while DuckDB is already in this jar.
 */
final class IngestSource implements AutoCloseable {
  enum Format { parquet, csv, arrow, arrows }

  private static final int BATCH_ROWS = 65_536;

  private final ArrowReader reader;
  private final AutoCloseable owner;

  private IngestSource(ArrowReader reader, AutoCloseable owner) {
    this.reader = reader;
    this.owner = owner;
  }

  ArrowReader reader() {
    return reader;
  }

  static Format formatOf(Path file) {
    String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
    if (name.endsWith(".parquet") || name.endsWith(".pq")) {
      return Format.parquet;
    }
    if (name.endsWith(".csv") || name.endsWith(".tsv") || name.endsWith(".csv.gz") || name.endsWith(".tsv.gz")) {
      return Format.csv;
    }
    if (name.endsWith(".arrow") || name.endsWith(".feather") || name.endsWith(".ipc")) {
      return Format.arrow;
    }
    if (name.endsWith(".arrows")) {
      return Format.arrows;
    }
    throw new CliException("cannot tell the format of " + file + " from its name; use --format parquet|csv|arrow|arrows");
  }

  static IngestSource open(Path file, Format format, BufferAllocator allocator) throws IOException {
    if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
      throw new CliException("cannot read " + file + ": no such readable file");
    }
    return switch (format) {
      case arrow -> {
        FileChannel channel = FileChannel.open(file, StandardOpenOption.READ);
        ArrowFileReader reader = new ArrowFileReader(channel, allocator);
        yield new IngestSource(reader, channel);
      }
      case arrows -> {
        ArrowStreamReader reader = new ArrowStreamReader(Files.newInputStream(file), allocator);
        yield new IngestSource(reader, () -> { });
      }
      case parquet -> viaDuckDb("read_parquet", file, allocator);
      case csv -> viaDuckDb("read_csv", file, allocator);
    };
  }

  private static IngestSource viaDuckDb(String function, Path file, BufferAllocator allocator) {
    DuckDBConnection connection = null;
    try {
      connection = (DuckDBConnection) DriverManager.getConnection("jdbc:duckdb:");
      Statement statement = connection.createStatement();
      String literal = SqlIdentifiers.quoteLiteral(file.toAbsolutePath().toString());
      DuckDBResultSet results = (DuckDBResultSet) statement.executeQuery("SELECT * FROM " + function + "(" + literal
          + ")");
      ArrowReader reader = (ArrowReader) results.arrowExportStream(allocator, BATCH_ROWS);
      DuckDBConnection owned = connection;
      return new IngestSource(reader, () -> {
        results.close();
        statement.close();
        owned.close();
      });
    } catch (SQLException e) {
      closeQuietly(connection);
      throw new CliException("cannot read " + file + " as " + function.substring(5) + ": " + e.getMessage());
    }
  }

  private static void closeQuietly(DuckDBConnection connection) {
    if (connection != null) {
      try {
        connection.close();
      } catch (SQLException ignored) {
        // The error being reported is the one that matters.
      }
    }
  }

  @Override
  public void close() throws Exception {
    try {
      reader.close();
    } finally {
      owner.close();
    }
  }
}
