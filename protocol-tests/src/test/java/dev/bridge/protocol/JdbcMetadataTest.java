package dev.bridge.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Flight SQL JDBC driver's DatabaseMetaData, called the way DBeaver, DataGrip and Tableau call it, on a
 * database with several schemas, views, primary and foreign keys and an attached database.
 */
class JdbcMetadataTest {
  @RegisterExtension
  static final TestServer server = TestServer.perClass();

  @BeforeAll
  static void start() throws SQLException {
    try (Connection connection = connect(); Statement statement = connection.createStatement()) {
      statement.execute("CREATE SCHEMA sales");
      statement.execute("CREATE TABLE main.customers(id INTEGER PRIMARY KEY, name VARCHAR NOT NULL)");
      statement.execute("CREATE TABLE main.orders(id BIGINT PRIMARY KEY, customer_id INTEGER REFERENCES"
          + " main.customers(id), amount DECIMAL(10,2), placed TIMESTAMP)");
      statement.execute("CREATE VIEW main.big_orders AS SELECT * FROM main.orders WHERE amount > 100");
      statement.execute("CREATE TABLE sales.regions(country VARCHAR, code INTEGER, PRIMARY KEY (country, code))");
      statement.execute("CREATE TABLE sales.shops(id INTEGER PRIMARY KEY, country VARCHAR, code INTEGER,"
          + " FOREIGN KEY (country, code) REFERENCES sales.regions(country, code))");
      statement.execute("ATTACH ':memory:' AS other");
      statement.execute("CREATE TABLE other.main.elsewhere(x INTEGER)");
    }
  }

  private static Connection connect() throws SQLException {
    return DriverManager.getConnection(server.jdbcUrl());
  }

  @Test
  void describesTheProduct() throws SQLException {
    try (Connection connection = connect()) {
      DatabaseMetaData metadata = connection.getMetaData();
      assertThat(metadata.getDatabaseProductName()).isEqualTo("Bridge");
      assertThat(metadata.getDatabaseProductVersion()).contains("DuckDB v");
      assertThat(metadata.getIdentifierQuoteString()).isEqualTo("\"");
      assertThat(metadata.getSearchStringEscape()).isEqualTo("\\");
      assertThat(metadata.getCatalogTerm()).isEqualTo("database");
      assertThat(metadata.getSchemaTerm()).isEqualTo("schema");
      assertThat(metadata.getSQLKeywords().toLowerCase()).contains("pivot");
      assertThat(metadata.getNumericFunctions().toLowerCase()).contains("abs");
      assertThat(metadata.getStringFunctions().toLowerCase()).contains("lower");
      assertThat(metadata.getTimeDateFunctions().toLowerCase()).contains("date_part");
      assertThat(metadata.getSystemFunctions().toLowerCase()).contains("current_schema");
      assertThat(metadata.isReadOnly()).isFalse();
    }
  }

  @Test
  void answersTheSupportsProbes() throws SQLException {
    try (Connection connection = connect()) {
      DatabaseMetaData metadata = connection.getMetaData();
      assertThat(metadata.supportsANSI92EntryLevelSQL()).isTrue();
      assertThat(metadata.supportsANSI92IntermediateSQL()).isTrue();
      assertThat(metadata.supportsANSI92FullSQL()).isFalse();
      assertThat(metadata.supportsMinimumSQLGrammar()).isTrue();
      assertThat(metadata.supportsCoreSQLGrammar()).isTrue();
      assertThat(metadata.supportsFullOuterJoins()).isTrue();
      assertThat(metadata.supportsOuterJoins()).isTrue();
      assertThat(metadata.supportsColumnAliasing()).isTrue();
      assertThat(metadata.supportsGroupBy()).isTrue();
      assertThat(metadata.supportsGroupByUnrelated()).isTrue();
      assertThat(metadata.supportsLikeEscapeClause()).isTrue();
      assertThat(metadata.supportsUnion()).isTrue();
      assertThat(metadata.supportsUnionAll()).isTrue();
      assertThat(metadata.supportsSubqueriesInExists()).isTrue();
      assertThat(metadata.supportsCorrelatedSubqueries()).isTrue();
      assertThat(metadata.supportsSchemasInIndexDefinitions()).isTrue();
      assertThat(metadata.supportsStoredProcedures()).isFalse();
      assertThat(metadata.supportsSelectForUpdate()).isFalse();
      // The driver's commit() and rollback() send nothing, so the server says so and BI tools stay in auto-commit.
      assertThat(metadata.supportsTransactions()).isFalse();
      assertThat(metadata.supportsTransactionIsolationLevel(Connection.TRANSACTION_NONE)).isTrue();
      assertThat(metadata.supportsTransactionIsolationLevel(Connection.TRANSACTION_SERIALIZABLE)).isFalse();
      assertThat(metadata.supportsBatchUpdates()).isTrue();
      assertThat(metadata.supportsSavepoints()).isFalse();
      assertThat(metadata.supportsConvert(Types.INTEGER, Types.VARCHAR)).isTrue();
      assertThat(metadata.supportsConvert(Types.DATE, Types.INTEGER)).isFalse();
      assertThat(metadata.nullsAreSortedAtEnd()).isTrue();
      assertThat(metadata.storesMixedCaseIdentifiers()).isFalse();
      assertThat(metadata.supportsMixedCaseIdentifiers()).isFalse();
      assertThat(metadata.getMaxColumnNameLength()).isZero();
      assertThat(metadata.getDefaultTransactionIsolation()).isEqualTo(Connection.TRANSACTION_NONE);
    }
  }

