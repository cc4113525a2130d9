package dev.bridge.engine;

import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The tables and views a session can see, with their columns, read from DuckDB's catalog functions
 * ({@code duckdb_tables()}, {@code duckdb_views()}, {@code duckdb_columns()}); internal objects are left out.
 */
public final class TableCatalog {
  private static final String QUERY = """
      SELECT t.database_name, t.schema_name, t.name, t.kind, c.column_name, c.data_type, c.is_nullable
      FROM (
        SELECT database_name, schema_name, table_name AS name, 'TABLE' AS kind FROM duckdb_tables() WHERE NOT internal
        UNION ALL
        SELECT database_name, schema_name, view_name, 'VIEW' FROM duckdb_views() WHERE NOT internal
      ) AS t
      JOIN duckdb_columns() AS c
        ON c.database_name = t.database_name AND c.schema_name = t.schema_name AND c.table_name = t.name
      WHERE (CAST(? AS VARCHAR) IS NULL OR t.schema_name = ?) AND (CAST(? AS VARCHAR) IS NULL OR t.name = ?)
      ORDER BY t.database_name, t.schema_name, t.name, c.column_index
      """;


  public TableCatalog() {
  }

  public record Column(String name, String type, boolean nullable) {}

  public record Table(String database, String schema, String name, String kind, List<Column> columns) {}

  /** Every table and view. */
  public List<Table> tables(Session session) {
    return query(session, null, null);
  }

  /** The tables and views called {@code name}, in {@code schema} when it is not null. */
  public List<Table> tables(Session session, String schema, String name) {
    return query(session, schema, name);
  }

  private List<Table> query(Session session, String schema, String name) {
    try (UnitOfWork work = session.work(UnitOfWork.Mode.AUTO_COMMIT);
         PreparedStatement statement = work.connection().prepareStatement(QUERY)) {
      statement.setString(1, schema);
      statement.setString(2, schema);
      statement.setString(3, name);
      statement.setString(4, name);
      Map<List<String>, List<Column>> columns = new LinkedHashMap<>();
      Map<List<String>, String> kinds = new LinkedHashMap<>();
      try (ResultSet rows = statement.executeQuery()) {
        while (rows.next()) {
          List<String> key = List.of(rows.getString(1), rows.getString(2), rows.getString(3));
          kinds.put(key, rows.getString(4));
          columns.computeIfAbsent(key, k -> new ArrayList<>())
              .add(new Column(rows.getString(5), rows.getString(6), rows.getBoolean(7)));
        }
      }
      List<Table> tables = new ArrayList<>(columns.size());
      columns.forEach((key, tableColumns) ->
          tables.add(new Table(key.get(0), key.get(1), key.get(2), kinds.get(key), List.copyOf(tableColumns))));
      return tables;
    } catch (SQLException e) {
      throw DuckDbErrors.translate(e);
    }
  }
}
