package dev.bridge.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DatabaseMetaData;
import java.sql.Driver;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.sql.Types;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The JDBC suite's core flows with every Flight SQL JDBC driver version a BI user may have installed. Each version's
 * shaded jar (copied to target/jdbc-drivers by the build) runs in a class loader of its own, talking to one server.
 */
class JdbcDriverVersionsTest {
  @RegisterExtension
  static final TestServer server = TestServer.perClass();

  private static final Map<String, URLClassLoader> LOADERS = new ConcurrentHashMap<>();

  @BeforeAll
  static void createTables() throws SQLException {
    try (Connection connection = connect("18.3.0"); Statement statement = connection.createStatement()) {
      statement.execute("CREATE TABLE drivers_parent(id INTEGER PRIMARY KEY, name VARCHAR)");
      statement.execute("CREATE TABLE drivers_child(id INTEGER PRIMARY KEY, parent INTEGER REFERENCES drivers_parent(id),"
          + " amount DECIMAL(12,2), day DATE)");
      statement.execute("INSERT INTO drivers_parent VALUES (1, 'one'), (2, 'two'), (3, 'three')");
    }
  }

  @AfterAll
  static void closeLoaders() throws IOException {
    for (URLClassLoader loader : LOADERS.values()) {
      loader.close();
    }
  }

  @ParameterizedTest(name = "driver {0}")
  @ValueSource(strings = {"15.0.2", "16.1.0", "17.0.0", "18.3.0"})
  void connectsAndQueries(String version) throws SQLException {
    try (Connection connection = connect(version); Statement statement = connection.createStatement();
         ResultSet rs = statement.executeQuery("SELECT range AS i, 'row ' || range AS label FROM range(3)")) {
      assertThat(rs.getMetaData().getColumnName(2)).isEqualTo("label");
      List<String> labels = new ArrayList<>();
      while (rs.next()) {
        labels.add(rs.getLong("i") + ":" + rs.getString("label"));
      }
      assertThat(labels).containsExactly("0:row 0", "1:row 1", "2:row 2");
    }
  }

  @ParameterizedTest(name = "driver {0}")
  @ValueSource(strings = {"15.0.2", "16.1.0", "17.0.0", "18.3.0"})
  void readsTheServersSqlInfoThroughDatabaseMetaData(String version) throws SQLException {
    try (Connection connection = connect(version)) {
      DatabaseMetaData metadata = connection.getMetaData();
      assertThat(metadata.getDatabaseProductName()).isEqualTo("Bridge");
      assertThat(metadata.getDatabaseProductVersion()).contains("DuckDB");
      // Every version's commit() and rollback() are empty methods (issue 20): no JDBC transactions announced.
      assertThat(metadata.supportsTransactions()).isFalse();
      assertThat(metadata.getDefaultTransactionIsolation()).isEqualTo(Connection.TRANSACTION_NONE);
      assertThat(metadata.getIdentifierQuoteString()).isEqualTo("\"");
      assertThat(metadata.getSQLKeywords()).containsIgnoringCase("SELECT");
      assertThat(metadata.getNumericFunctions()).containsIgnoringCase("abs");
      assertThat(metadata.supportsFullOuterJoins()).isTrue();
      assertThat(metadata.getCatalogTerm()).isEqualTo("database");
    }
  }

  @ParameterizedTest(name = "driver {0}")
  @ValueSource(strings = {"15.0.2", "16.1.0", "17.0.0", "18.3.0"})
  void browsesCatalogsSchemasTablesColumnsAndKeys(String version) throws SQLException {
    try (Connection connection = connect(version)) {
      DatabaseMetaData metadata = connection.getMetaData();
      assertThat(column(metadata.getCatalogs(), "TABLE_CAT")).contains("memory");
      assertThat(column(metadata.getSchemas("memory", null), "TABLE_SCHEM")).contains("main");
      assertThat(column(metadata.getTables("memory", "main", "drivers_%", null), "TABLE_NAME"))
          .containsExactlyInAnyOrder("drivers_parent", "drivers_child");
      assertThat(column(metadata.getColumns("memory", "main", "drivers_child", null), "COLUMN_NAME"))
          .containsExactly("id", "parent", "amount", "day");
      assertThat(column(metadata.getPrimaryKeys("memory", "main", "drivers_parent"), "COLUMN_NAME"))
          .containsExactly("id");
      assertThat(column(metadata.getImportedKeys("memory", "main", "drivers_child"), "PKTABLE_NAME"))
          .containsExactly("drivers_parent");
      assertThat(column(metadata.getExportedKeys("memory", "main", "drivers_parent"), "FKTABLE_NAME"))
          .containsExactly("drivers_child");
      // No driver version forwards getTypeInfo() to the server: each answers an empty list of its own.
      assertThat(column(metadata.getTypeInfo(), "TYPE_NAME")).isEmpty();
    }
  }

