package dev.bridge.flight.metadata;

import dev.bridge.engine.Session;
import dev.bridge.engine.TableName;
import dev.bridge.engine.StatementExecutor;
import dev.bridge.engine.catalog.CatalogReader;
import dev.bridge.engine.catalog.ColumnInfo;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightEndpoint;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightProducer.ServerStreamListener;
import org.apache.arrow.flight.Ticket;
import org.apache.arrow.flight.sql.FlightSqlProducer.Schemas;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandGetCrossReference;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandGetDbSchemas;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandGetExportedKeys;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandGetImportedKeys;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandGetPrimaryKeys;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandGetTables;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandGetXdbcTypeInfo;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Answers the Flight SQL catalog commands for a session, in the result schemas the specification declares
 * ({@link Schemas}). Each answer is small and is read from DuckDB's catalog when the ticket is redeemed.
 */
public final class CatalogMetadata {
  private final CatalogReader catalog;
  private final StatementExecutor executor;
  private final BufferAllocator allocator;

  public CatalogMetadata(CatalogReader catalog, StatementExecutor executor, BufferAllocator allocator) {
    this.catalog = catalog;
    this.executor = executor;
    this.allocator = allocator;
  }

  /** A metadata command's FlightInfo: one endpoint whose ticket is the command itself. */
  public static FlightInfo flightInfo(Schema schema, FlightDescriptor descriptor) {
    FlightEndpoint endpoint = new FlightEndpoint(new Ticket(descriptor.getCommand()));
    return new FlightInfo(schema, descriptor, List.of(endpoint), -1, -1);
  }

  public void catalogs(Session session, ServerStreamListener listener) {
    MetadataRows.stream(Schemas.GET_CATALOGS_SCHEMA, catalog.catalogs(session), allocator, listener);
  }

  public void schemas(Session session, CommandGetDbSchemas command, ServerStreamListener listener) {
    List<List<Object>> rows = catalog.schemas(session, command.hasCatalog() ? command.getCatalog() : null,
        command.hasDbSchemaFilterPattern() ? command.getDbSchemaFilterPattern() : null);
    MetadataRows.stream(Schemas.GET_SCHEMAS_SCHEMA, rows, allocator, listener);
  }

  public static Schema tablesSchema(CommandGetTables command) {
    return command.getIncludeSchema() ? Schemas.GET_TABLES_SCHEMA : Schemas.GET_TABLES_SCHEMA_NO_SCHEMA;
  }

  public void tables(Session session, CommandGetTables command, ServerStreamListener listener) {
    String catalogName = command.hasCatalog() ? command.getCatalog() : null;
    String schemaPattern = command.hasDbSchemaFilterPattern() ? command.getDbSchemaFilterPattern() : null;
    String tablePattern = command.hasTableNameFilterPattern() ? command.getTableNameFilterPattern() : null;
    List<List<Object>> rows = catalog.tables(session, catalogName, schemaPattern, tablePattern,
        command.getTableTypesList());
    if (command.getIncludeSchema()) {
      Map<TableName, List<ColumnInfo>> columns = catalog.columns(session, catalogName, schemaPattern, tablePattern);
      List<List<Object>> withSchemas = new ArrayList<>(rows.size());
      for (List<Object> row : rows) {
        List<Object> withSchema = new ArrayList<>(row);
        TableName table = new TableName((String) row.get(0), (String) row.get(1), (String) row.get(2));
        Schema schema = tableSchema(session, table, columns.getOrDefault(table, List.of()), "VIEW".equals(row.get(3)));
        withSchema.add(SchemaBytes.of(schema));
        withSchemas.add(withSchema);
      }
      rows = withSchemas;
    }
    MetadataRows.stream(tablesSchema(command), rows, allocator, listener);
  }

  public void tableTypes(ServerStreamListener listener) {
    List<List<Object>> rows = catalog.tableTypes().stream().map(type -> List.<Object>of(type)).toList();
    MetadataRows.stream(Schemas.GET_TABLE_TYPES_SCHEMA, rows, allocator, listener);
  }

  public void primaryKeys(Session session, CommandGetPrimaryKeys command, ServerStreamListener listener) {
    TableName.Partial table = side(command.hasCatalog(), command.getCatalog(), command.hasDbSchema(),
        command.getDbSchema(), command.getTable());
    MetadataRows.stream(Schemas.GET_PRIMARY_KEYS_SCHEMA, catalog.primaryKeys(session, table), allocator, listener);
  }

  public void importedKeys(Session session, CommandGetImportedKeys command, ServerStreamListener listener) {
    TableName.Partial table = side(command.hasCatalog(), command.getCatalog(), command.hasDbSchema(),
        command.getDbSchema(), command.getTable());
    MetadataRows.stream(Schemas.GET_IMPORTED_KEYS_SCHEMA, catalog.importedKeys(session, table), allocator,
        listener);
  }

  public void exportedKeys(Session session, CommandGetExportedKeys command, ServerStreamListener listener) {
    TableName.Partial table = side(command.hasCatalog(), command.getCatalog(), command.hasDbSchema(),
        command.getDbSchema(), command.getTable());
    MetadataRows.stream(Schemas.GET_EXPORTED_KEYS_SCHEMA, catalog.exportedKeys(session, table), allocator,
        listener);
  }

  public void crossReference(Session session, CommandGetCrossReference command, ServerStreamListener listener) {
    TableName.Partial primaryKey = side(command.hasPkCatalog(), command.getPkCatalog(), command.hasPkDbSchema(),
        command.getPkDbSchema(), command.getPkTable());
    TableName.Partial foreignKey = side(command.hasFkCatalog(), command.getFkCatalog(), command.hasFkDbSchema(),
        command.getFkDbSchema(), command.getFkTable());
    MetadataRows.stream(Schemas.GET_CROSS_REFERENCE_SCHEMA,
        catalog.crossReference(session, primaryKey, foreignKey), allocator, listener);
  }

  /** Every type a DuckDB column can have, ordered by XDBC data type, then name, as the specification asks. */
  public void typeInfo(Session session, CommandGetXdbcTypeInfo command, ServerStreamListener listener) {
    List<List<Object>> rows = catalog.columnTypes(session).stream()
        .map(XdbcType::of)
        .filter(type -> !command.hasDataType() || type.dataType() == command.getDataType())
        .sorted(Comparator.comparingInt(XdbcType::dataType).thenComparing(XdbcType::name))
        .map(XdbcType::row)
        .toList();
    MetadataRows.stream(Schemas.GET_TYPE_INFO_SCHEMA, rows, allocator, listener);
  }

  /** A table named by a key command; an unset optional catalog or schema matches any. */
  private static TableName.Partial side(boolean hasCatalog, String catalog, boolean hasSchema, String schema,
      String table) {
    return new TableName.Partial(hasCatalog ? catalog : null, hasSchema ? schema : null, table);
  }

  /** The schema a {@code SELECT *} of the table streams, with the Flight SQL column metadata of its columns. */
  private Schema tableSchema(Session session, TableName table, List<ColumnInfo> columns, boolean view) {
    Optional<CatalogReader.RemoteTable> remote = catalog.remoteTable(session, table);
    if (remote.isPresent()) {
      return ColumnMetadata.forTable(remote.get().schema(), table, remote.get().columns(), view);
    }
    Schema streamed = executor.plan(session, "SELECT * FROM " + table.sql()).resultSchema();
    return ColumnMetadata.forTable(streamed, table, columns, view);
  }
}
