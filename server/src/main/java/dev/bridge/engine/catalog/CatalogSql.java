package dev.bridge.engine.catalog;

import java.util.List;

/**
 * Every SQL statement the catalog reads runs, in one place. Each reads DuckDB's catalog functions on the session's
 * own connection (so the session's temporary tables and attached databases are visible) and takes the client's
 * filters only as bound parameters. A nullable filter is bound twice: {@code (CAST(? AS VARCHAR) IS NULL OR ...)}.
 * Patterns use the Flight SQL / JDBC syntax ({@code %}, {@code _}, escaped with a backslash), which is SQL LIKE's.
 *
 * <p>Result columns are in the order (and carry the names) of the Flight SQL result schemas, which are also JDBC's.
 */
final class CatalogSql {
  private CatalogSql() {}

  /** The internal {@code system} catalog holds DuckDB's built-ins, not user data; {@code temp} holds temp tables. */
  static final String CATALOGS = """
      SELECT database_name AS catalog_name
      FROM duckdb_databases()
      WHERE database_name <> 'system'
      ORDER BY catalog_name""";

  static final String SCHEMAS = """
      SELECT database_name AS catalog_name, schema_name AS db_schema_name
      FROM duckdb_schemas()
      WHERE database_name <> 'system'
        AND (CAST(? AS VARCHAR) IS NULL OR database_name = ?)
        AND (CAST(? AS VARCHAR) IS NULL OR schema_name LIKE ? ESCAPE '\\')
      ORDER BY catalog_name, db_schema_name""";

  private static final String ALL_TABLES = """
      SELECT database_name AS catalog_name, schema_name AS db_schema_name, table_name,
             CASE WHEN temporary THEN 'LOCAL TEMPORARY' ELSE 'TABLE' END AS table_type
      FROM duckdb_tables()
      WHERE NOT internal
      UNION ALL
      SELECT database_name, schema_name, view_name, 'VIEW'
      FROM duckdb_views()
      WHERE NOT internal""";

  static final String TABLES = "SELECT catalog_name, db_schema_name, table_name, table_type FROM (" + ALL_TABLES + """
      )
      WHERE (CAST(? AS VARCHAR) IS NULL OR catalog_name = ?)
        AND (CAST(? AS VARCHAR) IS NULL OR db_schema_name LIKE ? ESCAPE '\\')
        AND (CAST(? AS VARCHAR) IS NULL OR table_name LIKE ? ESCAPE '\\')
      ORDER BY catalog_name, db_schema_name, table_name, table_type""";

  /** The table types {@link #TABLES} can report. */
  static final List<String> TABLE_TYPES = List.of("LOCAL TEMPORARY", "TABLE", "VIEW");

  /** The columns of every table and view {@link #TABLES} lists for the same filters, in column order. */
  static final String COLUMNS = """
      SELECT database_name, schema_name, table_name, column_name, data_type, is_nullable, numeric_precision,
             numeric_scale, coalesce(column_default LIKE 'nextval(%', false) AS is_auto_increment
      FROM duckdb_columns()
      WHERE database_name <> 'system'
        AND (CAST(? AS VARCHAR) IS NULL OR database_name = ?)
        AND (CAST(? AS VARCHAR) IS NULL OR schema_name LIKE ? ESCAPE '\\')
        AND (CAST(? AS VARCHAR) IS NULL OR table_name LIKE ? ESCAPE '\\')
      ORDER BY database_name, schema_name, table_name, column_index""";

  /** Exact names; a null catalog or schema matches any. */
  static final String PRIMARY_KEYS = """
      SELECT database_name AS catalog_name, schema_name AS db_schema_name, table_name,
             constraint_column_names[i] AS column_name, CAST(i AS INTEGER) AS key_sequence,
             constraint_name AS key_name
      FROM (SELECT *, unnest(range(1, len(constraint_column_names) + 1)) AS i
            FROM duckdb_constraints()
            WHERE constraint_type = 'PRIMARY KEY')
      WHERE (CAST(? AS VARCHAR) IS NULL OR database_name = ?)
        AND (CAST(? AS VARCHAR) IS NULL OR schema_name = ?)
        AND table_name = ?
      ORDER BY catalog_name, db_schema_name, table_name, key_sequence""";