  @ParameterizedTest(name = "driver {0}")
  @ValueSource(strings = {"15.0.2", "16.1.0", "17.0.0", "18.3.0"})
  void runsDdlAndDmlExactlyOnce(String version) throws SQLException {
    String table = "dml_" + version.replace('.', '_');
    try (Connection connection = connect(version); Statement statement = connection.createStatement()) {
      assertThat(statement.execute("CREATE TABLE " + table + "(i INTEGER)")).isFalse();
      assertThat(statement.executeUpdate("INSERT INTO " + table + " VALUES (1), (2), (3)")).isEqualTo(3);
      assertThat(statement.executeUpdate("UPDATE " + table + " SET i = i * 10 WHERE i > 1")).isEqualTo(2);
      try (ResultSet rs = statement.executeQuery("SELECT count(*), sum(i) FROM " + table)) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getLong(1)).isEqualTo(3);
        assertThat(rs.getLong(2)).isEqualTo(51);
      }
      assertThat(statement.executeUpdate("DROP TABLE " + table)).isZero();
    }
  }

  @ParameterizedTest(name = "driver {0}")
  @ValueSource(strings = {"15.0.2", "16.1.0", "17.0.0", "18.3.0"})
  void bindsParametersInTypedPositions(String version) throws SQLException {
    try (Connection connection = connect(version)) {
      int id = 100 + Integer.parseInt(version.substring(0, 2));
      try (PreparedStatement insert = connection.prepareStatement("INSERT INTO drivers_child VALUES (?, ?, ?, ?)")) {
        insert.setInt(1, id);
        insert.setLong(2, 2L);
        insert.setBigDecimal(3, new BigDecimal("12.34"));
        insert.setDate(4, java.sql.Date.valueOf(LocalDate.of(2024, 2, 29)));
        assertThat(insert.executeUpdate()).isEqualTo(1);
      }
      try (PreparedStatement query = connection.prepareStatement(
          "SELECT p.name, c.amount, c.day FROM drivers_child c JOIN drivers_parent p ON p.id = c.parent"
              + " WHERE c.id = ? AND c.amount > ?")) {
        query.setInt(1, id);
        // The drivers' binders take a BigDecimal only with exactly the declared scale (DECIMAL(12,2) here).
        query.setBigDecimal(2, new BigDecimal("1.50"));
        try (ResultSet rs = query.executeQuery()) {
          assertThat(rs.next()).isTrue();
          assertThat(rs.getString(1)).isEqualTo("two");
          assertThat(rs.getBigDecimal(2)).isEqualByComparingTo("12.34");
          assertThat(rs.getDate(3).toLocalDate()).isEqualTo(LocalDate.of(2024, 2, 29));
          assertThat(rs.next()).isFalse();
        }
      }
      try (PreparedStatement query = connection.prepareStatement(
          "SELECT count(*) FROM range(TIMESTAMP '2024-01-01', TIMESTAMP '2024-01-02', INTERVAL 1 HOUR) t(ts)"
              + " WHERE ts >= ?")) {
        query.setTimestamp(1, java.sql.Timestamp.valueOf(LocalDateTime.of(2024, 1, 1, 20, 0)));
        try (ResultSet rs = query.executeQuery()) {
          assertThat(rs.next()).isTrue();
          assertThat(rs.getLong(1)).isEqualTo(4);
        }
      }
    }
  }

  @ParameterizedTest(name = "driver {0}")
  @ValueSource(strings = {"15.0.2", "16.1.0", "17.0.0", "18.3.0"})
  void bindsValuesWhereDuckDbLeavesTheTypeOpen(String version) throws SQLException {
    try (Connection connection = connect(version)) {
      List<String> failures = new ArrayList<>();
      // A numeric position takes every JDBC number: declared DOUBLE, no 2.5 is cut to 2.
      expect(connection, "SELECT ? + 1", p -> p.setInt(1, 1), "2.0", failures);
      expect(connection, "SELECT ? + 1", p -> p.setLong(1, 1L << 40), String.valueOf((double) ((1L << 40) + 1)),
          failures);
      expect(connection, "SELECT ? + 1", p -> p.setDouble(1, 2.5), "3.5", failures);
      expect(connection, "SELECT ? + 1", p -> p.setBigDecimal(1, new BigDecimal("1.25")), "2.25", failures);
      expect(connection, "SELECT name FROM drivers_parent WHERE id > ? + 1", p -> p.setInt(1, 1), "three",
          failures);
      // A position only a timestamp fits.
      expect(connection, "SELECT ? + INTERVAL 1 DAY", p -> p.setTimestamp(1,
          java.sql.Timestamp.valueOf(LocalDateTime.of(2024, 2, 28, 12, 30))), "2024-02-29 12:30:00.0", failures);
      // Anything else: text, which DuckDB casts to what the statement needs.
      expect(connection, "SELECT ?", p -> p.setString(1, "text"), "text", failures);
      expect(connection, "SELECT ? || '!'", p -> p.setString(1, "hi"), "hi!", failures);
      expect(connection, "SELECT ?", p -> p.setNull(1, Types.INTEGER), "null", failures);
      expect(connection, "SELECT ? + 1", p -> p.setNull(1, Types.INTEGER), "null", failures);
      assertThat(failures).isEmpty();
    }
  }

  @ParameterizedTest(name = "driver {0}")
  @ValueSource(strings = {"15.0.2", "16.1.0", "17.0.0", "18.3.0"})
  void refusesOnTheClientANonTextValueForAPositionThatTakesAnything(String version) throws SQLException {
    // Every driver's binder writes a value only into the declared type's family and refuses unions outright:
    // no declaration takes both setInt and setString for SELECT ?, and text is the one DuckDB can cast anywhere.
    try (Connection connection = connect(version); PreparedStatement statement = connection.prepareStatement(
        "SELECT ?")) {
      statement.setInt(1, 1);
      assertThatThrownBy(statement::executeQuery).isInstanceOf(SQLException.class)
          .hasMessageContaining("Binding value of type INTEGER is not yet supported for expected Arrow type Utf8");
    }
  }

  @ParameterizedTest(name = "driver {0}")
  @ValueSource(strings = {"15.0.2", "16.1.0", "17.0.0", "18.3.0"})
  void reportsServerErrorsAsSqlExceptions(String version) throws SQLException {
    try (Connection connection = connect(version); Statement statement = connection.createStatement()) {
      assertThatThrownBy(() -> statement.executeQuery("SELECT * FROM no_such_table"))
          .isInstanceOf(SQLException.class).hasMessageContaining("no_such_table");
      assertThatThrownBy(() -> statement.executeQuery("SELEC 1"))
          .isInstanceOf(SQLException.class).hasMessageContaining("syntax error");
      // The connection is still usable after the errors.
      try (ResultSet rs = statement.executeQuery("SELECT 1")) {
        assertThat(rs.next()).isTrue();
      }
    }
  }

  private interface Binding {
    void bind(PreparedStatement statement) throws SQLException;
  }

  /** Runs {@code sql} with one bound value and notes what went wrong when it does not return {@code expected}. */
  private static void expect(Connection connection, String sql, Binding binding, String expected,
      List<String> failures) {
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      binding.bind(statement);
      try (ResultSet rs = statement.executeQuery()) {
        rs.next();
        Object value = rs.getObject(1);
        String text = value instanceof byte[] bytes ? java.util.Arrays.toString(bytes) : String.valueOf(value);
        if (!text.equals(expected)) {
          failures.add(sql + " returned " + text + " instead of " + expected);
        }
      }
    } catch (Exception e) {
      failures.add(sql + " failed: " + e);
    }
  }

  private static List<String> column(ResultSet rs, String name) throws SQLException {
    try (rs) {
      List<String> values = new ArrayList<>();
      while (rs.next()) {
        values.add(rs.getString(name));
      }
      return values;
    }
  }

  private static Connection connect(String version) throws SQLException {
    return driver(version).connect(server.jdbcUrl(), new Properties());
  }

  private static Driver driver(String version) {
    URLClassLoader loader = LOADERS.computeIfAbsent(version, JdbcDriverVersionsTest::loader);
    try {
      return (Driver) loader.loadClass("org.apache.arrow.driver.jdbc.ArrowFlightJdbcDriver")
          .getDeclaredConstructor().newInstance();
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot load the JDBC driver " + version, e);
    }
  }

  private static URLClassLoader loader(String version) {
    Path jar = Path.of(System.getProperty("basedir", "."), "target", "jdbc-drivers",
        "flight-sql-jdbc-driver-" + version + ".jar");
    if (!Files.isRegularFile(jar)) {
      throw new IllegalStateException(jar + " is missing: the build copies it (maven-dependency-plugin)");
    }
    try {
      // The platform loader as parent: nothing of the test's own classpath (its Arrow, its 18.3.0 driver) leaks in.
      return new URLClassLoader(new URL[] {jar.toUri().toURL()}, ClassLoader.getPlatformClassLoader());
    } catch (MalformedURLException e) {
      throw new UncheckedIOException(e);
    }
  }
}
