package dev.bridge.flight.metadata;

import static org.apache.arrow.flight.sql.impl.FlightSql.SqlSupportsConvert.SQL_CONVERT_BIGINT;
import static org.apache.arrow.flight.sql.impl.FlightSql.SqlSupportsConvert.SQL_CONVERT_BINARY;
import static org.apache.arrow.flight.sql.impl.FlightSql.SqlSupportsConvert.SQL_CONVERT_BIT;
import static org.apache.arrow.flight.sql.impl.FlightSql.SqlSupportsConvert.SQL_CONVERT_CHAR;
import static org.apache.arrow.flight.sql.impl.FlightSql.SqlSupportsConvert.SQL_CONVERT_DATE;
import static org.apache.arrow.flight.sql.impl.FlightSql.SqlSupportsConvert.SQL_CONVERT_DECIMAL;
import static org.apache.arrow.flight.sql.impl.FlightSql.SqlSupportsConvert.SQL_CONVERT_FLOAT;
import static org.apache.arrow.flight.sql.impl.FlightSql.SqlSupportsConvert.SQL_CONVERT_INTEGER;
import static org.apache.arrow.flight.sql.impl.FlightSql.SqlSupportsConvert.SQL_CONVERT_INTERVAL_DAY_TIME;
import static org.apache.arrow.flight.sql.impl.FlightSql.SqlSupportsConvert.SQL_CONVERT_INTERVAL_YEAR_MONTH;
import static org.apache.arrow.flight.sql.impl.FlightSql.SqlSupportsConvert.SQL_CONVERT_LONGVARBINARY;
import static org.apache.arrow.flight.sql.impl.FlightSql.SqlSupportsConvert.SQL_CONVERT_LONGVARCHAR;
import static org.apache.arrow.flight.sql.impl.FlightSql.SqlSupportsConvert.SQL_CONVERT_NUMERIC;
import static org.apache.arrow.flight.sql.impl.FlightSql.SqlSupportsConvert.SQL_CONVERT_REAL;
import static org.apache.arrow.flight.sql.impl.FlightSql.SqlSupportsConvert.SQL_CONVERT_SMALLINT;
import static org.apache.arrow.flight.sql.impl.FlightSql.SqlSupportsConvert.SQL_CONVERT_TIME;
import static org.apache.arrow.flight.sql.impl.FlightSql.SqlSupportsConvert.SQL_CONVERT_TIMESTAMP;
import static org.apache.arrow.flight.sql.impl.FlightSql.SqlSupportsConvert.SQL_CONVERT_TINYINT;
import static org.apache.arrow.flight.sql.impl.FlightSql.SqlSupportsConvert.SQL_CONVERT_VARBINARY;
import static org.apache.arrow.flight.sql.impl.FlightSql.SqlSupportsConvert.SQL_CONVERT_VARCHAR;

import com.google.protobuf.ProtocolMessageEnum;
import dev.bridge.engine.BridgeVersion;
import dev.bridge.engine.Session;
import dev.bridge.engine.catalog.CatalogReader;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.apache.arrow.flight.FlightProducer.ServerStreamListener;
import org.apache.arrow.flight.sql.impl.FlightSql.SqlInfo;
import org.apache.arrow.flight.sql.impl.FlightSql.SqlNullOrdering;
import org.apache.arrow.flight.sql.impl.FlightSql.SqlOuterJoinsSupportLevel;
import org.apache.arrow.flight.sql.impl.FlightSql.SqlSupportedCaseSensitivity;
import org.apache.arrow.flight.sql.impl.FlightSql.SqlSupportedElementActions;
import org.apache.arrow.flight.sql.impl.FlightSql.SqlSupportedGroupBy;
import org.apache.arrow.flight.sql.impl.FlightSql.SqlSupportedResultSetConcurrency;
import org.apache.arrow.flight.sql.impl.FlightSql.SqlSupportedResultSetType;
import org.apache.arrow.flight.sql.impl.FlightSql.SqlSupportedSubqueries;
import org.apache.arrow.flight.sql.impl.FlightSql.SqlSupportedTransaction;
import org.apache.arrow.flight.sql.impl.FlightSql.SqlSupportedUnions;
import org.apache.arrow.flight.sql.impl.FlightSql.SqlSupportsConvert;
import org.apache.arrow.flight.sql.impl.FlightSql.SqlTransactionIsolationLevel;
import org.apache.arrow.flight.sql.impl.FlightSql.SupportedAnsi92SqlGrammarLevel;
import org.apache.arrow.flight.sql.impl.FlightSql.SupportedSqlGrammar;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * The server's answers to CommandGetSqlInfo, each in the union member FlightSql.proto gives its id: strings,
 * booleans, int64 limits, int32 ordinals and bitmasks, string lists and the conversion map. Arrow Java's
 * SqlInfoBuilder is not used because it writes three int32 ordinals (identifier case, quoted identifier case, null
 * ordering) as int64. One id follows Arrow Java rather than the proto text: SQL_DEFAULT_TRANSACTION_ISOLATION is
 * int64, because the Flight SQL JDBC driver reads it as a Long and fails on an int32; and SQL_OUTER_JOINS_SUPPORT_LEVEL
 * is a bitmask, as that driver reads it.
 *
 * <p>Keywords and function lists are read from DuckDB itself, once.
 */
