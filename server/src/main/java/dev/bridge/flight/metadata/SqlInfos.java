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

import dev.bridge.cli.VersionProvider;
import dev.bridge.engine.Session;
import dev.bridge.engine.catalog.CatalogReader;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Stream;
import org.apache.arrow.flight.FlightProducer.ServerStreamListener;
import org.apache.arrow.flight.sql.SqlInfoBuilder;
import org.apache.arrow.flight.sql.impl.FlightSql.SqlNullOrdering;
import org.apache.arrow.flight.sql.impl.FlightSql.SqlOuterJoinsSupportLevel;
import org.apache.arrow.flight.sql.impl.FlightSql.SqlSupportedCaseSensitivity;
import org.apache.arrow.flight.sql.impl.FlightSql.SqlSupportedElementActions;
import org.apache.arrow.flight.sql.impl.FlightSql.SqlSupportedGroupBy;
import org.apache.arrow.flight.sql.impl.FlightSql.SqlSupportedResultSetType;
import org.apache.arrow.flight.sql.impl.FlightSql.SqlSupportedSubqueries;
import org.apache.arrow.flight.sql.impl.FlightSql.SqlSupportedTransaction;
import org.apache.arrow.flight.sql.impl.FlightSql.SqlSupportedUnions;
import org.apache.arrow.flight.sql.impl.FlightSql.SqlSupportsConvert;
import org.apache.arrow.flight.sql.impl.FlightSql.SqlTransactionIsolationLevel;
import org.apache.arrow.flight.sql.impl.FlightSql.SupportedAnsi92SqlGrammarLevel;
import org.apache.arrow.flight.sql.impl.FlightSql.SupportedSqlGrammar;
import org.apache.arrow.vector.VectorSchemaRoot;

/**
 * The server's answers to CommandGetSqlInfo, each in the union member the specification gives its id (Arrow's
 * {@link SqlInfoBuilder} picks the member). Keywords and function lists are read from DuckDB itself, once.
 */
public final class SqlInfos {
  /** Max lengths and counts: 0 is XDBC's "no limit or unknown"; DuckDB sets none of these limits. */
  private static final long NO_LIMIT = 0;

  private final CatalogReader catalog;
  private volatile Answers answers;

  private record Answers(SqlInfoBuilder builder, Set<Integer> ids) {}

  public SqlInfos(CatalogReader catalog) {
    this.catalog = catalog;
  }

  /**
   * Streams the requested ids (all when none is named). Ids the server has no answer for are left out, as the
   * specification allows, rather than failing a client that asks for a newer id.
   */
  public void stream(Session session, List<Integer> requested, ServerStreamListener listener) {
    Answers current = answers(session);
    List<Integer> ids = requested.isEmpty()
        ? new ArrayList<>(current.ids())
        : requested.stream().filter(current.ids()::contains).distinct().toList();
    current.builder().send(ids, listener);
  }

  private Answers answers(Session session) {
    Answers current = answers;
    if (current == null) {
      SqlInfoBuilder builder = build(session);
      current = new Answers(builder, AnsweredIds.of(builder));
      answers = current;
    }
    return current;
  }

