package dev.bridge.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Optional;

/**
 * One dataset: files matched by glob patterns, read as one view. The format is inferred from the patterns'
 * extensions when it is not given.
 */
public record DatasetConfig(
    @JsonProperty("name") String name,
    @JsonProperty("paths") List<String> paths,
    @JsonProperty("format") DatasetFormat format,
    @JsonProperty("hive_partitioning") Boolean hivePartitioning,
    @JsonProperty("union_by_name") Boolean unionByName,
    @JsonProperty("csv") CsvDialect csv) {

  public DatasetConfig {
    paths = paths == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(paths));
    hivePartitioning = hivePartitioning == null ? Boolean.FALSE : hivePartitioning;
    unionByName = unionByName == null ? Boolean.TRUE : unionByName;
    csv = csv == null ? CsvDialect.DETECT : csv;
  }

  /** A dataset with every option at its default. */
  public static DatasetConfig of(String name, List<String> paths) {
    return new DatasetConfig(name, paths, null, null, null, null);
  }

  /** The format given, or the one the patterns' extensions name (validation checks there is exactly one). */
  public DatasetFormat resolvedFormat() {
    return format != null ? format : extensionFormats().get(0).orElseThrow();
  }

  private List<Optional<DatasetFormat>> extensionFormats() {
    return paths.stream().map(DatasetFormat::ofExtension).distinct().toList();
  }

  void validate(String key) {
    Validation.require(name != null && !name.isBlank(), key + ".name", "must not be empty");
    String named = "files.datasets." + name;
    Validation.require(!paths.isEmpty(), named + ".paths", "must list at least one glob pattern");
    for (String path : paths) {
      Validation.require(path != null && !path.isBlank(), named + ".paths", "must not contain an empty pattern");
    }
    if (format == null) {
      List<Optional<DatasetFormat>> inferred = extensionFormats();
      Validation.require(!inferred.contains(Optional.<DatasetFormat>empty()), named + ".format",
          "is needed: the extension of a pattern in " + paths + " names no format (parquet, csv, json)");
      Validation.require(inferred.size() == 1, named + ".format",
          "is needed: the patterns " + paths + " have extensions of different formats");
    }
    csv.validate(named + ".csv");
  }
}
