package dev.bridge.engine.partitions;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import dev.bridge.engine.TableName;
import java.util.List;

/** The disjoint part of a query's one input that one partition reads, with what that input was at planning. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "kind")
@JsonSubTypes({@JsonSubTypes.Type(value = Slice.TableRows.class, name = "table_rows"),
    @JsonSubTypes.Type(value = Slice.DatasetFiles.class, name = "dataset_files")})
public sealed interface Slice permits Slice.TableRows, Slice.DatasetFiles {
  /** No upper bound: the last slice of a table reads to its end, whatever rows it has. */
  long NO_END = Long.MAX_VALUE;

  /**
   * The rows of a DuckDB table whose rowid is in {@code [fromRowid, toRowid)} ({@link #NO_END}: to the end). DuckDB
   * prunes the table's row groups outside the range. At planning the table had data version {@code version} under
   * {@code epoch} ({@code DataVersions}) and {@code physicalRows} rows in storage (deleted ones included): DuckDB
   * renumbers rowids only when a checkpoint vacuums deleted rows, which changes that count.
   */
  record TableRows(TableName table, long fromRowid, long toRowid, long epoch, long version, long physicalRows)
      implements Slice {}

  /** Some of the files of a file dataset's view {@code view}, stamped as they were at planning. */
  record DatasetFiles(TableName view, List<FileStamp> files) implements Slice {
    public DatasetFiles {
      files = List.copyOf(files);
    }
  }
}
