package dev.bridge.engine.partitions;

import dev.bridge.engine.TableName;
import java.util.List;
import java.util.Optional;

/**
 * The views over files a server keeps (its file datasets), as the partition planner needs them: which files a view
 * reads now, and the SQL reading a subset of them exactly as the view reads all of them. Declared here so the
 * engine need not know the datasets package, which implements it.
 */
public interface FileDatasets {
  FileDatasets NONE = view -> Optional.empty();

  /** The dataset whose view is {@code view}, when it is one, is readable, and its files may be read in parts. */
  Optional<FileDataset> dataset(TableName view);

  /**
   * This server's name for the view another node named {@code view}: the same schema and dataset name, in the
   * database this server's views are in (each node's database catalog is named after its own file). Empty when
   * this server keeps its views elsewhere.
   */
  default Optional<TableName> localView(TableName view) {
    return Optional.empty();
  }

  /** One dataset's files and how to read some of them. */
  interface FileDataset {
    /** The files the view reads now, stamped. */
    List<FileStamp> files();

    /** {@code SELECT * FROM read_xxx([paths], options)}: the view's own reading of these files only. */
    String selectSql(List<String> paths);
  }
}
