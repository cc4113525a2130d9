package dev.bridge.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.channels.Channels;
import java.sql.Types;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.flight.CallStatus;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.sql.FlightSqlClient;
import org.apache.arrow.flight.sql.FlightSqlColumnMetadata;
import org.apache.arrow.flight.sql.FlightSqlProducer.Schemas;
import org.apache.arrow.flight.sql.impl.FlightSql.SqlInfo;
import org.apache.arrow.flight.sql.impl.FlightSql.SqlSupportedTransaction;
import org.apache.arrow.flight.sql.util.TableRef;
import org.apache.arrow.vector.UInt4Vector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.DenseUnionVector;
import org.apache.arrow.vector.ipc.ReadChannel;
import org.apache.arrow.vector.ipc.message.MessageSerializer;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The catalog commands and SqlInfo through Arrow's own FlightSqlClient, checked against the specification. */
class FlightSqlMetadataTest {
  /** The union members of CommandGetSqlInfo's value column, by type id. */
  private enum Member { STRING, BOOL, BIGINT, INT32, STRING_LIST, INT32_TO_INT32_LIST_MAP }

  @RegisterExtension
  static final TestServer server = TestServer.perClass();
  @RegisterExtension
  static final FlightSqlClientFixture flightSql = FlightSqlClientFixture.perClass(server);

  @BeforeAll
  static void start() {
    flightSql.client().executeUpdate("CREATE TABLE accounts(id INTEGER PRIMARY KEY, owner VARCHAR NOT NULL,"
        + " balance DECIMAL(12,2), opened DATE, tags VARCHAR[])");
    flightSql.client().executeUpdate("CREATE SEQUENCE ticket_ids");
    flightSql.client().executeUpdate("CREATE TABLE tickets(id BIGINT DEFAULT nextval('ticket_ids'),"
        + " account INTEGER REFERENCES accounts(id))");
    flightSql.client().executeUpdate("CREATE VIEW rich AS SELECT owner, balance FROM accounts WHERE balance > 1000");
  }

  @Test
  void answersEverySqlInfoIdWithTheUnionMemberTheSpecificationGivesIt() throws Exception {
    Map<Integer, Member> answered = sqlInfoMembers(flightSql.client().getSqlInfo(new SqlInfo[0]));
    Map<SqlInfo, Member> expected = specificationMembers();
    List<String> wrong = new ArrayList<>();
    for (Map.Entry<Integer, Member> entry : answered.entrySet()) {
      SqlInfo id = SqlInfo.forNumber(entry.getKey());
      assertThat(id).as("answered id %d is a specification id", entry.getKey()).isNotNull();
      if (entry.getValue() != expected.get(id)) {
        wrong.add(id + " is " + entry.getValue() + ", the specification says " + expected.get(id));
      }
    }
    assertThat(wrong).isEmpty();
    assertThat(answered.keySet()).contains(SqlInfo.FLIGHT_SQL_SERVER_NAME_VALUE,
        SqlInfo.FLIGHT_SQL_SERVER_VERSION_VALUE, SqlInfo.FLIGHT_SQL_SERVER_ARROW_VERSION_VALUE,
        SqlInfo.FLIGHT_SQL_SERVER_READ_ONLY_VALUE, SqlInfo.SQL_KEYWORDS_VALUE, SqlInfo.SQL_IDENTIFIER_CASE_VALUE,
        SqlInfo.SQL_IDENTIFIER_QUOTE_CHAR_VALUE, SqlInfo.SQL_NULL_ORDERING_VALUE,
        SqlInfo.SQL_SUPPORTED_GRAMMAR_VALUE, SqlInfo.SQL_OUTER_JOINS_SUPPORT_LEVEL_VALUE,
        SqlInfo.SQL_TRANSACTIONS_SUPPORTED_VALUE, SqlInfo.SQL_SUPPORTS_CONVERT_VALUE);
    assertThat(answered).hasSizeGreaterThanOrEqualTo(80);
  }

  @Test
  void answersOnlyTheRequestedSqlInfoIdsAndLeavesOutUnknownOnes() throws Exception {
    Map<Integer, Member> answered = sqlInfoMembers(flightSql.client().getSqlInfo(
        new int[] {SqlInfo.FLIGHT_SQL_SERVER_NAME_VALUE, SqlInfo.SQL_KEYWORDS_VALUE, 9_999}));
    assertThat(answered).containsOnlyKeys(SqlInfo.FLIGHT_SQL_SERVER_NAME_VALUE, SqlInfo.SQL_KEYWORDS_VALUE);
  }

