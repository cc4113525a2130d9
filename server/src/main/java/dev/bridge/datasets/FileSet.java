package dev.bridge.datasets;

import java.util.List;

/**
 * What a dataset's patterns match at one moment: its files (sorted by path), or the problem that stopped the
 * listing. Two equal file sets read the same data, so the view only changes when the file set does.
 */
record FileSet(List<DatasetFile> files, String problem) {
  static FileSet of(List<DatasetFile> files) {
    return new FileSet(List.copyOf(files), null);
  }

  static FileSet failed(String problem) {
    return new FileSet(List.of(), problem);
  }
}