  @Test
  void listsEveryAttachedDatabaseAsACatalog() throws SQLException {
    try (Connection connection = connect(); ResultSet rs = connection.getMetaData().getCatalogs()) {
      assertThat(column(rs, "TABLE_CAT")).contains("memory", "other", "temp").doesNotContain("system");
    }
  }

  @Test
  void listsSchemasWithPatterns() throws SQLException {
    try (Connection connection = connect()) {
      DatabaseMetaData metadata = connection.getMetaData();
      try (ResultSet rs = metadata.getSchemas()) {
        assertThat(pairs(rs, "TABLE_CATALOG", "TABLE_SCHEM"))
            .contains("memory.main", "memory.sales", "other.main");
      }
      try (ResultSet rs = metadata.getSchemas("memory", "sa%")) {
        assertThat(pairs(rs, "TABLE_CATALOG", "TABLE_SCHEM")).containsExactly("memory.sales");
      }
      try (ResultSet rs = metadata.getSchemas(null, "m_in")) {
        assertThat(pairs(rs, "TABLE_CATALOG", "TABLE_SCHEM")).contains("memory.main", "other.main");
      }
    }
  }

  @Test
  void listsTablesAndViewsOfEveryCatalog() throws SQLException {
    try (Connection connection = connect()) {
      DatabaseMetaData metadata = connection.getMetaData();
      try (ResultSet rs = metadata.getTables(null, null, "%", null)) {
        List<String> tables = new ArrayList<>();
        while (rs.next()) {
          tables.add(rs.getString("TABLE_CAT") + "." + rs.getString("TABLE_SCHEM") + "." + rs.getString("TABLE_NAME")
              + ":" + rs.getString("TABLE_TYPE"));
        }
        assertThat(tables).contains("memory.main.customers:TABLE", "memory.main.orders:TABLE",
            "memory.main.big_orders:VIEW", "memory.sales.regions:TABLE", "other.main.elsewhere:TABLE");
      }
      try (ResultSet rs = metadata.getTables(null, "main", "%", new String[] {"VIEW"})) {
        assertThat(column(rs, "TABLE_NAME")).containsExactly("big_orders");
      }
      try (ResultSet rs = metadata.getTables("memory", "sales", "shop_", new String[] {"TABLE"})) {
        assertThat(column(rs, "TABLE_NAME")).containsExactly("shops");
      }
      try (ResultSet rs = metadata.getTableTypes()) {
        assertThat(column(rs, "TABLE_TYPE")).containsExactlyInAnyOrder("TABLE", "VIEW", "LOCAL TEMPORARY");
      }
    }
  }

