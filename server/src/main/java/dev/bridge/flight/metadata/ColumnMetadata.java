package dev.bridge.flight.metadata;

import dev.bridge.engine.TableName;
import dev.bridge.engine.catalog.ColumnInfo;
import java.util.ArrayList;
import java.util.TreeMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.flight.sql.FlightSqlColumnMetadata;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Adds the Flight SQL column metadata ({@code ARROW:FLIGHT:SQL:TYPE_NAME}, precision, scale, flags and, for table
 * columns, the catalog, schema and table names) to the fields of a schema; JDBC's ResultSetMetaData and
 * getColumns read it. Existing field metadata is kept.
 */
public final class ColumnMetadata {
  private ColumnMetadata() {}

  /** A query result's schema, given the DuckDB type each column is streamed as. */
  public static Schema forQuery(Schema schema, List<String> duckDbTypes) {
    if (schema.getFields().size() != duckDbTypes.size()) {
      return schema;
    }
    List<Field> fields = new ArrayList<>(duckDbTypes.size());
    for (int i = 0; i < duckDbTypes.size(); i++) {
      Field field = schema.getFields().get(i);
      String type = duckDbTypes.get(i);
      FlightSqlColumnMetadata.Builder metadata = describe(type, XdbcType.precision(type), XdbcType.scale(type))
          .isAutoIncrement(false)
          .isReadOnly(true);
      fields.add(withMetadata(field, field.isNullable(), metadata.build()));
    }
    return new Schema(fields, schema.getCustomMetadata());
  }

  /** A table's schema (as a query of all its columns streams it), with its catalog's nullability and names. */
  static Schema forTable(Schema schema, TableName table, List<ColumnInfo> columns, boolean readOnly) {
    if (schema.getFields().size() != columns.size()) {
      return schema;
    }
    List<Field> fields = new ArrayList<>(columns.size());
    for (int i = 0; i < columns.size(); i++) {
      ColumnInfo column = columns.get(i);
      Integer precision = column.precision() != null ? column.precision() : XdbcType.precision(column.duckDbType());
      Integer scale = column.scale() != null ? column.scale() : XdbcType.scale(column.duckDbType());
      FlightSqlColumnMetadata.Builder metadata = describe(column.duckDbType(), precision, scale)
          .catalogName(table.catalog())
          .schemaName(table.schema())
          .tableName(table.name())
          .isAutoIncrement(column.autoIncrement())
          .isReadOnly(readOnly);
      fields.add(withMetadata(schema.getFields().get(i), column.nullable(), metadata.build()));
    }
    return new Schema(fields);
  }

  private static FlightSqlColumnMetadata.Builder describe(String duckDbType, Integer precision, Integer scale) {
    FlightSqlColumnMetadata.Builder metadata = new FlightSqlColumnMetadata.Builder()
        .typeName(duckDbType)
        .isCaseSensitive(XdbcType.ofColumnType(duckDbType).caseSensitive())
        .isSearchable(true);
    if (precision != null) {
      metadata.precision(precision);
    }
    if (scale != null) {
      metadata.scale(scale);
    }
    return metadata;
  }

  private static Field withMetadata(Field field, boolean nullable, FlightSqlColumnMetadata columnMetadata) {
    Map<String, String> metadata = new TreeMap<>();
    if (field.getMetadata() != null) {
      metadata.putAll(field.getMetadata());
    }
    metadata.putAll(columnMetadata.getMetadataMap());
    FieldType type = new FieldType(nullable, field.getType(), field.getDictionary(), metadata);
    return new Field(field.getName(), type, field.getChildren());
  }
}
