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
import java.sql.Timestamp;
import java.sql.Types;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
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

  /** The ten setters a BI tool uses, each with the value the matrix binds. */
  private static final Map<String, Binding> SETTERS = setters();

  private static Map<String, Binding> setters() {
    Map<String, Binding> setters = new LinkedHashMap<>();
    setters.put("setInt", p -> p.setInt(1, 7));
    setters.put("setLong", p -> p.setLong(1, 1L << 40));
    setters.put("setDouble", p -> p.setDouble(1, 2.5));
    setters.put("setBigDecimal", p -> p.setBigDecimal(1, new BigDecimal("1.25")));
    setters.put("setString", p -> p.setString(1, "s"));
    setters.put("setBoolean", p -> p.setBoolean(1, true));
    setters.put("setDate", p -> p.setDate(1, java.sql.Date.valueOf(LocalDate.of(2024, 2, 29))));
    setters.put("setTimestamp", p -> p.setTimestamp(1,
        java.sql.Timestamp.valueOf(LocalDateTime.of(2024, 2, 29, 12, 30))));
    setters.put("setBytes", p -> p.setBytes(1, new byte[] {1, 2}));
    setters.put("setNull", p -> p.setNull(1, Types.INTEGER));
    return setters;
  }

  /** What the driver's binder says when a value is not of the declared Arrow type's family. */
  private static String refused(String avaticaType, String arrowType) {
    return "refused: Binding value of type " + avaticaType + " is not yet supported for expected Arrow type "
        + arrowType;
  }

  @ParameterizedTest(name = "driver {0}")
  @ValueSource(strings = {"15.0.2", "16.1.0", "17.0.0", "18.3.0"})
  void bindsEverySetterWhereDuckDbKnowsTheParametersType(String version) throws SQLException {
    Map<String, String> expected = new LinkedHashMap<>();
    // Each setter into a position of its own type: the declaration is exact and the value arrives as bound.
    expected.put("SELECT CAST(? AS INTEGER) + 1 | setInt", "8");
    expected.put("SELECT CAST(? AS BIGINT) + 1 | setLong", String.valueOf((1L << 40) + 1));
    expected.put("SELECT CAST(? AS DOUBLE) * 2 | setDouble", "5.0");
    expected.put("SELECT CAST(? AS DECIMAL(12,2)) * 2 | setBigDecimal", "2.50");
    expected.put("SELECT CAST(? AS VARCHAR) || '!' | setString", "s!");
    expected.put("SELECT NOT CAST(? AS BOOLEAN) | setBoolean", "false");
    expected.put("SELECT CAST(? AS DATE) + 1 | setDate", "2024-03-01");
    expected.put("SELECT CAST(? AS TIMESTAMP) + INTERVAL 1 DAY | setTimestamp", "2024-03-01 12:30:00.0");
    expected.put("SELECT octet_length(CAST(? AS BLOB)) | setBytes", "2");
    expected.put("SELECT CAST(? AS INTEGER) + 1 | setNull", "null");
    expected.put("SELECT CAST(? AS TIMESTAMP) + INTERVAL 1 DAY | setNull", "null");
    expected.put("SELECT octet_length(CAST(? AS BLOB)) | setNull", "null");
    // Any Number goes into an integer or floating-point declaration (the driver converts it, truncating into
    // an integer type); nothing else does.
    expected.put("SELECT CAST(? AS DOUBLE) * 2 | setInt", "14.0");
    expected.put("SELECT CAST(? AS DOUBLE) * 2 | setBigDecimal", "2.5");
    expected.put("SELECT CAST(? AS INTEGER) + 1 | setString", refused("STRING", "Int(32, true)"));
    expected.put("SELECT CAST(? AS DECIMAL(12,2)) * 2 | setInt", refused("INTEGER", "Decimal(12, 2, 128)"));
    expected.put("SELECT CAST(? AS DATE) + 1 | setString", refused("STRING", "Date(DAY)"));
    expected.put("SELECT CAST(? AS DATE) + 1 | setTimestamp", refused("JAVA_SQL_TIMESTAMP", "Date(DAY)"));
    expected.put("SELECT CAST(? AS TIMESTAMP) + INTERVAL 1 DAY | setDate",
        refused("JAVA_SQL_DATE", "Timestamp(MILLISECOND, null)"));
    assertOutcomes(version, expected);
  }

  @ParameterizedTest(name = "driver {0}")
  @ValueSource(strings = {"15.0.2", "16.1.0", "17.0.0", "18.3.0"})
  void bindsTheFamilyItsDeclarationTakesWhereDuckDbLeavesTheTypeOpen(String version) throws SQLException {
    Map<String, String> expected = new LinkedHashMap<>();
    // A position that takes anything is declared text: every driver refuses any other value before it reaches the
    // server (AvaticaParameterBinder; no declaration takes two families, see docs/clients.md).
    for (String setter : SETTERS.keySet()) {
      expected.put("SELECT ? AS x | " + setter, switch (setter) {
        case "setString" -> "s";
        case "setNull" -> "null";
        case "setInt" -> refused("INTEGER", "Utf8");
        case "setLong" -> refused("LONG", "Utf8");
        case "setDouble" -> refused("DOUBLE", "Utf8");
        case "setBigDecimal" -> refused("NUMBER", "Utf8");
        case "setBoolean" -> refused("BOOLEAN", "Utf8");
        case "setDate" -> refused("JAVA_SQL_DATE", "Utf8");
        case "setTimestamp" -> refused("JAVA_SQL_TIMESTAMP", "Utf8");
        default -> refused("BYTE_STRING", "Utf8");
      });
    }
    // A numeric position is declared DOUBLE: every JDBC number, any BigDecimal scale, no 2.5 cut to 2. The driver
    // also writes a Date as its epoch day and a Timestamp as its epoch millisecond into it (Avatica's serial form).
    for (String setter : SETTERS.keySet()) {
      expected.put("SELECT ? + 1 | " + setter, switch (setter) {
        case "setInt" -> "8.0";
        case "setLong" -> String.valueOf((double) ((1L << 40) + 1));
        case "setDouble" -> "3.5";
        case "setBigDecimal" -> "2.25";
        case "setNull" -> "null";
        case "setDate" -> "19783.0";
        case "setTimestamp" -> String.valueOf(1_709_209_800_000d + 1);
        case "setString" -> refused("STRING", "FloatingPoint(DOUBLE)");
        case "setBoolean" -> refused("BOOLEAN", "FloatingPoint(DOUBLE)");
        default -> refused("BYTE_STRING", "FloatingPoint(DOUBLE)");
      });
    }
    expected.put("SELECT count(*) FROM drivers_parent WHERE id > ? - 6 | setInt", "2");
    expected.put("SELECT count(*) FROM drivers_parent WHERE id > ? - 6 | setDouble", "3");
    expected.put("SELECT count(*) FROM drivers_parent WHERE id > ? - 6 | setBigDecimal", "3");
    // Positions only one type fits.
    expected.put("SELECT ? + INTERVAL 1 DAY | setTimestamp", "2024-03-01 12:30:00.0");
    expected.put("SELECT ? + INTERVAL 1 DAY | setString", refused("STRING", "Timestamp(MILLISECOND, null)"));
    expected.put("SELECT ? || '!' | setString", "s!");
    expected.put("SELECT ? || '!' | setNull", "null");
    expected.put("SELECT octet_length(?) | setBytes", "2");
    // setNull sends a NULL in the declared vector, so it has the declared type: the server casts the open
    // parameter to it, and DuckDB chooses the overloaded function of that type (docs/clients.md).
    expected.put("SELECT ? + INTERVAL 1 DAY | setNull", "null");
    expected.put("SELECT octet_length(?) | setNull", "null");
    // Where anything fits, the declaration is text, and so is the NULL; where a number fits, it is a DOUBLE.
    expected.put("SELECT typeof(?) | setNull", "VARCHAR");
    expected.put("SELECT typeof(?) | setString", "VARCHAR");
    expected.put("SELECT typeof(? + 1) | setNull", "DOUBLE");
    expected.put("SELECT NOT ? | setBoolean", "false");
    expected.put("SELECT NOT ? | setNull", "null");
    assertOutcomes(version, expected);
  }

  @ParameterizedTest(name = "driver {0}")
  @ValueSource(strings = {"15.0.2", "16.1.0", "17.0.0", "18.3.0"})
  void takesABigDecimalOnlyWithTheDeclaredScaleAndLeaksItsBufferWhenRefusing(String version) throws SQLException {
    Connection connection = connect(version);
    try (PreparedStatement statement = connection.prepareStatement("SELECT CAST(? AS DECIMAL(12,2)) * 2")) {
      // The driver's DecimalVector.setSafe checks the scale (DecimalUtility.checkPrecisionAndScale) ...
      statement.setBigDecimal(1, new BigDecimal("1.5"));
      assertThatThrownBy(statement::executeQuery).isInstanceOf(SQLException.class)
          .hasMessageContaining("BigDecimal scale must equal that in the Arrow vector: 1 != 2");
      // ... so the value is rescaled by the caller, exactly.
      statement.setBigDecimal(1, new BigDecimal("1.5").setScale(2));
      try (ResultSet rs = statement.executeQuery()) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getBigDecimal(1)).isEqualTo(new BigDecimal("3.00"));
      }
    }
    // The refused bind had allocated the parameter batch, which the driver never frees (ArrowFlightMetaImpl.execute
    // does not close its AvaticaParameterBinder's root): its allocator reports the leak when the connection closes.
    assertThatThrownBy(connection::close).isInstanceOf(SQLException.class)
        .hasMessageContaining("Memory was leaked by query");
  }

  /** Runs each {@code "sql | setter"} of {@code expected} and asserts what it returned or how it was refused. */
  private static void assertOutcomes(String version, Map<String, String> expected) throws SQLException {
    Map<String, String> actual = new LinkedHashMap<>();
    try (Connection connection = connect(version)) {
      for (String key : expected.keySet()) {
        String[] parts = key.split(" \\| ");
        actual.put(key, outcome(connection, parts[0], SETTERS.get(parts[1])));
      }
    }
    assertThat(actual).containsExactlyEntriesOf(expected);
  }

  /** The first value {@code sql} returns with one bound value, or "refused: " and why it did not run. */
  private static String outcome(Connection connection, String sql, Binding binding) {
    try (PreparedStatement statement = connection.prepareStatement(sql)) {
      binding.bind(statement);
      try (ResultSet rs = statement.executeQuery()) {
        if (!rs.next()) {
          return "no rows";
        }
        Object value = rs.getObject(1);
        return value instanceof byte[] bytes ? java.util.Arrays.toString(bytes) : String.valueOf(value);
      }
    } catch (SQLException | RuntimeException e) {
      // The driver's own refusals come as SQLExceptions; some versions let the server's errors through as they
      // arrived (FlightRuntimeException). Either way the innermost cause says why, in its first line.
      Throwable cause = e;
      while (cause.getCause() != null) {
        cause = cause.getCause();
      }
      return "refused: " + cause.getMessage().lines().findFirst().orElse("").strip();
    }
  }

  @ParameterizedTest(name = "driver {0}")
  @ValueSource(strings = {"15.0.2", "16.1.0", "17.0.0", "18.3.0"})
  void runsSetNullInOpenPositionsOfInsertUpdateAndDeleteAlsoInBatches(String version) throws SQLException {
    // `? + INTERVAL 1 DAY` is declared TIMESTAMP and `octet_length(?)` BLOB: setNull sends a NULL of that type,
    // which the server hands DuckDB typed (through DuckDB's PREPARE and EXECUTE, as DuckDB serializes only SELECTs).
    String table = "typed_nulls_" + version.replace('.', '_');
    Timestamp leap = Timestamp.valueOf("2024-02-29 12:30:00");
    try (Connection connection = connect(version); Statement statement = connection.createStatement()) {
      statement.execute("CREATE TABLE " + table + "(id INTEGER, seen TIMESTAMP, n BIGINT)");
      try (PreparedStatement insert = connection.prepareStatement(
          "INSERT INTO " + table + " VALUES (?, ? + INTERVAL 1 DAY, NULL)")) {
        insert.setInt(1, 1);
        insert.setNull(2, Types.TIMESTAMP);
        assertThat(insert.executeUpdate()).isEqualTo(1);
        for (int id = 2; id <= 4; id++) {
          insert.setInt(1, id);
          if (id == 3) {
            insert.setNull(2, Types.TIMESTAMP);
          } else {
            insert.setTimestamp(2, leap);
          }
          insert.addBatch();
        }
        // Every version sends the batch as one parameter batch of three rows (one DoPut, run as one unit) and reports
        // the server's one count for it.
        assertThat(insert.executeBatch()).containsExactly(3);
      }
      try (PreparedStatement update = connection.prepareStatement(
          "UPDATE " + table + " SET n = octet_length(?) WHERE id = ?")) {
        update.setNull(1, Types.VARBINARY);
        update.setInt(2, 2);
        assertThat(update.executeUpdate()).isEqualTo(1);
        update.setBytes(1, new byte[] {1, 2, 3});
        update.setInt(2, 4);
        assertThat(update.executeUpdate()).isEqualTo(1);
      }
      // DuckDB reports every parameter after an open one as open too: `id = ?` comes first to stay declared INTEGER.
      try (PreparedStatement delete = connection.prepareStatement(
          "DELETE FROM " + table + " WHERE id = ? OR seen = ? + INTERVAL 1 DAY")) {
        delete.setInt(1, 1);
        delete.setNull(2, Types.TIMESTAMP);
        assertThat(delete.executeUpdate()).isEqualTo(1);
      }
      try (ResultSet rs = statement.executeQuery("SELECT id, seen, n FROM " + table + " ORDER BY id")) {
        List<String> rows = new ArrayList<>();
        while (rs.next()) {
          rows.add(rs.getInt(1) + " " + rs.getTimestamp(2) + " " + rs.getObject(3));
        }
        assertThat(rows).containsExactly("2 2024-03-01 12:30:00.0 null", "3 null null", "4 2024-03-01 12:30:00.0 3");
      }
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
