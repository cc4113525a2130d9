package dev.bridge.protocol.auth;

import static dev.bridge.protocol.auth.AuthFixture.ADMIN;
import static dev.bridge.protocol.auth.AuthFixture.READER;
import static dev.bridge.protocol.auth.AuthFixture.SIGNING_KEY;
import static dev.bridge.protocol.auth.AuthFixture.WRITER;
import static dev.bridge.protocol.auth.AuthFixture.aMinuteAgo;
import static dev.bridge.protocol.auth.AuthFixture.bearer;
import static dev.bridge.protocol.auth.AuthFixture.inAnHour;
import static dev.bridge.protocol.auth.AuthFixture.login;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Any;
import dev.bridge.protocol.TestServer;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;
import org.apache.arrow.flight.Action;
import org.apache.arrow.flight.CallOption;
import org.apache.arrow.flight.Criteria;
import org.apache.arrow.flight.FlightClient;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStatusCode;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.Result;
import org.apache.arrow.flight.SyncPutListener;
import org.apache.arrow.flight.Ticket;
import org.apache.arrow.flight.grpc.CredentialCallOption;
import org.apache.arrow.flight.sql.FlightSqlClient;
import org.apache.arrow.flight.sql.impl.FlightSql.ActionCreatePreparedStatementRequest;
import org.apache.arrow.flight.sql.impl.FlightSql.ActionCreatePreparedStatementResult;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandPreparedStatementQuery;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandStatementQuery;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Authentication on the Flight port, through Arrow's FlightClient and FlightSqlClient. */
class FlightAuthTest {
  @RegisterExtension
  static final TestServer server = TestServer.perClass(AuthFixture::enable);

  private BufferAllocator allocator;
  private FlightClient client;

  @BeforeEach
  void connect() {
    allocator = new RootAllocator();
    client = server.flightClient(allocator);
  }

  @AfterEach
  void disconnect() throws Exception {
    client.close();
    allocator.close();
  }

  @Test
  void basicCredentialsInTheHandshakeAnswerABearerTokenThatRunsQueries() throws Exception {
    CredentialCallOption token = login(client, READER);
    FlightSqlClient sql = new FlightSqlClient(client);
    assertThat(countRows(sql, sql.execute("SELECT * FROM range(5)", token), token)).isEqualTo(5);
  }

  @Test
  void aWrongPasswordIsUnauthenticated() {
    assertUnauthenticated(() -> client.authenticateBasicToken(ADMIN, "not-the-password"));
    assertUnauthenticated(() -> client.authenticateBasicToken("nobody", "whatever"));
  }