  /**
   * Flight SQL transactions (Begin/EndTransaction, what ADBC and FlightSqlClient use) are announced; the JDBC-facing
   * ids say "no transactions, isolation NONE", because the JDBC driver's commit() and rollback() send nothing.
   */
  @Test
  void announcesFlightSqlTransactionsAndBulkIngestButNoJdbcTransactionsOrSavepoints() throws Exception {
    Map<Integer, Object> values = sqlInfoValues(flightSql.client().getSqlInfo(new int[] {
        SqlInfo.FLIGHT_SQL_SERVER_TRANSACTION_VALUE, SqlInfo.FLIGHT_SQL_SERVER_BULK_INGESTION_VALUE,
        SqlInfo.FLIGHT_SQL_SERVER_INGEST_TRANSACTIONS_SUPPORTED_VALUE, SqlInfo.SQL_SAVEPOINTS_SUPPORTED_VALUE,
        SqlInfo.SQL_TRANSACTIONS_SUPPORTED_VALUE, SqlInfo.SQL_DEFAULT_TRANSACTION_ISOLATION_VALUE,
        SqlInfo.SQL_SUPPORTED_TRANSACTIONS_ISOLATION_LEVELS_VALUE}));
    assertThat(values.get(SqlInfo.FLIGHT_SQL_SERVER_TRANSACTION_VALUE))
        .isEqualTo(SqlSupportedTransaction.SQL_SUPPORTED_TRANSACTION_TRANSACTION_VALUE);
    assertThat(values.get(SqlInfo.SQL_TRANSACTIONS_SUPPORTED_VALUE)).isEqualTo(false);
    assertThat(values.get(SqlInfo.SQL_DEFAULT_TRANSACTION_ISOLATION_VALUE)).isEqualTo(0L);
    assertThat(values.get(SqlInfo.SQL_SUPPORTED_TRANSACTIONS_ISOLATION_LEVELS_VALUE)).isEqualTo(1);
    assertThat(values.get(SqlInfo.FLIGHT_SQL_SERVER_BULK_INGESTION_VALUE)).isEqualTo(true);
    assertThat(values.get(SqlInfo.FLIGHT_SQL_SERVER_INGEST_TRANSACTIONS_SUPPORTED_VALUE)).isEqualTo(true);
    assertThat(values.get(SqlInfo.SQL_SAVEPOINTS_SUPPORTED_VALUE)).isEqualTo(false);
  }

  @Test
  void everyCatalogCommandAnswersInTheSpecificationsSchema() throws Exception {
    TableRef accounts = TableRef.of(null, "main", "accounts");
    TableRef tickets = TableRef.of(null, "main", "tickets");
    assertSchema(flightSql.client().getCatalogs(), Schemas.GET_CATALOGS_SCHEMA);
    assertSchema(flightSql.client().getSchemas(null, null), Schemas.GET_SCHEMAS_SCHEMA);
    assertSchema(flightSql.client().getTables(null, null, null, null, false), Schemas.GET_TABLES_SCHEMA_NO_SCHEMA);
    assertSchema(flightSql.client().getTables(null, null, null, null, true), Schemas.GET_TABLES_SCHEMA);
    assertSchema(flightSql.client().getTableTypes(), Schemas.GET_TABLE_TYPES_SCHEMA);
    assertSchema(flightSql.client().getPrimaryKeys(accounts), Schemas.GET_PRIMARY_KEYS_SCHEMA);
    assertSchema(flightSql.client().getExportedKeys(accounts), Schemas.GET_EXPORTED_KEYS_SCHEMA);
    assertSchema(flightSql.client().getImportedKeys(tickets), Schemas.GET_IMPORTED_KEYS_SCHEMA);
    assertSchema(flightSql.client().getCrossReference(accounts, tickets), Schemas.GET_CROSS_REFERENCE_SCHEMA);
    assertSchema(flightSql.client().getXdbcTypeInfo(), Schemas.GET_TYPE_INFO_SCHEMA);
    assertSchema(flightSql.client().getSqlInfo(new SqlInfo[0]), Schemas.GET_SQL_INFO_SCHEMA);
  }

