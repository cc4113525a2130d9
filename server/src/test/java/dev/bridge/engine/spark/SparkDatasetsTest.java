package dev.bridge.engine.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bridge.config.CsvDialect;
import dev.bridge.config.DatasetConfig;
import dev.bridge.engine.EngineException;
import dev.bridge.engine.ErrorKind;
import dev.bridge.engine.FileTables;
import dev.bridge.engine.FileTables.FileTable;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** The Spark DDL a dataset becomes, and when it is run (no Spark here: the commands are recorded). */
class SparkDatasetsTest {
  private static final DatasetConfig TRIPS = DatasetConfig.of("trips", List.of("trips/**/*.parquet"));

  private static FileTable table(DatasetConfig config, List<String> files, long stamp) {
    return new FileTable("files", config.name(), config, files, "/data/trips", stamp);
  }

  @Test
  void theLocationNamesExactlyTheDatasetsFilesAsOneHadoopGlob() {
    assertThat(SparkDatasets.location(List.of("/data/trips/a.parquet"))).contains("/data/trips/a.parquet");
    assertThat(SparkDatasets.location(List.of("/data/trips/a.parquet", "/data/trips/b.parquet")))
        .contains("/data/trips/{a.parquet,b.parquet}");
    assertThat(SparkDatasets.location(List.of("/data/trips/y=1/a.parquet", "/data/trips/y=2/deep/b.parquet")))
        .contains("/data/trips/{y=1/a.parquet,y=2/deep/b.parquet}");
    assertThat(SparkDatasets.location(List.of("/a.parquet", "/b/c.parquet"))).contains("/{a.parquet,b/c.parquet}");
  }

  @Test
  void aFileWhoseNameAGlobWouldReadOtherwiseCannotBeNamed() {
    for (String name : List.of("a,b.parquet", "a{b}.parquet", "a*.parquet", "a?.parquet", "a[1].parquet",
        "a\\b.parquet", "a:b.parquet")) {
      assertThat(SparkDatasets.location(List.of("/data/x.parquet", "/data/" + name))).as(name).isEmpty();
    }
  }

  @Test
  void parquetOptionsFollowTheDataset() {
    DatasetConfig hive = new DatasetConfig("trips", List.of("trips/**/*.parquet"), null, true, false, null);
    assertThat(SparkDatasets.createSql(table(hive, List.of("/data/trips/y=1/a.parquet"), 1))).contains(
        "CREATE TABLE `files`.`trips` USING parquet OPTIONS ('mergeSchema' 'false', 'basePath' '/data/trips')"
            + " LOCATION '/data/trips/y=1/a.parquet' TBLPROPERTIES ('bridge.dataset' 'true')");
  }

  @Test
  void csvOptionsAreSparksWordsForTheDialectAndSparkInfersTheTypes() {
    DatasetConfig csv = new DatasetConfig("readings", List.of("r/*.csv"), null, null, null,
        new CsvDialect("|", false, "'", "\\", "NA"));
    assertThat(SparkDatasets.createSql(table(csv, List.of("/data/r/a.csv"), 1)).orElseThrow()).contains(
        "USING csv OPTIONS ('header' 'false', 'inferSchema' 'true', 'sep' '|', 'quote' '\\'', 'escape' '\\\\',"
            + " 'nullValue' 'NA')");
    DatasetConfig tsv = DatasetConfig.of("readings", List.of("r/*.tsv"));
    assertThat(SparkDatasets.createSql(table(tsv, List.of("/data/r/a.tsv"), 1)).orElseThrow())
        .contains("OPTIONS ('header' 'true', 'inferSchema' 'true', 'sep' '\t')");
  }

  @Test
  void aDatasetIsRegisteredOnceAndAgainOnlyWhenItChangesAndTheSessionsThatReadItRefresh() {
    AtomicReference<FileTables.Listing> listing = new AtomicReference<>(
        new FileTables.Listing(1, List.of(table(TRIPS, List.of("/data/trips/a.parquet"), 1))));
    SparkDatasets datasets = new SparkDatasets(listing::get);
    List<String> commands = new ArrayList<>();

    assertThat(datasets.sync("s1", commands::add)).isEmpty();
    assertThat(commands).containsExactly("CREATE DATABASE IF NOT EXISTS `files`",
        "DROP TABLE IF EXISTS `files`.`trips`", SparkDatasets.createSql(listing.get().tables().get(0)).orElseThrow());
    commands.clear();
    assertThat(datasets.sync("s1", commands::add)).isEmpty();
    assertThat(commands).isEmpty();

    // A file rewritten in place: the same paths, a new stamp.
    listing.set(new FileTables.Listing(2, List.of(table(TRIPS, List.of("/data/trips/a.parquet"), 2))));
    assertThat(datasets.sync("s2", commands::add)).as("a new session has read nothing yet").isEmpty();
    assertThat(commands).hasSize(3);
    assertThat(datasets.sync("s1", commands::add)).containsExactly("`files`.`trips`");
    assertThat(datasets.sync("s1", commands::add)).isEmpty();

    commands.clear();
    listing.set(new FileTables.Listing(3, List.of()));
    datasets.sync("s1", commands::add);
    assertThat(commands).containsExactly("DROP TABLE IF EXISTS `files`.`trips`");
  }

  @Test
  void aDatasetSparkRefusesIsTriedAgainOnlyOnceItChangesAndSparkBeingDownIsTheCallersError() {
    AtomicReference<FileTables.Listing> listing = new AtomicReference<>(
        new FileTables.Listing(1, List.of(table(TRIPS, List.of("/data/trips/a.parquet"), 1))));
    SparkDatasets datasets = new SparkDatasets(listing::get);
    List<String> commands = new ArrayList<>();
    datasets.sync("s1", sql -> {
      commands.add(sql);
      if (sql.startsWith("CREATE TABLE")) {
        throw EngineException.invalidArgument("Spark: [PATH_NOT_FOUND] Path does not exist");
      }
    });
    assertThat(commands).hasSize(3);
    listing.set(new FileTables.Listing(2, listing.get().tables()));
    commands.clear();
    datasets.sync("s1", commands::add);
    assertThat(commands).as("unchanged since Spark refused it").isEmpty();

    listing.set(new FileTables.Listing(3, List.of(table(TRIPS, List.of("/data/trips/a.parquet"), 3))));
    assertThatThrownBy(() -> datasets.sync("s1", sql -> {
      throw new EngineException(ErrorKind.UNAVAILABLE, "Spark is unavailable (engines.spark.remote): refused");
    })).isInstanceOf(EngineException.class).hasMessageContaining("Spark is unavailable");
    datasets.sync("s1", commands::add);
    assertThat(commands).as("tried again at the next call").hasSize(3);
  }
}