  /** Credentials that must be refused, each with a name for the report. */
  static Stream<Arguments> badCredentials() {
    return Stream.of(
        Arguments.of("missing", new CallOption[0]),
        Arguments.of("malformed", new CallOption[] {bearer("not-a-jwt")}),
        Arguments.of("expired", new CallOption[] {bearer(AuthFixture.serverToken(ADMIN, aMinuteAgo(), SIGNING_KEY))}),
        Arguments.of("wrongly signed", new CallOption[] {
            bearer(AuthFixture.serverToken(ADMIN, inAnHour(), "another-key-of-at-least-thirty-two-bytes"))}),
        Arguments.of("external, wrong key", new CallOption[] {
            bearer(AuthFixture.externalToken("eve", "admin", inAnHour(), AuthFixture.OTHER_KEYS))}),
        Arguments.of("external, expired", new CallOption[] {
            bearer(AuthFixture.externalToken("eve", "admin", aMinuteAgo(), AuthFixture.EXTERNAL_KEYS))}));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badCredentials")
  void everyRpcRefusesBadCredentials(String what, CallOption[] options) {
    FlightDescriptor query = statement("SELECT 1");
    assertUnauthenticated(() -> client.getInfo(query, options));
    assertUnauthenticated(() -> client.getSchema(query, options));
    assertUnauthenticated(() -> drain(client.getStream(new Ticket(new byte[] {1}), options)));
    assertUnauthenticated(() -> {
      try (VectorSchemaRoot root = VectorSchemaRoot.create(new Schema(List.of()), allocator)) {
        FlightClient.ClientStreamListener put = client.startPut(query, root, new SyncPutListener(), options);
        put.completed();
        put.getResult();
      }
    });
    assertUnauthenticated(() -> client.doAction(new Action("CreatePreparedStatement",
        Any.pack(ActionCreatePreparedStatementRequest.newBuilder().setQuery("SELECT 1").build()).toByteArray()),
        options).hasNext());
    assertUnauthenticated(() -> client.listActions(options).forEach(action -> { }));
    assertUnauthenticated(() -> client.listFlights(Criteria.ALL, options).forEach(info -> { }));
    assertUnauthenticated(() -> {
      try (FlightClient.ExchangeReaderWriter exchange = client.doExchange(query, options)) {
        exchange.getReader().next();
      }
    });
    assertUnauthenticated(() -> client.handshake(options));
  }

  @Test
  void externallyIssuedTokensRunAsTheirClaimedUserAndRole() throws Exception {
    CredentialCallOption external = bearer(AuthFixture.externalToken("erin@example.com", "reader", inAnHour(),
        AuthFixture.EXTERNAL_KEYS));
    FlightSqlClient sql = new FlightSqlClient(client);
    assertThat(countRows(sql, sql.execute("SELECT 42", external), external)).isEqualTo(1);
    assertThatThrownBy(() -> sql.executeUpdate("CREATE TABLE erin_was_here(a INT)", external))
        .isInstanceOfSatisfying(FlightRuntimeException.class,
            e -> assertThat(e.status().code()).isEqualTo(FlightStatusCode.UNAUTHORIZED));
  }

  @Test
  void aReaderCannotIngestThroughCommandStatementIngest() throws Exception {
    CredentialCallOption reader = login(client, READER);
    FlightSqlClient sql = new FlightSqlClient(client);
    Schema schema = new Schema(List.of(org.apache.arrow.vector.types.pojo.Field.nullable("id",
        new org.apache.arrow.vector.types.pojo.ArrowType.Int(64, true))));
    try (VectorSchemaRoot data = VectorSchemaRoot.create(schema, allocator)) {
      data.setRowCount(0);
      FlightSqlClient.ExecuteIngestOptions options = new FlightSqlClient.ExecuteIngestOptions("reader_upload",
          org.apache.arrow.flight.sql.impl.FlightSql.CommandStatementIngest.TableDefinitionOptions.newBuilder()
              .setIfNotExist(org.apache.arrow.flight.sql.impl.FlightSql.CommandStatementIngest
                  .TableDefinitionOptions.TableNotExistOption.TABLE_NOT_EXIST_OPTION_CREATE)
              .setIfExists(org.apache.arrow.flight.sql.impl.FlightSql.CommandStatementIngest
                  .TableDefinitionOptions.TableExistsOption.TABLE_EXISTS_OPTION_FAIL).build(),
          false, null, null, java.util.Map.of());
      assertThatThrownBy(() -> sql.executeIngest(data, options, reader))
          .isInstanceOfSatisfying(FlightRuntimeException.class, e -> {
            assertThat(e.status().code()).isEqualTo(FlightStatusCode.UNAUTHORIZED);
            assertThat(e.getMessage()).contains("role reader");
          });
    }
  }

  @Test
  void aReadersTransactionIsReadOnly() throws Exception {
    CredentialCallOption writer = login(client, WRITER);
    CredentialCallOption reader = login(client, READER);
    FlightSqlClient sql = new FlightSqlClient(client);
    sql.executeUpdate("CREATE SEQUENCE flight_reader_ids", writer);
    FlightSqlClient.Transaction transaction = sql.beginTransaction(reader);
    assertThatThrownBy(() -> countRows(sql, sql.execute("SELECT nextval('flight_reader_ids')", transaction, reader),
        reader)).isInstanceOfSatisfying(FlightRuntimeException.class, e -> {
          assertThat(e.status().code()).isEqualTo(FlightStatusCode.UNAUTHORIZED);
          assertThat(e.getMessage()).contains("read-only");
        });
    sql.rollback(transaction, reader);
  }

  @Test
  void aTicketFromOneUserIsUselessToAnother() throws Exception {
    CredentialCallOption writer = login(client, WRITER);
    CredentialCallOption admin = login(client, ADMIN);
    FlightSqlClient sql = new FlightSqlClient(client);
    FlightInfo info = sql.execute("SELECT 'secret'", writer);
    Ticket ticket = info.getEndpoints().get(0).getTicket();
    assertThatThrownBy(() -> drain(client.getStream(ticket, admin)))
        .isInstanceOfSatisfying(FlightRuntimeException.class,
            e -> assertThat(e.status().code()).isEqualTo(FlightStatusCode.NOT_FOUND));
    assertThat(countRows(sql, info, writer)).isEqualTo(1);
  }

  @Test
  void aPreparedStatementHandleFromOneUserIsUselessToAnother() throws Exception {
    CredentialCallOption writer = login(client, WRITER);
    CredentialCallOption reader = login(client, READER);
    Iterator<Result> results = client.doAction(new Action("CreatePreparedStatement",
        Any.pack(ActionCreatePreparedStatementRequest.newBuilder().setQuery("SELECT 7").build()).toByteArray()),
        writer);
    ActionCreatePreparedStatementResult prepared =
        Any.parseFrom(results.next().getBody()).unpack(ActionCreatePreparedStatementResult.class);
    FlightDescriptor byHandle = FlightDescriptor.command(Any.pack(CommandPreparedStatementQuery.newBuilder()
        .setPreparedStatementHandle(prepared.getPreparedStatementHandle()).build()).toByteArray());
    assertThatThrownBy(() -> client.getInfo(byHandle, reader))
        .isInstanceOfSatisfying(FlightRuntimeException.class,
            e -> assertThat(e.status().code()).isEqualTo(FlightStatusCode.NOT_FOUND));
    assertThat(client.getInfo(byHandle, writer).getEndpoints()).hasSize(1);
  }

  @Test
  void aSessionBelongsToItsTokenAndCloseSessionFreesIt() throws Exception {
    CredentialCallOption first = login(client, WRITER);
    CredentialCallOption second = login(client, WRITER);
    FlightSqlClient sql = new FlightSqlClient(client);
    sql.executeUpdate("CREATE TEMP TABLE mine AS SELECT 1 AS a", first);
    // Another token of the same user is another session: it does not see the first one's temporary table.
    assertThatThrownBy(() -> sql.execute("SELECT * FROM mine", second))
        .isInstanceOf(FlightRuntimeException.class);
    int before = server.server().sessionCount();
    client.closeSession(new org.apache.arrow.flight.CloseSessionRequest(), first);
    assertThat(server.server().sessionCount()).isEqualTo(before - 1);
    assertThatThrownBy(() -> sql.execute("SELECT * FROM mine", first))
        .isInstanceOf(FlightRuntimeException.class).hasMessageContaining("mine");
  }

  static FlightDescriptor statement(String sql) {
    return FlightDescriptor.command(Any.pack(CommandStatementQuery.newBuilder().setQuery(sql).build()).toByteArray());
  }

  static long countRows(FlightSqlClient sql, FlightInfo info, CallOption... options) throws Exception {
    long rows = 0;
    try (FlightStream stream = sql.getStream(info.getEndpoints().get(0).getTicket(), options)) {
      while (stream.next()) {
        rows += stream.getRoot().getRowCount();
      }
    }
    return rows;
  }

  private static void drain(FlightStream stream) throws Exception {
    try (stream) {
      while (stream.next()) {
        stream.getRoot().getRowCount();
      }
    }
  }

  static void assertUnauthenticated(ThrowingRunnable call) {
    assertThatThrownBy(call::run).isInstanceOfSatisfying(FlightRuntimeException.class,
        e -> assertThat(e.status().code()).as(e.getMessage()).isEqualTo(FlightStatusCode.UNAUTHENTICATED));
  }

  @FunctionalInterface
  interface ThrowingRunnable {
    void run() throws Exception;
  }

}
