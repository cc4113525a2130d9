package dev.bridge.ingest;

import dev.bridge.engine.EngineException;
import dev.bridge.engine.ErrorKind;
import dev.bridge.engine.SqlIdentifiers;
import dev.bridge.engine.TableName;
import dev.bridge.engine.UnitOfWork;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The SQL of one ingest, on a connection inside the ingest's transaction: checks the target table, then creates it
 * from the registered Arrow stream or appends the stream to it. Nothing here may fail inside DuckDB before the
 * write itself, because a failed statement aborts the whole transaction.
 */
final class IngestStatements {
  private final UnitOfWork work;
  private final TableName table;
  private final String streamView;

  IngestStatements(UnitOfWork work, TableName table, String streamView) {
    this.work = work;
    this.table = table;
    this.streamView = streamView;
  }

  /** Writes the stream as {@code mode} says. */
  void write(IngestMode mode) throws SQLException {
    if (!exists()) {
      if (mode.ifMissing() == IngestMode.IfMissing.FAIL) {
        throw EngineException.notFound("table " + table + " does not exist, and the ingest may not create it");
      }
      create();
      return;
    }
    switch (mode.ifExists()) {
      case FAIL -> throw new EngineException(ErrorKind.ALREADY_EXISTS, "table " + table
          + " already exists, and the ingest may neither append to nor replace it");
      case APPEND -> append();
      case REPLACE -> {
        work.execute("DROP TABLE " + table.sql());
        create();
      }
    }
  }

  private boolean exists() throws SQLException {
    try (PreparedStatement statement = work.connection().prepareStatement("SELECT count(*) FROM duckdb_tables()"
        + " WHERE lower(database_name) = lower(?) AND lower(schema_name) = lower(?) AND lower(table_name) = lower(?)")) {
      statement.setString(1, table.catalog());
      statement.setString(2, table.schema());
      statement.setString(3, table.name());
      try (ResultSet rs = statement.executeQuery()) {
        rs.next();
        return rs.getLong(1) > 0;
      }
    }
  }

  private void create() throws SQLException {
    String temporary = table.temporary() ? "TEMPORARY " : "";
    work.execute("CREATE " + temporary + "TABLE " + table.sql() + " AS SELECT * FROM " + streamView);
  }

  private void append() throws SQLException {
    Map<String, Column> tableColumns = columns(table.sql());
    List<String> names = new ArrayList<>();
    for (Column column : columns(streamView).values()) {
      Column target = tableColumns.get(column.key());
      if (target == null) {
        throw EngineException.invalidArgument("column '" + column.name() + "' of the stream is not a column of table "
            + table + " (its columns: " + tableColumns.values().stream().map(Column::name)
            .collect(Collectors.joining(", ")) + ")");
      }
      if (!target.type().equals(column.type())) {
        throw EngineException.invalidArgument("column '" + column.name() + "' of table " + table + " is "
            + target.type() + " but the stream sends " + column.type()
            + "; cast it on the client or write to a new table");
      }
      names.add(SqlIdentifiers.quote(column.name()));
    }
    String list = String.join(", ", names);
    work.execute("INSERT INTO " + table.sql() + " (" + list + ") SELECT " + list + " FROM " + streamView);
  }

  /** The columns of a table or view by lower-cased name (DuckDB matches names ignoring case), in order. */
  private Map<String, Column> columns(String relation) throws SQLException {
    Map<String, Column> columns = new LinkedHashMap<>();
    try (Statement statement = work.connection().createStatement();
         ResultSet rs = statement.executeQuery("DESCRIBE SELECT * FROM " + relation)) {
      while (rs.next()) {
        Column column = new Column(rs.getString(1), rs.getString(2));
        columns.put(column.key(), column);
      }
    }
    return columns;
  }

  private record Column(String name, String type) {
    String key() {
      return name.toLowerCase(Locale.ROOT);
    }
  }
}
