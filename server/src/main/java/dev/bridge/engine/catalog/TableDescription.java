package dev.bridge.engine.catalog;

import dev.bridge.engine.TableName;
import java.util.List;

/**
 * A table or view with its columns in order. {@code type} is the Flight SQL / JDBC table type: {@code TABLE},
 * {@code VIEW} or {@code LOCAL TEMPORARY}.
 */
public record TableDescription(TableName name, String type, List<ColumnInfo> columns) {
  public boolean isView() {
    return "VIEW".equals(type);
  }
}
