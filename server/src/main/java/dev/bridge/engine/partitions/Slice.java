package dev.bridge.engine.partitions;

import com.fasterxml.jackson.annotation.JsonSubTypes;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import dev.bridge.engine.TableName;
import java.util.List;

/** The disjoint part of a query's one input that one partition reads, with what that input was at planning. */
@JsonTypeInfo(use = JsonTypeInfo.Id.NAME, property = "kind")
@JsonSubTypes({@JsonSubTypes.Type(value = Slice.TableRows.class, name = "table_rows"),
    @JsonSubTypes.Type(value = Slice.DatasetFiles.class, name = "dataset_files"),
    @JsonSubTypes.Type(value = Slice.DatasetFileRows.class, name = "dataset_file_rows")})
public sealed interface Slice permits Slice.TableRows, Slice.DatasetSlice {
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

  /**
   * A part of a file dataset: only files, which every node of a cluster sees alike (a table's rows are one node's
   * own), stamped as they were at planning; the partition is valid while every one of them is unchanged.
   */
  sealed interface DatasetSlice extends Slice permits DatasetFiles, DatasetFileRows {
    /** The dataset's view, as the node that planned the slice names it. */
    TableName view();

    /** The files the slice reads, as they were at planning. */
    List<FileStamp> files();

    /** The same slice of the same files, read through {@code other}: the dataset's view as another node names it. */
    DatasetSlice in(TableName other);
  }

  /** Some of the files of a file dataset's view {@code view}, stamped as they were at planning. */
  record DatasetFiles(TableName view, List<FileStamp> files) implements DatasetSlice {
    public DatasetFiles {
      files = List.copyOf(files);
    }

    @Override
    public DatasetSlice in(TableName other) {
      return new DatasetFiles(other, files);
    }
  }

  /**
   * The rows of one Parquet file of a dataset whose position in the file ({@code file_row_number}) is in
   * {@code [fromRow, toRow)}: whole row groups, so DuckDB's scan skips the file's other row groups. Used when a
   * dataset has fewer files than partitions (one big file, say).
   */
  record DatasetFileRows(TableName view, FileStamp file, long fromRow, long toRow) implements DatasetSlice {
    @Override
    public List<FileStamp> files() {
      return List.of(file);
    }

    @Override
    public DatasetSlice in(TableName other) {
      return new DatasetFileRows(other, file, fromRow, toRow);
    }
  }
}
