package dev.bridge.bench;

import dev.bridge.config.BridgeConfig;
import dev.bridge.config.DatabaseConfig;
import dev.bridge.config.DatasetConfig;
import dev.bridge.config.FilesConfig;
import dev.bridge.config.FlightConfig;
import dev.bridge.config.HttpConfig;
import dev.bridge.datasets.DatasetRegistry;
import dev.bridge.server.BridgeServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.sql.FlightSqlClient;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;

/**
 * The cost of keeping dataset views fresh: the file listing that runs before every statement and metadata call.
 * <pre>
 *   DatasetFreshnessBench DATASETS FILES_PER_DATASET
 * </pre>
 * Prints {@code RESULT refresh-us DATASETS FILES micros} (one unchanged check of every dataset, in process) and
 * {@code RESULT select1-us DATASETS FILES micros} for a {@code SELECT 1} round trip through FlightSqlClient (plan
 * plus stream, two checks), once with the datasets and once with none ({@code DATASETS} 0): the difference is what
 * the datasets cost every statement.
 */
public final class DatasetFreshnessBench {
  private static final int CHECKS = 20_000;
  private static final int QUERIES = 2_000;

  private DatasetFreshnessBench() {}

  public static void main(String[] args) throws Exception {
    int datasets = Integer.parseInt(args[0]);
    int filesPerDataset = Integer.parseInt(args[1]);
    Path data = Files.createTempDirectory("bridge-freshness");
    List<DatasetConfig> configs = writeDatasets(data, datasets, filesPerDataset);
    measure(data, configs, datasets, filesPerDataset);
    measure(data, List.of(), 0, 0);
  }

  private static List<DatasetConfig> writeDatasets(Path data, int datasets, int filesPerDataset) throws Exception {
    List<DatasetConfig> configs = new ArrayList<>();
    try (Connection duckdb = DriverManager.getConnection("jdbc:duckdb:");
         Statement statement = duckdb.createStatement()) {
      for (int d = 0; d < datasets; d++) {
        Path directory = Files.createDirectories(data.resolve("d" + d));
        for (int f = 0; f < filesPerDataset; f++) {
          statement.execute("COPY (SELECT " + f + " AS id) TO '" + directory.resolve(f + ".parquet") + "'");
        }
        configs.add(DatasetConfig.of("d" + d, List.of("d" + d + "/*.parquet")));
      }
    }
    return configs;
  }

  private static void measure(Path data, List<DatasetConfig> configs, int datasets, int files) throws Exception {
    BridgeConfig config = BridgeConfig.defaults()
        .withFlight(FlightConfig.DEFAULT.withHost("127.0.0.1").withPort(0))
        .withHttp(HttpConfig.DEFAULT.withEnabled(false))
        .withDatabase(new DatabaseConfig(DatabaseConfig.IN_MEMORY, null, null, List.of(data.toString())))
        .withFiles(FilesConfig.DEFAULT.withDatasets(configs));
    try (BridgeServer server = BridgeServer.start(config)) {
      DatasetRegistry registry = server.datasets();
      for (int i = 0; i < CHECKS / 10; i++) {
        registry.refresh();
      }
      long start = System.nanoTime();
      for (int i = 0; i < CHECKS; i++) {
        registry.refresh();
      }
      System.out.printf("RESULT refresh-us %d %d %.1f%n", datasets, files, (System.nanoTime() - start) / 1e3 / CHECKS);
      try (BufferAllocator allocator = new RootAllocator();
           FlightSqlClient client = new FlightSqlClient(FlightClient.builder(allocator,
               Location.forGrpcInsecure("127.0.0.1", server.flightPort())).build())) {
        for (int i = 0; i < QUERIES / 10; i++) {
          selectOne(client);
        }
        start = System.nanoTime();
        for (int i = 0; i < QUERIES; i++) {
          selectOne(client);
        }
        System.out.printf("RESULT select1-us %d %d %.1f%n", datasets, files,
            (System.nanoTime() - start) / 1e3 / QUERIES);
      }
    }
  }

  private static void selectOne(FlightSqlClient client) throws Exception {
    FlightInfo info = client.execute("SELECT 1");
    try (FlightStream stream = client.getStream(info.getEndpoints().get(0).getTicket())) {
      while (stream.next()) {
        // Reading the stream is the round trip.
      }
    }
  }
}