  @Test
  void includeSchemaDescribesEachColumnWithFlightSqlMetadata() throws Exception {
    Map<String, Schema> schemas = new HashMap<>();
    try (FlightStream stream = stream(flightSql.client().getTables("memory", "main", "%", null, true))) {
      while (stream.next()) {
        VectorSchemaRoot root = stream.getRoot();
        for (int row = 0; row < root.getRowCount(); row++) {
          String table = ((VarCharVector) root.getVector("table_name")).getObject(row).toString();
          byte[] bytes = ((VarBinaryVector) root.getVector("table_schema")).get(row);
          schemas.put(table, MessageSerializer.deserializeSchema(
              new ReadChannel(Channels.newChannel(new ByteArrayInputStream(bytes)))));
        }
      }
    }
    assertThat(schemas).containsKeys("accounts", "tickets", "rich");
    Schema accounts = schemas.get("accounts");
    assertThat(accounts.getFields()).extracting(Field::getName)
        .containsExactly("id", "owner", "balance", "opened", "tags");
    assertThat(accounts.findField("owner").isNullable()).isFalse();
    assertThat(accounts.findField("opened").isNullable()).isTrue();
    FlightSqlColumnMetadata balance = new FlightSqlColumnMetadata(accounts.findField("balance").getMetadata());
    assertThat(balance.getTypeName()).isEqualTo("DECIMAL(12,2)");
    assertThat(balance.getPrecision()).isEqualTo(12);
    assertThat(balance.getScale()).isEqualTo(2);
    assertThat(balance.getCatalogName()).isEqualTo("memory");
    assertThat(balance.getSchemaName()).isEqualTo("main");
    assertThat(balance.getTableName()).isEqualTo("accounts");
    assertThat(balance.isReadOnly()).isFalse();
    assertThat(balance.isSearchable()).isTrue();
    assertThat(new FlightSqlColumnMetadata(accounts.findField("owner").getMetadata()).isCaseSensitive()).isTrue();
    assertThat(new FlightSqlColumnMetadata(accounts.findField("tags").getMetadata()).getTypeName())
        .isEqualTo("VARCHAR[]");
    assertThat(new FlightSqlColumnMetadata(schemas.get("tickets").findField("id").getMetadata()).isAutoIncrement())
        .isTrue();
    assertThat(new FlightSqlColumnMetadata(schemas.get("rich").findField("owner").getMetadata()).isReadOnly())
        .isTrue();
  }

  @Test
  void queryResultSchemasCarryColumnMetadataAndMatchTheStream() throws Exception {
    String sql = "SELECT id, owner, balance, tags, 'x' AS label FROM accounts";
    FlightInfo info = flightSql.client().execute(sql);
    FlightSqlColumnMetadata balance = new FlightSqlColumnMetadata(info.getSchema().findField("balance").getMetadata());
    assertThat(balance.getTypeName()).isEqualTo("DECIMAL(12,2)");
    assertThat(balance.getPrecision()).isEqualTo(12);
    assertThat(balance.getScale()).isEqualTo(2);
    assertThat(balance.isReadOnly()).isTrue();
    try (FlightStream stream = stream(info)) {
      assertThat(stream.getSchema()).isEqualTo(info.getSchema());
    }
    try (FlightSqlClient.PreparedStatement prepared = flightSql.client().prepare(sql)) {
      assertThat(prepared.getResultSetSchema()).isEqualTo(info.getSchema());
      FlightInfo preparedInfo = prepared.execute();
      try (FlightStream stream = stream(preparedInfo)) {
        assertThat(stream.getSchema()).isEqualTo(info.getSchema());
      }
    }
    assertThat(flightSql.client().getExecuteSchema(sql).getSchema()).isEqualTo(info.getSchema());
  }

  @Test
  void listsXdbcTypeInfoFilteredByDataType() throws Exception {
    List<String> all = strings(flightSql.client().getXdbcTypeInfo(), "type_name");
    assertThat(all).contains("BOOLEAN", "TINYINT", "INTEGER", "BIGINT", "HUGEINT", "DECIMAL", "DOUBLE", "VARCHAR",
        "BLOB", "DATE", "TIME", "TIMESTAMP", "TIMESTAMP WITH TIME ZONE", "INTERVAL", "UUID", "LIST", "STRUCT", "MAP");
    assertThat(strings(flightSql.client().getXdbcTypeInfo(Types.INTEGER), "type_name"))
        .containsExactly("INTEGER", "USMALLINT");
    assertThat(strings(flightSql.client().getXdbcTypeInfo(Types.NCLOB), "type_name")).isEmpty();
  }