  @Test
  void showsTheSessionsTemporaryTablesToItOnly() throws SQLException {
    try (Connection owner = connect(); Connection other = connect();
         Statement statement = owner.createStatement()) {
      statement.execute("CREATE TEMP TABLE scratch(x INTEGER)");
      try (ResultSet rs = owner.getMetaData().getTables(null, null, "scratch", null)) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString("TABLE_CAT")).isEqualTo("temp");
        assertThat(rs.getString("TABLE_TYPE")).isEqualTo("LOCAL TEMPORARY");
      }
      try (ResultSet rs = other.getMetaData().getTables(null, null, "scratch", null)) {
        assertThat(rs.next()).isFalse();
      }
    }
  }

  @Test
  void describesColumns() throws SQLException {
    try (Connection connection = connect();
         ResultSet rs = connection.getMetaData().getColumns("memory", "main", "orders", "%")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString("COLUMN_NAME")).isEqualTo("id");
      assertThat(rs.getString("TYPE_NAME")).isEqualTo("BIGINT");
      assertThat(rs.getInt("DATA_TYPE")).isEqualTo(Types.BIGINT);
      assertThat(rs.getInt("NULLABLE")).isEqualTo(DatabaseMetaData.columnNoNulls);
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString("COLUMN_NAME")).isEqualTo("customer_id");
      assertThat(rs.getInt("NULLABLE")).isEqualTo(DatabaseMetaData.columnNullable);
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString("COLUMN_NAME")).isEqualTo("amount");
      assertThat(rs.getString("TYPE_NAME")).isEqualTo("DECIMAL(10,2)");
      assertThat(rs.getInt("DATA_TYPE")).isEqualTo(Types.DECIMAL);
      assertThat(rs.getInt("COLUMN_SIZE")).isEqualTo(10);
      assertThat(rs.getInt("DECIMAL_DIGITS")).isEqualTo(2);
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString("TYPE_NAME")).isEqualTo("TIMESTAMP");
      assertThat(rs.next()).isFalse();
    }
  }

  /** The driver takes precision, scale and flags from the Flight SQL column metadata of the result schema. */
  @Test
  void describesQueryResultColumns() throws SQLException {
    try (Connection connection = connect(); Statement statement = connection.createStatement();
         ResultSet rs = statement.executeQuery("SELECT orders.id, amount, name FROM orders JOIN customers"
             + " ON customers.id = orders.customer_id")) {
      ResultSetMetaData metadata = rs.getMetaData();
      assertThat(metadata.getPrecision(1)).isEqualTo(19);
      assertThat(metadata.getPrecision(2)).isEqualTo(10);
      assertThat(metadata.getScale(2)).isEqualTo(2);
      assertThat(metadata.isCaseSensitive(3)).isTrue();
      assertThat(metadata.isCaseSensitive(1)).isFalse();
      assertThat(metadata.isReadOnly(1)).isTrue();
      assertThat(metadata.isSearchable(1)).isTrue();
    }
  }

  @Test
  void listsPrimaryKeys() throws SQLException {
    try (Connection connection = connect()) {
      DatabaseMetaData metadata = connection.getMetaData();
      try (ResultSet rs = metadata.getPrimaryKeys(null, "sales", "regions")) {
        assertThat(pairs(rs, "COLUMN_NAME", "KEY_SEQ")).containsExactly("country.1", "code.2");
      }
      try (ResultSet rs = metadata.getPrimaryKeys("memory", "main", "big_orders")) {
        assertThat(rs.next()).isFalse();
      }
    }
  }

  @Test
  void rejectsPrimaryKeysOfAnUnknownTable() throws SQLException {
    try (Connection connection = connect()) {
      assertThatThrownBy(() -> connection.getMetaData().getPrimaryKeys(null, "main", "no_such_table"))
          .hasMessageContaining("no table or view 'no_such_table' in schema 'main'");
    }
  }

  @Test
  void listsImportedExportedAndCrossReferencedKeys() throws SQLException {
    try (Connection connection = connect()) {
      DatabaseMetaData metadata = connection.getMetaData();
      try (ResultSet rs = metadata.getImportedKeys("memory", "main", "orders")) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString("PKTABLE_NAME")).isEqualTo("customers");
        assertThat(rs.getString("PKCOLUMN_NAME")).isEqualTo("id");
        assertThat(rs.getString("FKTABLE_NAME")).isEqualTo("orders");
        assertThat(rs.getString("FKCOLUMN_NAME")).isEqualTo("customer_id");
        assertThat(rs.getInt("KEY_SEQ")).isEqualTo(1);
        assertThat(rs.getString("PK_NAME")).isEqualTo("customers_id_pkey");
        assertThat(rs.getInt("DELETE_RULE")).isEqualTo(DatabaseMetaData.importedKeyNoAction);
        assertThat(rs.next()).isFalse();
      }
      try (ResultSet rs = metadata.getExportedKeys(null, "sales", "regions")) {
        assertThat(pairs(rs, "FKCOLUMN_NAME", "KEY_SEQ")).containsExactly("country.1", "code.2");
      }
      try (ResultSet rs = metadata.getCrossReference(null, "sales", "regions", null, "sales", "shops")) {
        assertThat(pairs(rs, "PKCOLUMN_NAME", "FKCOLUMN_NAME")).containsExactly("country.country", "code.code");
      }
      try (ResultSet rs = metadata.getCrossReference(null, "main", "customers", null, "sales", "shops")) {
        assertThat(rs.next()).isFalse();
      }
    }
  }

  @Test
  void usesTheCatalogOfTheUrl() throws SQLException {
    Connection connection = DriverManager.getConnection(server.jdbcUrl() + "&catalog=other");
    try (Statement statement = connection.createStatement();
         ResultSet rs = statement.executeQuery("SELECT current_database(), count(*) FROM elsewhere")) {
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).isEqualTo("other");
    } finally {
      CatalogConnections.close(connection);
    }
  }

  /** The server answers an unknown catalog with a per-option INVALID_VALUE error, and the driver refuses to connect. */
  @Test
  void refusesTheConnectionWhenTheUrlNamesAnUnknownCatalog() {
    assertThatThrownBy(() -> DriverManager.getConnection(server.jdbcUrl() + "&catalog=nowhere"))
        .isInstanceOf(SQLException.class)
        .hasMessageContaining("Cannot set session option for catalog");
  }

  private static List<String> column(ResultSet rs, String name) throws SQLException {
    List<String> values = new ArrayList<>();
    while (rs.next()) {
      values.add(rs.getString(name));
    }
    return values;
  }

  private static List<String> pairs(ResultSet rs, String first, String second) throws SQLException {
    List<String> values = new ArrayList<>();
    while (rs.next()) {
      values.add(rs.getString(first) + "." + rs.getString(second));
    }
    return values;
  }
}