  private SqlInfoBuilder build(Session session) {
    return new SqlInfoBuilder()
        .withFlightSqlServerName("Bridge")
        .withFlightSqlServerVersion(VersionProvider.version() + " (DuckDB " + catalog.duckDbVersion(session) + ")")
        .withFlightSqlServerArrowVersion(arrowVersion())
        .withFlightSqlServerReadOnly(false)
        .withFlightSqlServerSql(true)
        .withFlightSqlServerSubstrait(false)
        .withFlightSqlServerTransaction(SqlSupportedTransaction.SQL_SUPPORTED_TRANSACTION_NONE)
        .withFlightSqlServerCancel(true)
        .withFlightSqlServerBulkIngestion(false)
        .withSqlDdlCatalog(false)
        .withSqlDdlSchema(true)
        .withSqlDdlTable(true)
        // DuckDB matches identifiers, quoted or not, without regard to case and keeps the case they were written in.
        .withSqlIdentifierCase(SqlSupportedCaseSensitivity.SQL_CASE_SENSITIVITY_CASE_INSENSITIVE)
        .withSqlQuotedIdentifierCase(SqlSupportedCaseSensitivity.SQL_CASE_SENSITIVITY_CASE_INSENSITIVE)
        .withSqlIdentifierQuoteChar("\"")
        .withSqlSearchStringEscape("\\")
        .withSqlExtraNameCharacters("")
        .withSqlSchemaTerm("schema")
        .withSqlCatalogTerm("database")
        .withSqlProcedureTerm("procedure")
        .withSqlCatalogAtStart(true)
        .withSqlAllTablesAreSelectable(true)
        .withSqlNullOrdering(SqlNullOrdering.SQL_NULLS_SORTED_AT_END)
        .withSqlKeywords(catalog.keywords(session).toArray(String[]::new))
        .withSqlNumericFunctions(catalog.numericFunctions(session).toArray(String[]::new))
        .withSqlStringFunctions(catalog.stringFunctions(session).toArray(String[]::new))
        .withSqlSystemFunctions(catalog.systemFunctions(session).toArray(String[]::new))
        .withSqlDatetimeFunctions(catalog.datetimeFunctions(session).toArray(String[]::new))
        .withSqlSupportsColumnAliasing(true)
        .withSqlNullPlusNullIsNull(true)
        .withSqlSupportsConvert(conversions())
        .withSqlSupportsTableCorrelationNames(true)
        .withSqlSupportsDifferentTableCorrelationNames(true)
        .withSqlSupportsExpressionsInOrderBy(true)
        .withSqlSupportsOrderByUnrelated(true)
        .withSqlSupportedGroupBy(SqlSupportedGroupBy.SQL_GROUP_BY_UNRELATED,
            SqlSupportedGroupBy.SQL_GROUP_BY_BEYOND_SELECT)
        .withSqlSupportsLikeEscapeClause(true)
        .withSqlSupportsNonNullableColumns(true)
        .withSqlSupportedGrammar(SupportedSqlGrammar.SQL_MINIMUM_GRAMMAR, SupportedSqlGrammar.SQL_CORE_GRAMMAR)
        .withSqlAnsi92SupportedLevel(SupportedAnsi92SqlGrammarLevel.ANSI92_ENTRY_SQL,
            SupportedAnsi92SqlGrammarLevel.ANSI92_INTERMEDIATE_SQL)
        .withSqlSupportsIntegrityEnhancementFacility(true)
        .withSqlOuterJoinSupportLevel(SqlOuterJoinsSupportLevel.SQL_FULL_OUTER_JOINS)
        .withSqlSchemasSupportedActions(SqlSupportedElementActions.SQL_ELEMENT_IN_INDEX_DEFINITIONS)
        .withSqlCatalogsSupportedActions(SqlSupportedElementActions.SQL_ELEMENT_IN_INDEX_DEFINITIONS)
        .withSqlSupportedPositionedCommands()
        .withSqlSelectForUpdateSupported(false)
        .withSqlStoredProceduresSupported(false)
        .withSqlSubQueriesSupported(SqlSupportedSubqueries.SQL_SUBQUERIES_IN_COMPARISONS,
            SqlSupportedSubqueries.SQL_SUBQUERIES_IN_EXISTS, SqlSupportedSubqueries.SQL_SUBQUERIES_IN_INS,
            SqlSupportedSubqueries.SQL_SUBQUERIES_IN_QUANTIFIEDS)
        .withSqlCorrelatedSubqueriesSupported(true)
        .withSqlSupportedUnions(SqlSupportedUnions.SQL_UNION, SqlSupportedUnions.SQL_UNION_ALL)
        .withSqlMaxBinaryLiteralLength(NO_LIMIT)
        .withSqlMaxCharLiteralLength(NO_LIMIT)
        .withSqlMaxColumnNameLength(NO_LIMIT)
        .withSqlMaxColumnsInGroupBy(NO_LIMIT)
        .withSqlMaxColumnsInIndex(NO_LIMIT)
        .withSqlMaxColumnsInOrderBy(NO_LIMIT)
        .withSqlMaxColumnsInSelect(NO_LIMIT)
        .withSqlMaxColumnsInTable(NO_LIMIT)
        .withSqlMaxConnections(NO_LIMIT)
        .withSqlMaxCursorNameLength(NO_LIMIT)
        .withSqlMaxIndexLength(NO_LIMIT)
        .withSqlDbSchemaNameLength(NO_LIMIT)
        .withSqlMaxProcedureNameLength(NO_LIMIT)
        .withSqlMaxCatalogNameLength(NO_LIMIT)
        .withSqlMaxRowSize(NO_LIMIT)
        .withSqlMaxRowSizeIncludesBlobs(true)
        .withSqlMaxStatementLength(NO_LIMIT)
        .withSqlMaxStatements(NO_LIMIT)
        .withSqlMaxTableNameLength(NO_LIMIT)
        .withSqlMaxTablesInSelect(NO_LIMIT)
        .withSqlMaxUsernameLength(NO_LIMIT)
        .withSqlDefaultTransactionIsolation(SqlTransactionIsolationLevel.SQL_TRANSACTION_SERIALIZABLE.getNumber())
        .withSqlTransactionsSupported(true)
        .withSqlSupportedTransactionsIsolationLevels(SqlTransactionIsolationLevel.SQL_TRANSACTION_SERIALIZABLE)
        .withSqlDataDefinitionCausesTransactionCommit(false)
        .withSqlDataDefinitionsInTransactionsIgnored(false)
        .withSqlSupportedResultSetTypes(SqlSupportedResultSetType.SQL_RESULT_SET_TYPE_FORWARD_ONLY)
        .withSqlBatchUpdatesSupported(true)
        .withSqlSavepointsSupported(false)
        .withSqlNamedParametersSupported(false)
        .withSqlLocatorsUpdateCopy(false)
        .withSqlStoredFunctionsUsingCallSyntaxSupported(false);
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
