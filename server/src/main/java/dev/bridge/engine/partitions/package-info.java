/**
 * One query answered by several Flight endpoints: which queries may be split, how, and how one part is read.
 *
 * <p>The API, for a door or a coordinator:
 * <ul>
 *   <li>{@link dev.bridge.engine.partitions.PartitionPlanner#plan} takes a planned query ({@code StatementPlan},
 *       no parameters, outside a transaction) and a wanted count P, and returns either nothing (the query gets one
 *       endpoint) or a {@link dev.bridge.engine.partitions.PartitionPlan}: up to P
 *       {@link dev.bridge.engine.partitions.Partition}s and the total record count where it is known.</li>
 *   <li>A query may be split only when {@link dev.bridge.engine.partitions.UnionSafety} proves from DuckDB's own
 *       parse ({@code json_serialize_sql}), plan ({@code json_serialize_plan}) and function catalog
 *       ({@code duckdb_functions()}) that its result is the plain union of the results over disjoint parts of its
 *       one input: projection and filter of one table or one Parquet dataset, with consistent scalar functions
 *       only. Anything it cannot prove gets one endpoint.</li>
 *   <li>A {@link dev.bridge.engine.partitions.Partition} is immutable and self-contained: the client's SQL, its
 *       place (index of count), and its {@link dev.bridge.engine.partitions.Slice}: a rowid range of a DuckDB
 *       table (with the table's data version and physical row count at planning), a subset of a file dataset's
 *       files, or a run of row groups of one of its files when it has fewer files than partitions (each file with
 *       the size and modification time it had at planning). {@code toBytes()} /
 *       {@code Partition.fromBytes} carry it in a ticket; any node with the same table or dataset can read it.</li>
 *   <li>{@link dev.bridge.engine.partitions.PartitionPlanner#open} reads one partition as a normal
 *       {@code ResultStream} (backpressure, cancel, timeouts as any query): it rewrites the client's SQL for the
 *       slice through DuckDB's AST ({@code json_serialize_sql}, the FROM or WHERE edited, {@code
 *       json_deserialize_sql}), and in the stream's own read-only transaction first checks that the input is as it
 *       was at planning. When it is not, it fails with {@code ErrorKind.ABORTED} ("... changed since the query was
 *       planned; run it again"): the partitions of one plan return the rows of one snapshot or fail, never a
 *       mix. The caller plans the SQL first (access checks run there, on the client's SQL).</li>
 * </ul>
 * A table slice is valid only on the node that planned it (data versions are that node's); a file slice on any node
 * that sees the same files.
 */
package dev.bridge.engine.partitions;
