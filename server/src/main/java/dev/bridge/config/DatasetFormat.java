package dev.bridge.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/** The file formats a dataset can have; each is read by DuckDB's own reader ({@code read_parquet}, ...). */
public enum DatasetFormat {
  PARQUET("read_parquet", List.of(".parquet", ".pq")),
  CSV("read_csv", List.of(".csv", ".tsv", ".csv.gz", ".tsv.gz")),
  JSON("read_json", List.of(".json", ".jsonl", ".ndjson", ".json.gz", ".jsonl.gz", ".ndjson.gz"));

  private final String readFunction;
  private final List<String> extensions;

  DatasetFormat(String readFunction, List<String> extensions) {
    this.readFunction = readFunction;
    this.extensions = extensions;
  }

  /** The DuckDB table function that reads files of this format. */
  public String readFunction() {
    return readFunction;
  }

  /** The format a path's extension names, if it names one. */
  public static Optional<DatasetFormat> ofExtension(String path) {
    String lower = path.toLowerCase(Locale.ROOT);
    for (DatasetFormat format : values()) {
      if (format.extensions.stream().anyMatch(lower::endsWith)) {
        return Optional.of(format);
      }
    }
    return Optional.empty();
  }

  @JsonCreator
  public static DatasetFormat of(String name) {
    for (DatasetFormat format : values()) {
      if (format.name().equalsIgnoreCase(name)) {
        return format;
      }
    }
    throw new IllegalArgumentException("unknown format '" + name + "'; use parquet, csv or json");
  }
}
