package dev.bridge.engine.catalog;

import dev.bridge.engine.CurrentSchema;
import dev.bridge.engine.DuckDbErrors;
import dev.bridge.engine.EngineException;
import dev.bridge.engine.RemoteEngine;
import dev.bridge.engine.RemoteEngines;
import dev.bridge.engine.Session;
import dev.bridge.engine.SqlIdentifiers;
import dev.bridge.engine.TableName;
import dev.bridge.engine.UnitOfWork;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * Reads a session's catalog (databases, schemas, tables, views, columns, keys, types) from DuckDB's catalog
 * functions on the session's own connection. Rows come back as lists of column values in the order of the Flight
 * SQL (and JDBC) metadata result sets; see {@link CatalogSql}. Typed answers where a door needs more than rows: the
 * columns of tables ({@link ColumnInfo}), tables with their columns ({@link #describe}), and the one rule that turns
 * a client's table path into a {@link TableName}, for reads and writes alike ({@link #resolve}).
 */
public final class CatalogReader {
  /** Orders metadata rows as the Flight SQL commands ask: by their leading name columns. */
  private static final Comparator<List<Object>> BY_NAMES = (a, b) -> {
    for (int i = 0; i < Math.min(a.size(), b.size()) && i < 4; i++) {
      int order = String.valueOf(a.get(i)).compareTo(String.valueOf(b.get(i)));
      if (order != 0) {
        return order;
      }
    }
    return 0;
  };

  /** Engines besides DuckDB whose catalogs are listed beside DuckDB's ({@link RemoteEngine}). */
  private final RemoteEngines remotes;

  public CatalogReader() {
    this(RemoteEngines.NONE);
  }

  public CatalogReader(RemoteEngines remotes) {
    this.remotes = remotes;
  }

  public List<List<Object>> catalogs(Session session) {
    List<List<Object>> rows = new ArrayList<>(rows(session, CatalogSql.CATALOGS));
    remotes.all().forEach(engine -> rows.add(List.of(engine.catalog())));
    rows.sort(BY_NAMES);
    return rows;
  }

  /** Schemas of {@code catalog} (null: all), whose names match {@code schemaPattern} (null: all). */
  public List<List<Object>> schemas(Session session, String catalog, String schemaPattern) {
    requireValidPattern("schema", schemaPattern);
    List<List<Object>> rows = new ArrayList<>(rows(session, CatalogSql.SCHEMAS, catalog, catalog, schemaPattern,
        schemaPattern));
    for (RemoteEngine engine : remoteEngines(catalog)) {
      for (String schema : engine.schemas(session)) {
        if (schemaPattern == null || NamePattern.of(schemaPattern).matches(schema)) {
          rows.add(List.of(engine.catalog(), schema));
        }
      }
    }
    rows.sort(BY_NAMES);
    return rows;
  }

  /** The remote engines a catalog filter selects (null: every one). */
  private List<RemoteEngine> remoteEngines(String catalog) {
    return catalog == null ? remotes.all() : remotes.owning(catalog).stream().toList();
  }

  /** Rows of {@link #tables} of the remote engines' catalogs. */
  private List<List<Object>> remoteTables(Session session, String catalog, String schemaPattern,
      String tablePattern) {
    List<List<Object>> rows = new ArrayList<>();
    for (RemoteEngine engine : remoteEngines(catalog)) {
      for (String schema : engine.schemas(session)) {
        if (schemaPattern != null && !NamePattern.of(schemaPattern).matches(schema)) {
          continue;
        }
        for (RemoteEngine.Table table : engine.tables(session, schema)) {
          if (tablePattern == null || NamePattern.of(tablePattern).matches(table.name())) {
            rows.add(List.of(engine.catalog(), table.schema(), table.name(), table.type()));
          }
        }
      }
    }
    return rows;
  }

  /** A remote engine's table: the schema a {@code SELECT *} of it streams, and its columns. */
  public record RemoteTable(Schema schema, List<ColumnInfo> columns) {}

  /**
   * A remote engine's table as its engine describes it (precision and scale follow from the type names); empty
   * for DuckDB's tables.
   */
  public Optional<RemoteTable> remoteTable(Session session, TableName table) {
    return remotes.owning(table.catalog()).map(engine -> {
      RemoteEngine.Described described = engine.tableSchema(session, table.schema(), table.name());
      List<ColumnInfo> columns = new ArrayList<>();
      for (int i = 0; i < described.columnTypes().size(); i++) {
        var field = described.schema().getFields().get(i);
        columns.add(new ColumnInfo(field.getName(), described.columnTypes().get(i), field.isNullable(), null, null,
            false));
      }
      return new RemoteTable(described.schema(), columns);
    });
  }

  /** Tables and views matching the filters, whose type is one of {@code tableTypes} (empty: any). */
  public List<List<Object>> tables(Session session, String catalog, String schemaPattern, String tablePattern,
      List<String> tableTypes) {
    requireValidPattern("schema", schemaPattern);
    requireValidPattern("table name", tablePattern);
    List<List<Object>> tables = rows(session, CatalogSql.TABLES, catalog, catalog, schemaPattern, schemaPattern,
        tablePattern, tablePattern);
    if (!remotes.all().isEmpty()) {
      tables = new ArrayList<>(tables);
      tables.addAll(remoteTables(session, catalog, schemaPattern, tablePattern));
      tables.sort(BY_NAMES);
    }
    if (tableTypes.isEmpty()) {
      return tables;
    }
    Set<String> wanted = Set.copyOf(tableTypes);
    return tables.stream().filter(row -> wanted.contains((String) row.get(3))).toList();
  }

  public List<String> tableTypes() {
    return CatalogSql.TABLE_TYPES;
  }

  /** The columns of every table and view matching the filters of {@link #tables}, by table. */
  public Map<TableName, List<ColumnInfo>> columns(Session session, String catalog, String schemaPattern,
      String tablePattern) {
    Map<TableName, List<ColumnInfo>> columns = new HashMap<>();
    for (List<Object> row : rows(session, CatalogSql.COLUMNS, catalog, catalog, schemaPattern, schemaPattern,
        tablePattern, tablePattern)) {
      TableName table = tableOf(row);
      columns.computeIfAbsent(table, key -> new ArrayList<>()).add(new ColumnInfo((String) row.get(3),
          (String) row.get(4), (Boolean) row.get(5), (Integer) row.get(6), (Integer) row.get(7),
          (Boolean) row.get(8)));
    }
    return columns;
  }

  /**
   * The primary key columns of a table given by exact names (a null catalog or schema matches any). A table or view
   * that does not exist is an error rather than an empty answer, so that a misspelt name is noticed.
   */
  public List<List<Object>> primaryKeys(Session session, TableName.Partial table) {
    requireTable(session, table);
    return rows(session, CatalogSql.PRIMARY_KEYS, table.catalog(), table.catalog(), table.schema(), table.schema(),
        table.name());
  }

  /** Foreign keys of {@code foreignKeyTable} (imported keys), ordered by the referenced table. */
  public List<List<Object>> importedKeys(Session session, TableName.Partial foreignKeyTable) {
    requireTable(session, foreignKeyTable);
    return foreignKeys(session, TableName.Partial.ANY, foreignKeyTable,
        "pk_catalog_name, pk_db_schema_name, pk_table_name, key_sequence");
  }

  /** Foreign keys that reference {@code primaryKeyTable} (exported keys), ordered by the referencing table. */
  public List<List<Object>> exportedKeys(Session session, TableName.Partial primaryKeyTable) {
    requireTable(session, primaryKeyTable);
    return foreignKeys(session, primaryKeyTable, TableName.Partial.ANY,
        "fk_catalog_name, fk_db_schema_name, fk_table_name, key_sequence");
  }

  /** Foreign keys of {@code foreignKeyTable} that reference {@code primaryKeyTable}. */
  public List<List<Object>> crossReference(Session session, TableName.Partial primaryKeyTable,
      TableName.Partial foreignKeyTable) {
    requireTable(session, primaryKeyTable);
    requireTable(session, foreignKeyTable);
    return foreignKeys(session, primaryKeyTable, foreignKeyTable,
        "fk_catalog_name, fk_db_schema_name, fk_table_name, key_sequence");
  }

  /** DuckDB's logical type names that a column can have. */
  public List<String> columnTypes(Session session) {
    return strings(session, CatalogSql.COLUMN_TYPES);
  }

  public List<String> keywords(Session session) {
    return strings(session, CatalogSql.KEYWORDS);
  }

  public List<String> numericFunctions(Session session) {
    return strings(session, CatalogSql.NUMERIC_FUNCTIONS);
  }

  public List<String> stringFunctions(Session session) {
    return strings(session, CatalogSql.STRING_FUNCTIONS);
  }

  public List<String> datetimeFunctions(Session session) {
    return strings(session, CatalogSql.DATETIME_FUNCTIONS);
  }

  public List<String> systemFunctions(Session session) {
    return strings(session, CatalogSql.SYSTEM_FUNCTIONS);
  }

  public String duckDbVersion(Session session) {
    return strings(session, CatalogSql.DUCKDB_VERSION).get(0);
  }

  /**
   * The tables and views named {@code name} (null: all), in {@code catalog} and {@code schema} when they are not
   * null, each with its columns: names match exactly, not as patterns. A remote engine's table has the columns its
   * {@code SELECT *} streams, typed as its engine names them.
   */
  public List<TableDescription> describe(Session session, String catalog, String schema, String name) {
    String schemaExactly = exactly(schema);
    String nameExactly = exactly(name);
    Map<TableName, List<ColumnInfo>> columns = columns(session, catalog, schemaExactly, nameExactly);
    return tables(session, catalog, schemaExactly, nameExactly, List.of()).stream()
        .map(row -> {
          TableName table = tableOf(row);
          List<ColumnInfo> tableColumns = remoteTable(session, table)
              .map(RemoteTable::columns)
              .orElseGet(() -> List.copyOf(columns.getOrDefault(table, List.of())));
          return new TableDescription(table, (String) row.get(3), tableColumns);
        })
        .toList();
  }

  /**
   * The table a client's path names, the one rule for reads and writes. {@code [catalog, schema, table]} and
   * {@code [schema, table]} (in the current catalog) name it exactly. {@code [table]} is the table of that name in
   * the current schema, else the only one of that name in the current catalog's other schemas (two or more are
   * ambiguous: the client names the schema); with none, the current schema, where a write creates it.
   */
  public TableName resolve(Session session, List<String> path) {
    try (UnitOfWork work = session.work(UnitOfWork.Mode.AUTO_COMMIT)) {
      return resolve(session, work, path);
    }
  }

  /** {@link #resolve(Session, List)} inside a piece of work that may have created the table itself. */
  public TableName resolve(Session session, UnitOfWork work, List<String> path) {
    if (path.isEmpty() || path.size() > 3) {
      throw EngineException.invalidArgument("a table is named as [table], [schema, table] or [catalog, schema,"
          + " table]; got " + path.size() + " part(s): " + path);
    }
    CurrentSchema current = session.currentSchema();
    String table = path.get(path.size() - 1);
    if (path.size() > 1) {
      return new TableName(path.size() == 3 ? path.get(0) : current.catalog(), path.get(path.size() - 2), table);
    }
    List<TableName> candidates = rows(work, CatalogSql.TABLES, current.catalog(), current.catalog(), null, null,
        exactly(table), exactly(table)).stream().map(CatalogReader::tableOf).toList();
    TableName inCurrentSchema = new TableName(current.catalog(), current.schema(), table);
    if (candidates.isEmpty() || candidates.contains(inCurrentSchema)) {
      return inCurrentSchema;
    }
    if (candidates.size() == 1) {
      return candidates.get(0);
    }
    throw EngineException.invalidArgument("the table name " + table + " is ambiguous: "
        + candidates.stream().map(name -> name.schema() + "." + name.name()).collect(Collectors.joining(", "))
        + "; name the schema as well");
  }

  /** The table a path names ({@link #resolve}) when it exists. */
  public Optional<TableName> find(Session session, List<String> path) {
    TableName table = resolve(session, path);
    boolean exists = rows(session, CatalogSql.TABLES, table.catalog(), table.catalog(), exactly(table.schema()),
        exactly(table.schema()), exactly(table.name()), exactly(table.name())).stream()
        .anyMatch(row -> tableOf(row).equals(table));
    return exists ? Optional.of(table) : Optional.empty();
  }

  /**
   * Makes {@code catalog}.{@code schema} the session's current schema ({@code USE}); either may be null to keep the
   * current one. Names are quoted identifiers, never SQL text.
   */
  public void use(Session session, String catalog, String schema) {
    Optional<RemoteEngine> remote = catalog != null ? remotes.owning(catalog) : remotes.ofSession(session);
    if (remote.isPresent()) {
      useRemote(session, remote.get(), schema);
      return;
    }
    if (catalog == null && session.remoteSchema().isPresent()) {
      throw EngineException.invalidArgument("the session's catalog '" + session.currentSchema().catalog()
          + "' is not served here any more; set the catalog too");
    }
    // Back to DuckDB's catalog: the DuckDB connection kept its own current schema meanwhile.
    session.useRemote(null);
    CurrentSchema current = session.currentSchema();
    String target = schema == null && catalog != null
        ? SqlIdentifiers.quote(catalog)
        : SqlIdentifiers.quote(catalog == null ? current.catalog() : catalog) + "." + SqlIdentifiers.quote(schema);
    // USE must change the session's own connection: on a spare one it would be lost with it.
    try (UnitOfWork work = session.workOnOwnConnection(UnitOfWork.Mode.AUTO_COMMIT);
         PreparedStatement statement = work.connection().prepareStatement("USE " + target)) {
      statement.execute();
      session.currentSchemaChanged(work);
    } catch (SQLException e) {
      throw DuckDbErrors.translate(e);
    }
  }

  /**
   * Makes a remote engine's catalog current: its schema {@code schema}, which must exist, or the engine's current
   * one for the session.
   */
  private static void useRemote(Session session, RemoteEngine engine, String schema) {
    String target = schema;
    if (target == null) {
      target = engine.currentSchema(session);
    } else if (engine.schemas(session).stream().noneMatch(schema::equals)) {
      throw EngineException.notFound("no schema '" + schema + "' in catalog '" + engine.catalog() + "'");
    }
    session.useRemote(new CurrentSchema(engine.catalog(), target));
  }

  /**
   * A pattern may escape {@code %}, {@code _} and the escape character itself with a backslash; one that ends in an
   * unpaired backslash escapes nothing and is refused rather than silently matching nothing.
   */
  private static void requireValidPattern(String what, String pattern) {
    if (pattern == null) {
      return;
    }
    int trailingEscapes = 0;
    for (int i = pattern.length() - 1; i >= 0 && pattern.charAt(i) == '\\'; i--) {
      trailingEscapes++;
    }
    if (trailingEscapes % 2 == 1) {
      throw EngineException.invalidArgument("the " + what + " pattern '" + pattern
          + "' ends in the escape character '\\'; escape it as '\\\\' to match a backslash");
    }
  }

  private void requireTable(Session session, TableName.Partial table) {
    if (table.name() == null || table.name().isEmpty()) {
      throw EngineException.invalidArgument("a table name is required");
    }
    // The names go in as LIKE patterns, which match more than the name itself; equality decides.
    boolean exists = rows(session, CatalogSql.TABLES, table.catalog(), table.catalog(), table.schema(),
        table.schema(), table.name(), table.name()).stream().anyMatch(row -> table.name().equals(row.get(2))
        && (table.schema() == null || table.schema().equals(row.get(1))));
    if (!exists) {
      throw EngineException.notFound("no table or view '" + table.name() + "'"
          + (table.schema() == null ? "" : " in schema '" + table.schema() + "'")
          + (table.catalog() == null ? "" : " of catalog '" + table.catalog() + "'"));
    }
  }

  private List<List<Object>> foreignKeys(Session session, TableName.Partial primaryKey, TableName.Partial foreignKey,
      String orderBy) {
    return rows(session, String.format(CatalogSql.FOREIGN_KEYS, orderBy),
        primaryKey.catalog(), primaryKey.catalog(), primaryKey.schema(), primaryKey.schema(),
        primaryKey.name(), primaryKey.name(),
        foreignKey.catalog(), foreignKey.catalog(), foreignKey.schema(), foreignKey.schema(),
        foreignKey.name(), foreignKey.name());
  }

  private List<String> strings(Session session, String sql, Object... parameters) {
    return rows(session, sql, parameters).stream().map(row -> (String) row.get(0)).toList();
  }

  /** A LIKE pattern that matches {@code name} alone (null stays null: any). */
  private static String exactly(String name) {
    return name == null ? null : name.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_");
  }

  /** The table a row of {@link CatalogSql#TABLES} or {@link CatalogSql#COLUMNS} names in its first three columns. */
  private static TableName tableOf(List<Object> row) {
    return new TableName((String) row.get(0), (String) row.get(1), (String) row.get(2));
  }

  private List<List<Object>> rows(Session session, String sql, Object... parameters) {
    try (UnitOfWork work = session.work(UnitOfWork.Mode.AUTO_COMMIT)) {
      return rows(work, sql, parameters);
    }
  }

  private static List<List<Object>> rows(UnitOfWork work, String sql, Object... parameters) {
    try (PreparedStatement statement = work.connection().prepareStatement(sql)) {
      for (int i = 0; i < parameters.length; i++) {
        statement.setObject(i + 1, parameters[i]);
      }
      List<List<Object>> rows = new ArrayList<>();
      try (ResultSet results = statement.executeQuery()) {
        ResultSetMetaData metadata = results.getMetaData();
        while (results.next()) {
          List<Object> row = new ArrayList<>(metadata.getColumnCount());
          for (int i = 1; i <= metadata.getColumnCount(); i++) {
            row.add(results.getObject(i));
          }
          rows.add(row);
        }
      }
      return rows;
    } catch (SQLException e) {
      throw DuckDbErrors.translate(e);
    }
  }
}