public final class SqlInfos {
  /** Max lengths and counts: 0 is XDBC's "no limit or unknown"; DuckDB sets none of these limits. */
  private static final long NO_LIMIT = 0L;

  private final CatalogReader catalog;
  private final BufferAllocator allocator;
  private final Duration preparedStatementTimeout;
  private final Duration transactionTimeout;
  private volatile Map<Integer, Object> answers;

  /**
   * @param preparedStatementTimeout how long an unused prepared statement lives: it belongs to its session, which
   *     closes after {@code sessions.idle_timeout} without use
   */
  public SqlInfos(CatalogReader catalog, BufferAllocator allocator, Duration preparedStatementTimeout,
      Duration transactionTimeout) {
    this.catalog = catalog;
    this.allocator = allocator;
    this.preparedStatementTimeout = preparedStatementTimeout;
    this.transactionTimeout = transactionTimeout;
  }

  /**
   * Streams the requested ids (all that {@code audience} can read when none is named). Ids the server has no answer
   * for are left out, as the specification allows, rather than failing a client that asks for a newer id.
   */
  public void stream(Session session, List<Integer> requested, SqlInfoAudience audience,
      ServerStreamListener listener) {
    Map<Integer, Object> current = answers(session);
    List<Integer> ids = requested.isEmpty()
        ? current.keySet().stream().filter(audience::readsUnasked).toList()
        : requested.stream().filter(current::containsKey).distinct().toList();
    SqlInfoRows.stream(ids, current, allocator, listener);
  }

  private Map<Integer, Object> answers(Session session) {
    Map<Integer, Object> current = answers;
    if (current == null) {
      current = Collections.unmodifiableMap(build(session));
      answers = current;
    }
    return current;
  }