  @Test
  void rejectsAPatternThatEndsInTheEscapeCharacter() {
    assertThatThrownBy(() -> strings(flightSql.client().getTables(null, "main\\", null, null, false), "table_name"))
        .isInstanceOf(FlightRuntimeException.class)
        .satisfies(e -> assertThat(((FlightRuntimeException) e).status().code())
            .isEqualTo(CallStatus.INVALID_ARGUMENT.code()));
  }

  @Test
  void rejectsKeysOfAnUnknownTable() {
    assertThatThrownBy(() -> strings(flightSql.client().getImportedKeys(TableRef.of(null, null, "nowhere")),
        "pk_table_name"))
        .isInstanceOf(FlightRuntimeException.class)
        .hasMessageContaining("no table or view 'nowhere'")
        .satisfies(e -> assertThat(((FlightRuntimeException) e).status().code())
            .isEqualTo(CallStatus.NOT_FOUND.code()));
    assertThatThrownBy(() -> strings(flightSql.client().getPrimaryKeys(TableRef.of(null, null, "")), "table_name"))
        .isInstanceOf(FlightRuntimeException.class)
        .hasMessageContaining("a table name is required");
  }

  @Test
  void treatsUnderscoreAndPercentAsWildcardsAndOtherTextExactly() throws Exception {
    assertThat(strings(flightSql.client().getTables(null, "main", "ac_ounts", null, false), "table_name"))
        .containsExactly("accounts");
    assertThat(strings(flightSql.client().getTables(null, "main", "ACCOUNTS", null, false), "table_name")).isEmpty();
    assertThat(strings(flightSql.client().getTables(null, "main", "t%", List.of("TABLE"), false), "table_name"))
        .containsExactly("tickets");
    assertThat(strings(flightSql.client().getTables("no_such_catalog", null, null, null, false), "table_name"))
        .isEmpty();
  }

  private static FlightStream stream(FlightInfo info) {
    return flightSql.client().getStream(info.getEndpoints().get(0).getTicket());
  }

  private static void assertSchema(FlightInfo info, Schema expected) throws Exception {
    assertThat(info.getSchema()).isEqualTo(expected);
    try (FlightStream stream = stream(info)) {
      assertThat(stream.getSchema()).isEqualTo(expected);
      while (stream.next()) {
        assertThat(stream.getRoot().getSchema()).isEqualTo(expected);
      }
    }
  }

  private static List<String> strings(FlightInfo info, String column) throws Exception {
    List<String> values = new ArrayList<>();
    try (FlightStream stream = stream(info)) {
      while (stream.next()) {
        VarCharVector vector = (VarCharVector) stream.getRoot().getVector(column);
        for (int row = 0; row < stream.getRoot().getRowCount(); row++) {
          values.add(vector.getObject(row).toString());
        }
      }
    }
    return values;
  }

  private static Map<Integer, Object> sqlInfoValues(FlightInfo info) throws Exception {
    Map<Integer, Object> values = new HashMap<>();
    try (FlightStream stream = stream(info)) {
      while (stream.next()) {
        UInt4Vector names = (UInt4Vector) stream.getRoot().getVector("info_name");
        DenseUnionVector answers = (DenseUnionVector) stream.getRoot().getVector("value");
        for (int row = 0; row < stream.getRoot().getRowCount(); row++) {
          values.put(names.get(row), answers.getObject(row));
        }
      }
    }
    return values;
  }

  private static Map<Integer, Member> sqlInfoMembers(FlightInfo info) throws Exception {
    Map<Integer, Member> members = new HashMap<>();
    try (FlightStream stream = stream(info)) {
      while (stream.next()) {
        UInt4Vector names = (UInt4Vector) stream.getRoot().getVector("info_name");
        DenseUnionVector values = (DenseUnionVector) stream.getRoot().getVector("value");
        for (int row = 0; row < stream.getRoot().getRowCount(); row++) {
          members.put(names.get(row), Member.values()[values.getTypeId(row)]);
        }
      }
    }
    return members;
  }