  /**
   * Foreign key columns with the key they reference. DuckDB only lets a foreign key reference a table of its own
   * schema, and supports neither cascading nor SET NULL / SET DEFAULT: both rules are NO ACTION (3). The filters
   * select the primary key side, then the foreign key side (exact names; null matches any).
   */
  static final String FOREIGN_KEYS = """
      SELECT fk.database_name AS pk_catalog_name, fk.schema_name AS pk_db_schema_name,
             fk.referenced_table AS pk_table_name, fk.referenced_column_names[fk.i] AS pk_column_name,
             fk.database_name AS fk_catalog_name, fk.schema_name AS fk_db_schema_name,
             fk.table_name AS fk_table_name, fk.constraint_column_names[fk.i] AS fk_column_name,
             CAST(fk.i AS INTEGER) AS key_sequence, fk.constraint_name AS fk_key_name,
             pk.constraint_name AS pk_key_name, CAST(3 AS UTINYINT) AS update_rule, CAST(3 AS UTINYINT) AS delete_rule
      FROM (SELECT *, unnest(range(1, len(constraint_column_names) + 1)) AS i
            FROM duckdb_constraints()
            WHERE constraint_type = 'FOREIGN KEY') fk
      LEFT JOIN duckdb_constraints() pk
        ON pk.constraint_type IN ('PRIMARY KEY', 'UNIQUE')
       AND pk.database_name = fk.database_name AND pk.schema_name = fk.schema_name
       AND pk.table_name = fk.referenced_table AND pk.constraint_column_names = fk.referenced_column_names
      WHERE (CAST(? AS VARCHAR) IS NULL OR fk.database_name = ?)
        AND (CAST(? AS VARCHAR) IS NULL OR fk.schema_name = ?)
        AND (CAST(? AS VARCHAR) IS NULL OR fk.referenced_table = ?)
        AND (CAST(? AS VARCHAR) IS NULL OR fk.database_name = ?)
        AND (CAST(? AS VARCHAR) IS NULL OR fk.schema_name = ?)
        AND (CAST(? AS VARCHAR) IS NULL OR fk.table_name = ?)
      ORDER BY %s""";

  /** Every type a column can have: DuckDB's logical types, without the pseudo types NULL, TYPE and ANY. */
  static final String COLUMN_TYPES = """
      SELECT DISTINCT logical_type
      FROM duckdb_types()
      WHERE logical_type NOT IN ('NULL', 'TYPE', 'ANY', 'INVALID', 'UNKNOWN')
      ORDER BY logical_type""";

  static final String KEYWORDS = "SELECT keyword_name FROM duckdb_keywords() ORDER BY keyword_name";

  /**
   * Built-in scalar functions by kind. DuckDB tags only some functions with a category, so a function also counts
   * as numeric when it takes and returns numbers only, as a string function when it takes a string first and
   * returns one, and as a date/time function when it takes or returns a date, time, timestamp or interval.
   */
  private static final String FUNCTIONS_WHERE = """
      SELECT DISTINCT function_name
      FROM duckdb_functions()
      WHERE function_type = 'scalar' AND internal
        AND function_name SIMILAR TO '[a-z][a-z0-9_]*'
        AND (%s)
      ORDER BY function_name""";

  private static final String NUMBER_TYPES = "['TINYINT', 'SMALLINT', 'INTEGER', 'BIGINT', 'HUGEINT', 'UTINYINT',"
      + " 'USMALLINT', 'UINTEGER', 'UBIGINT', 'UHUGEINT', 'FLOAT', 'DOUBLE', 'DECIMAL']";

  private static final String TEMPORAL_TYPES = "['DATE', 'TIME', 'TIMESTAMP', 'TIMESTAMP WITH TIME ZONE',"
      + " 'INTERVAL']";

  static final String NUMERIC_FUNCTIONS = String.format(FUNCTIONS_WHERE, "list_contains(categories, 'numeric')"
      + " OR (len(parameter_types) > 0 AND list_contains(" + NUMBER_TYPES + ", return_type)"
      + " AND list_has_all(" + NUMBER_TYPES + ", parameter_types))");

  static final String STRING_FUNCTIONS = String.format(FUNCTIONS_WHERE, "list_contains(categories, 'string')"
      + " OR (parameter_types[1] = 'VARCHAR' AND return_type = 'VARCHAR')");

  static final String DATETIME_FUNCTIONS = String.format(FUNCTIONS_WHERE, "list_contains(categories, 'date')"
      + " OR list_contains(categories, 'timestamp') OR list_contains(" + TEMPORAL_TYPES + ", return_type)"
      + " OR list_has_any(" + TEMPORAL_TYPES + ", parameter_types)");

  /** Functions that describe the system: the session's catalog, schema, user and DuckDB itself. */
  static final String SYSTEM_FUNCTIONS = """
      SELECT DISTINCT function_name
      FROM duckdb_functions()
      WHERE function_type = 'scalar' AND internal
        AND (function_name LIKE 'current\\_%' ESCAPE '\\' OR function_name IN ('version', 'typeof', 'user'))
      ORDER BY function_name""";

  static final String DUCKDB_VERSION = "SELECT version()";
}