  private Map<Integer, Object> build(Session session) {
    Map<SqlInfo, Object> info = new EnumMap<>(SqlInfo.class);
    info.put(SqlInfo.FLIGHT_SQL_SERVER_NAME, "Bridge");
    info.put(SqlInfo.FLIGHT_SQL_SERVER_VERSION,
        BridgeVersion.version() + " (DuckDB " + catalog.duckDbVersion(session) + ")");
    info.put(SqlInfo.FLIGHT_SQL_SERVER_ARROW_VERSION, arrowVersion());
    info.put(SqlInfo.FLIGHT_SQL_SERVER_READ_ONLY, false);
    info.put(SqlInfo.FLIGHT_SQL_SERVER_SQL, true);
    info.put(SqlInfo.FLIGHT_SQL_SERVER_SUBSTRAIT, false);
    // BeginTransaction/EndTransaction work; DuckDB has no savepoints, so the answer stops short of SAVEPOINT.
    info.put(SqlInfo.FLIGHT_SQL_SERVER_TRANSACTION,
        SqlSupportedTransaction.SQL_SUPPORTED_TRANSACTION_TRANSACTION_VALUE);
    info.put(SqlInfo.FLIGHT_SQL_SERVER_CANCEL, true);
    info.put(SqlInfo.FLIGHT_SQL_SERVER_BULK_INGESTION, true);
    info.put(SqlInfo.FLIGHT_SQL_SERVER_INGEST_TRANSACTIONS_SUPPORTED, true);
    info.put(SqlInfo.FLIGHT_SQL_SERVER_TRANSACTION_TIMEOUT,
        (int) Math.min(Integer.MAX_VALUE, transactionTimeout.toMillis()));
    info.put(SqlInfo.FLIGHT_SQL_SERVER_STATEMENT_TIMEOUT,
        (int) Math.min(Integer.MAX_VALUE, preparedStatementTimeout.toMillis()));
    info.put(SqlInfo.SQL_DDL_CATALOG, false);
    info.put(SqlInfo.SQL_DDL_SCHEMA, true);
    info.put(SqlInfo.SQL_DDL_TABLE, true);
    // DuckDB matches identifiers, quoted or not, without regard to case and keeps the case they were written in.
    info.put(SqlInfo.SQL_IDENTIFIER_CASE, SqlSupportedCaseSensitivity.SQL_CASE_SENSITIVITY_CASE_INSENSITIVE_VALUE);
    info.put(SqlInfo.SQL_QUOTED_IDENTIFIER_CASE,
        SqlSupportedCaseSensitivity.SQL_CASE_SENSITIVITY_CASE_INSENSITIVE_VALUE);
    info.put(SqlInfo.SQL_IDENTIFIER_QUOTE_CHAR, "\"");
    info.put(SqlInfo.SQL_SEARCH_STRING_ESCAPE, "\\");
    info.put(SqlInfo.SQL_EXTRA_NAME_CHARACTERS, "");
    info.put(SqlInfo.SQL_SCHEMA_TERM, "schema");
    info.put(SqlInfo.SQL_CATALOG_TERM, "database");
    info.put(SqlInfo.SQL_PROCEDURE_TERM, "procedure");
    info.put(SqlInfo.SQL_CATALOG_AT_START, true);
    info.put(SqlInfo.SQL_ALL_TABLES_ARE_SELECTABLE, true);
    info.put(SqlInfo.SQL_NULL_ORDERING, SqlNullOrdering.SQL_NULLS_SORTED_AT_END_VALUE);
    info.put(SqlInfo.SQL_KEYWORDS, catalog.keywords(session));
    info.put(SqlInfo.SQL_NUMERIC_FUNCTIONS, catalog.numericFunctions(session));
    info.put(SqlInfo.SQL_STRING_FUNCTIONS, catalog.stringFunctions(session));
    info.put(SqlInfo.SQL_SYSTEM_FUNCTIONS, catalog.systemFunctions(session));
    info.put(SqlInfo.SQL_DATETIME_FUNCTIONS, catalog.datetimeFunctions(session));
    info.put(SqlInfo.SQL_SUPPORTS_COLUMN_ALIASING, true);
    info.put(SqlInfo.SQL_NULL_PLUS_NULL_IS_NULL, true);
    info.put(SqlInfo.SQL_SUPPORTS_CONVERT, conversions());
    info.put(SqlInfo.SQL_SUPPORTS_TABLE_CORRELATION_NAMES, true);
    info.put(SqlInfo.SQL_SUPPORTS_DIFFERENT_TABLE_CORRELATION_NAMES, true);
    info.put(SqlInfo.SQL_SUPPORTS_EXPRESSIONS_IN_ORDER_BY, true);
    info.put(SqlInfo.SQL_SUPPORTS_ORDER_BY_UNRELATED, true);
    info.put(SqlInfo.SQL_SUPPORTED_GROUP_BY, bitmask(SqlSupportedGroupBy.SQL_GROUP_BY_UNRELATED,
        SqlSupportedGroupBy.SQL_GROUP_BY_BEYOND_SELECT));
    info.put(SqlInfo.SQL_SUPPORTS_LIKE_ESCAPE_CLAUSE, true);
    info.put(SqlInfo.SQL_SUPPORTS_NON_NULLABLE_COLUMNS, true);
    info.put(SqlInfo.SQL_SUPPORTED_GRAMMAR, bitmask(SupportedSqlGrammar.SQL_MINIMUM_GRAMMAR,
        SupportedSqlGrammar.SQL_CORE_GRAMMAR));
    info.put(SqlInfo.SQL_ANSI92_SUPPORTED_LEVEL, bitmask(SupportedAnsi92SqlGrammarLevel.ANSI92_ENTRY_SQL,
        SupportedAnsi92SqlGrammarLevel.ANSI92_INTERMEDIATE_SQL));
    info.put(SqlInfo.SQL_SUPPORTS_INTEGRITY_ENHANCEMENT_FACILITY, true);
    // The proto calls this an ordinal, but Arrow Java's JDBC driver (what BI tools use) reads it as a bitmask.
    info.put(SqlInfo.SQL_OUTER_JOINS_SUPPORT_LEVEL, bitmask(SqlOuterJoinsSupportLevel.SQL_LIMITED_OUTER_JOINS,
        SqlOuterJoinsSupportLevel.SQL_FULL_OUTER_JOINS));
    info.put(SqlInfo.SQL_SCHEMAS_SUPPORTED_ACTIONS,
        bitmask(SqlSupportedElementActions.SQL_ELEMENT_IN_INDEX_DEFINITIONS));
    info.put(SqlInfo.SQL_CATALOGS_SUPPORTED_ACTIONS,
        bitmask(SqlSupportedElementActions.SQL_ELEMENT_IN_INDEX_DEFINITIONS));
    info.put(SqlInfo.SQL_SUPPORTED_POSITIONED_COMMANDS, bitmask());
    info.put(SqlInfo.SQL_SELECT_FOR_UPDATE_SUPPORTED, false);
    info.put(SqlInfo.SQL_STORED_PROCEDURES_SUPPORTED, false);
    info.put(SqlInfo.SQL_SUPPORTED_SUBQUERIES, bitmask(SqlSupportedSubqueries.SQL_SUBQUERIES_IN_COMPARISONS,
        SqlSupportedSubqueries.SQL_SUBQUERIES_IN_EXISTS, SqlSupportedSubqueries.SQL_SUBQUERIES_IN_INS,
        SqlSupportedSubqueries.SQL_SUBQUERIES_IN_QUANTIFIEDS));
    info.put(SqlInfo.SQL_CORRELATED_SUBQUERIES_SUPPORTED, true);
    info.put(SqlInfo.SQL_SUPPORTED_UNIONS, bitmask(SqlSupportedUnions.SQL_UNION, SqlSupportedUnions.SQL_UNION_ALL));
    for (SqlInfo limit : List.of(SqlInfo.SQL_MAX_BINARY_LITERAL_LENGTH, SqlInfo.SQL_MAX_CHAR_LITERAL_LENGTH,
        SqlInfo.SQL_MAX_COLUMN_NAME_LENGTH, SqlInfo.SQL_MAX_COLUMNS_IN_GROUP_BY, SqlInfo.SQL_MAX_COLUMNS_IN_INDEX,
        SqlInfo.SQL_MAX_COLUMNS_IN_ORDER_BY, SqlInfo.SQL_MAX_COLUMNS_IN_SELECT, SqlInfo.SQL_MAX_COLUMNS_IN_TABLE,
        SqlInfo.SQL_MAX_CONNECTIONS, SqlInfo.SQL_MAX_CURSOR_NAME_LENGTH, SqlInfo.SQL_MAX_INDEX_LENGTH,
        SqlInfo.SQL_DB_SCHEMA_NAME_LENGTH, SqlInfo.SQL_MAX_PROCEDURE_NAME_LENGTH, SqlInfo.SQL_MAX_CATALOG_NAME_LENGTH,
        SqlInfo.SQL_MAX_ROW_SIZE, SqlInfo.SQL_MAX_STATEMENT_LENGTH, SqlInfo.SQL_MAX_STATEMENTS,
        SqlInfo.SQL_MAX_TABLE_NAME_LENGTH, SqlInfo.SQL_MAX_TABLES_IN_SELECT, SqlInfo.SQL_MAX_USERNAME_LENGTH)) {
      info.put(limit, NO_LIMIT);
    }
    info.put(SqlInfo.SQL_MAX_ROW_SIZE_INCLUDES_BLOBS, true);
    // The one reader of these three ids is the Flight SQL JDBC driver, which turns them into supportsTransactions(),
    // getDefaultTransactionIsolation() and supportsTransactionIsolationLevel(). Its commit() and rollback() are empty
    // methods and setAutoCommit(false) sends nothing (driver 18.3.0), so "true" would make BI tools (DBeaver's manual
    // commit mode, its data editor) believe a rollback undoes work it never can. "No transactions, isolation NONE"
    // keeps those tools in auto-commit. Flight SQL clients and ADBC read FLIGHT_SQL_SERVER_TRANSACTION above and use
    // Begin/EndTransaction, which work; SQL BEGIN / COMMIT / ROLLBACK sent as statements work on every client.
    info.put(SqlInfo.SQL_DEFAULT_TRANSACTION_ISOLATION,
        (long) SqlTransactionIsolationLevel.SQL_TRANSACTION_NONE_VALUE);
    info.put(SqlInfo.SQL_TRANSACTIONS_SUPPORTED, false);
    info.put(SqlInfo.SQL_SUPPORTED_TRANSACTIONS_ISOLATION_LEVELS,
        bitmask(SqlTransactionIsolationLevel.SQL_TRANSACTION_NONE));
    info.put(SqlInfo.SQL_DATA_DEFINITION_CAUSES_TRANSACTION_COMMIT, false);
    info.put(SqlInfo.SQL_DATA_DEFINITIONS_IN_TRANSACTIONS_IGNORED, false);
    info.put(SqlInfo.SQL_SUPPORTED_RESULT_SET_TYPES,
        bitmask(SqlSupportedResultSetType.SQL_RESULT_SET_TYPE_FORWARD_ONLY));
    info.put(SqlInfo.SQL_SUPPORTED_CONCURRENCIES_FOR_RESULT_SET_FORWARD_ONLY,
        bitmask(SqlSupportedResultSetConcurrency.SQL_RESULT_SET_CONCURRENCY_READ_ONLY));
    info.put(SqlInfo.SQL_BATCH_UPDATES_SUPPORTED, true);
    info.put(SqlInfo.SQL_SAVEPOINTS_SUPPORTED, false);
    info.put(SqlInfo.SQL_NAMED_PARAMETERS_SUPPORTED, false);
    info.put(SqlInfo.SQL_LOCATORS_UPDATE_COPY, false);
    info.put(SqlInfo.SQL_STORED_FUNCTIONS_USING_CALL_SYNTAX_SUPPORTED, false);
    Map<Integer, Object> byNumber = new LinkedHashMap<>();
    info.forEach((id, value) -> byNumber.put(id.getNumber(), value));
    return byNumber;
  }