  /**
   * The value type FlightSql.proto documents for each SqlInfo id. One deliberate exception: the proto calls
   * SQL_DEFAULT_TRANSACTION_ISOLATION an int32, but Arrow Java's SqlInfoBuilder writes it as int64 and its JDBC
   * driver reads it as a Long (an int32 would make getDefaultTransactionIsolation fail), so int64 is expected.
   */
  private static Map<SqlInfo, Member> specificationMembers() throws IOException {
    Map<SqlInfo, Member> members = new EnumMap<>(SqlInfo.class);
    for (SqlInfo id : List.of(SqlInfo.FLIGHT_SQL_SERVER_NAME, SqlInfo.FLIGHT_SQL_SERVER_VERSION,
        SqlInfo.FLIGHT_SQL_SERVER_ARROW_VERSION, SqlInfo.FLIGHT_SQL_SERVER_SUBSTRAIT_MIN_VERSION,
        SqlInfo.FLIGHT_SQL_SERVER_SUBSTRAIT_MAX_VERSION, SqlInfo.SQL_IDENTIFIER_QUOTE_CHAR,
        SqlInfo.SQL_SEARCH_STRING_ESCAPE, SqlInfo.SQL_EXTRA_NAME_CHARACTERS, SqlInfo.SQL_SCHEMA_TERM,
        SqlInfo.SQL_PROCEDURE_TERM, SqlInfo.SQL_CATALOG_TERM)) {
      members.put(id, Member.STRING);
    }
    for (SqlInfo id : List.of(SqlInfo.FLIGHT_SQL_SERVER_READ_ONLY, SqlInfo.FLIGHT_SQL_SERVER_SQL,
        SqlInfo.FLIGHT_SQL_SERVER_SUBSTRAIT, SqlInfo.FLIGHT_SQL_SERVER_CANCEL,
        SqlInfo.FLIGHT_SQL_SERVER_BULK_INGESTION, SqlInfo.FLIGHT_SQL_SERVER_INGEST_TRANSACTIONS_SUPPORTED,
        SqlInfo.SQL_DDL_CATALOG, SqlInfo.SQL_DDL_SCHEMA, SqlInfo.SQL_DDL_TABLE, SqlInfo.SQL_ALL_TABLES_ARE_SELECTABLE,
        SqlInfo.SQL_SUPPORTS_COLUMN_ALIASING, SqlInfo.SQL_NULL_PLUS_NULL_IS_NULL,
        SqlInfo.SQL_SUPPORTS_TABLE_CORRELATION_NAMES, SqlInfo.SQL_SUPPORTS_DIFFERENT_TABLE_CORRELATION_NAMES,
        SqlInfo.SQL_SUPPORTS_EXPRESSIONS_IN_ORDER_BY, SqlInfo.SQL_SUPPORTS_ORDER_BY_UNRELATED,
        SqlInfo.SQL_SUPPORTS_LIKE_ESCAPE_CLAUSE, SqlInfo.SQL_SUPPORTS_NON_NULLABLE_COLUMNS,
        SqlInfo.SQL_SUPPORTS_INTEGRITY_ENHANCEMENT_FACILITY, SqlInfo.SQL_CATALOG_AT_START,
        SqlInfo.SQL_SELECT_FOR_UPDATE_SUPPORTED, SqlInfo.SQL_STORED_PROCEDURES_SUPPORTED,
        SqlInfo.SQL_CORRELATED_SUBQUERIES_SUPPORTED, SqlInfo.SQL_MAX_ROW_SIZE_INCLUDES_BLOBS,
        SqlInfo.SQL_TRANSACTIONS_SUPPORTED, SqlInfo.SQL_DATA_DEFINITION_CAUSES_TRANSACTION_COMMIT,
        SqlInfo.SQL_DATA_DEFINITIONS_IN_TRANSACTIONS_IGNORED, SqlInfo.SQL_BATCH_UPDATES_SUPPORTED,
        SqlInfo.SQL_SAVEPOINTS_SUPPORTED, SqlInfo.SQL_NAMED_PARAMETERS_SUPPORTED, SqlInfo.SQL_LOCATORS_UPDATE_COPY,
        SqlInfo.SQL_STORED_FUNCTIONS_USING_CALL_SYNTAX_SUPPORTED)) {
      members.put(id, Member.BOOL);
    }
    for (SqlInfo id : List.of(SqlInfo.SQL_MAX_BINARY_LITERAL_LENGTH, SqlInfo.SQL_MAX_CHAR_LITERAL_LENGTH,
        SqlInfo.SQL_MAX_COLUMN_NAME_LENGTH, SqlInfo.SQL_MAX_COLUMNS_IN_GROUP_BY, SqlInfo.SQL_MAX_COLUMNS_IN_INDEX,
        SqlInfo.SQL_MAX_COLUMNS_IN_ORDER_BY, SqlInfo.SQL_MAX_COLUMNS_IN_SELECT, SqlInfo.SQL_MAX_COLUMNS_IN_TABLE,
        SqlInfo.SQL_MAX_CONNECTIONS, SqlInfo.SQL_MAX_CURSOR_NAME_LENGTH, SqlInfo.SQL_MAX_INDEX_LENGTH,
        SqlInfo.SQL_DB_SCHEMA_NAME_LENGTH, SqlInfo.SQL_MAX_PROCEDURE_NAME_LENGTH, SqlInfo.SQL_MAX_CATALOG_NAME_LENGTH,
        SqlInfo.SQL_MAX_ROW_SIZE, SqlInfo.SQL_MAX_STATEMENT_LENGTH, SqlInfo.SQL_MAX_STATEMENTS,
        SqlInfo.SQL_MAX_TABLE_NAME_LENGTH, SqlInfo.SQL_MAX_TABLES_IN_SELECT, SqlInfo.SQL_MAX_USERNAME_LENGTH,
        SqlInfo.SQL_DEFAULT_TRANSACTION_ISOLATION)) {
      members.put(id, Member.BIGINT);
    }
    for (SqlInfo id : List.of(SqlInfo.FLIGHT_SQL_SERVER_TRANSACTION, SqlInfo.FLIGHT_SQL_SERVER_STATEMENT_TIMEOUT,
        SqlInfo.FLIGHT_SQL_SERVER_TRANSACTION_TIMEOUT, SqlInfo.SQL_IDENTIFIER_CASE,
        SqlInfo.SQL_QUOTED_IDENTIFIER_CASE, SqlInfo.SQL_NULL_ORDERING, SqlInfo.SQL_SUPPORTED_GROUP_BY,
        SqlInfo.SQL_SUPPORTED_GRAMMAR, SqlInfo.SQL_ANSI92_SUPPORTED_LEVEL, SqlInfo.SQL_OUTER_JOINS_SUPPORT_LEVEL,
        SqlInfo.SQL_SCHEMAS_SUPPORTED_ACTIONS, SqlInfo.SQL_CATALOGS_SUPPORTED_ACTIONS,
        SqlInfo.SQL_SUPPORTED_POSITIONED_COMMANDS, SqlInfo.SQL_SUPPORTED_SUBQUERIES, SqlInfo.SQL_SUPPORTED_UNIONS,
        SqlInfo.SQL_SUPPORTED_TRANSACTIONS_ISOLATION_LEVELS, SqlInfo.SQL_SUPPORTED_RESULT_SET_TYPES,
        SqlInfo.SQL_SUPPORTED_CONCURRENCIES_FOR_RESULT_SET_UNSPECIFIED,
        SqlInfo.SQL_SUPPORTED_CONCURRENCIES_FOR_RESULT_SET_FORWARD_ONLY,
        SqlInfo.SQL_SUPPORTED_CONCURRENCIES_FOR_RESULT_SET_SCROLL_SENSITIVE,
        SqlInfo.SQL_SUPPORTED_CONCURRENCIES_FOR_RESULT_SET_SCROLL_INSENSITIVE)) {
      members.put(id, Member.INT32);
    }
    for (SqlInfo id : List.of(SqlInfo.SQL_KEYWORDS, SqlInfo.SQL_NUMERIC_FUNCTIONS, SqlInfo.SQL_STRING_FUNCTIONS,
        SqlInfo.SQL_SYSTEM_FUNCTIONS, SqlInfo.SQL_DATETIME_FUNCTIONS)) {
      members.put(id, Member.STRING_LIST);
    }
    members.put(SqlInfo.SQL_SUPPORTS_CONVERT, Member.INT32_TO_INT32_LIST_MAP);
    return members;
  }
}
