package dev.bridge.config;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** Files served as live views: the datasets, and the schema their views appear in. */
public record FilesConfig(
    @JsonProperty("schema") String schema,
    @JsonProperty("datasets") List<DatasetConfig> datasets) {

  public static final FilesConfig DEFAULT = new FilesConfig(null, null);

  public FilesConfig {
    schema = schema == null ? "files" : schema;
    datasets = datasets == null ? List.of() : Collections.unmodifiableList(new ArrayList<>(datasets));
  }

  public FilesConfig withDatasets(List<DatasetConfig> newDatasets) {
    return new FilesConfig(schema, newDatasets);
  }

  void validate() {
    Validation.require(!schema.isBlank(), "files.schema", "must not be empty");
    Set<String> names = new HashSet<>();
    for (int i = 0; i < datasets.size(); i++) {
      DatasetConfig dataset = datasets.get(i);
      Validation.require(dataset != null, "files.datasets[" + i + "]", "must not be empty");
      dataset.validate("files.datasets[" + i + "]");
      // DuckDB's identifiers are case-insensitive: two names that differ only in case are the same view.
      Validation.require(names.add(dataset.name().toLowerCase(Locale.ROOT)), "files.datasets." + dataset.name(),
          "is defined twice");
    }
  }
}