  /** A Flight SQL bitmask: bit n set for each option whose protobuf number is n. */
  private static int bitmask(ProtocolMessageEnum... options) {
    int mask = 0;
    for (ProtocolMessageEnum option : options) {
      mask |= 1 << option.getNumber();
    }
    return mask;
  }

  /**
   * The CASTs DuckDB performs between XDBC type groups: numbers among themselves and to text, text to anything,
   * binary to binary and text, dates and times to text and to each other where DuckDB defines it.
   */
  private static Map<Integer, List<Integer>> conversions() {
    List<SqlSupportsConvert> numbers = List.of(SQL_CONVERT_BIGINT, SQL_CONVERT_BIT, SQL_CONVERT_DECIMAL,
        SQL_CONVERT_FLOAT, SQL_CONVERT_INTEGER, SQL_CONVERT_NUMERIC, SQL_CONVERT_REAL, SQL_CONVERT_SMALLINT,
        SQL_CONVERT_TINYINT);
    List<SqlSupportsConvert> text = List.of(SQL_CONVERT_CHAR, SQL_CONVERT_LONGVARCHAR, SQL_CONVERT_VARCHAR);
    List<SqlSupportsConvert> binary = List.of(SQL_CONVERT_BINARY, SQL_CONVERT_LONGVARBINARY, SQL_CONVERT_VARBINARY);
    List<SqlSupportsConvert> intervals = List.of(SQL_CONVERT_INTERVAL_DAY_TIME, SQL_CONVERT_INTERVAL_YEAR_MONTH);
    List<SqlSupportsConvert> everything = Stream.of(SqlSupportsConvert.values())
        .filter(value -> value != SqlSupportsConvert.UNRECOGNIZED).toList();
    Map<Integer, List<Integer>> conversions = new HashMap<>();
    numbers.forEach(from -> conversions.put(from.getNumber(), numbers(numbers, text)));
    text.forEach(from -> conversions.put(from.getNumber(), numbers(everything)));
    binary.forEach(from -> conversions.put(from.getNumber(), numbers(binary, text)));
    intervals.forEach(from -> conversions.put(from.getNumber(), numbers(intervals, text)));
    conversions.put(SQL_CONVERT_DATE.getNumber(), numbers(List.of(SQL_CONVERT_DATE, SQL_CONVERT_TIMESTAMP), text));
    conversions.put(SQL_CONVERT_TIME.getNumber(), numbers(List.of(SQL_CONVERT_TIME), text));
    conversions.put(SQL_CONVERT_TIMESTAMP.getNumber(),
        numbers(List.of(SQL_CONVERT_DATE, SQL_CONVERT_TIME, SQL_CONVERT_TIMESTAMP), text));
    return conversions;
  }

  @SafeVarargs
  private static List<Integer> numbers(List<SqlSupportsConvert>... groups) {
    return Stream.of(groups).flatMap(List::stream).map(SqlSupportsConvert::getNumber).toList();
  }

  /** Arrow Java's version, from its Maven metadata (kept in the server jar, unlike the jar manifests). */
  private static String arrowVersion() {
    Properties properties = new Properties();
    try (InputStream in = VectorSchemaRoot.class.getResourceAsStream(
        "/META-INF/maven/org.apache.arrow/arrow-vector/pom.properties")) {
      if (in != null) {
        properties.load(in);
      }
    } catch (IOException e) {
      return "unknown";
    }
    return properties.getProperty("version", "unknown");
  }
}
