package dev.bridge.protocol.auth;

import static dev.bridge.protocol.auth.AuthFixture.READER;
import static dev.bridge.protocol.auth.AuthFixture.WRITER;
import static dev.bridge.protocol.auth.AuthFixture.password;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bridge.protocol.TestServer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.arrow.adbc.core.AdbcConnection;
import org.apache.arrow.adbc.core.AdbcDatabase;
import org.apache.arrow.adbc.core.AdbcDriver;
import org.apache.arrow.adbc.core.AdbcException;
import org.apache.arrow.adbc.core.AdbcStatement;
import org.apache.arrow.adbc.core.AdbcStatusCode;
import org.apache.arrow.adbc.core.BulkIngestMode;
import org.apache.arrow.adbc.driver.flightsql.FlightSqlDriver;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The Java ADBC Flight SQL driver with username/password: it logs in once and reuses the token (no cookies). */
class AdbcAuthTest {
  @RegisterExtension
  static final TestServer server = TestServer.perClass(AuthFixture::enable);
  private static BufferAllocator allocator;

  @BeforeAll
  static void start() {
    allocator = new RootAllocator();
  }

  @AfterAll
  static void stop() {
    allocator.close();
  }

  private static AdbcDatabase database(String user, String password) throws AdbcException {
    Map<String, Object> parameters = new HashMap<>();
    FlightSqlDriver.PARAM_URI.set(parameters, server.grpcUri());
    parameters.put(AdbcDriver.PARAM_USERNAME.getKey(), user);
    parameters.put(AdbcDriver.PARAM_PASSWORD.getKey(), password);
    return new FlightSqlDriver(allocator).open(parameters);
  }

  @Test
  void usernameAndPasswordLogInAndTheSessionPersistsAcrossCalls() throws Exception {
    try (AdbcDatabase database = database(WRITER, password(WRITER)); AdbcConnection connection = database.connect();
         AdbcStatement create = connection.createStatement(); AdbcStatement query = connection.createStatement()) {
      create.setSqlQuery("CREATE TEMP TABLE adbc_scratch AS SELECT 41 AS a");
      create.executeUpdate();
      query.setSqlQuery("SELECT a + 1 FROM adbc_scratch");
      try (AdbcStatement.QueryResult result = query.executeQuery(); ArrowReader reader = result.getReader()) {
        assertThat(reader.loadNextBatch()).isTrue();
        assertThat(reader.getVectorSchemaRoot().getVector(0).getObject(0)).isEqualTo(42);
      }
    }
  }

  @Test
  void aWrongPasswordIsUnauthenticated() {
    assertThatThrownBy(() -> {
      try (AdbcDatabase database = database(READER, "wrong"); AdbcConnection connection = database.connect();
           AdbcStatement statement = connection.createStatement()) {
        statement.setSqlQuery("SELECT 1");
        statement.executeQuery().close();
      }
    }).isInstanceOfSatisfying(AdbcException.class,
        e -> assertThat(e.getStatus()).isEqualTo(AdbcStatusCode.UNAUTHENTICATED));
  }

  @Test
  void aReaderCannotIngest() throws Exception {
    Schema schema = new Schema(List.of(Field.nullable("id", new ArrowType.Int(64, true))));
    try (AdbcDatabase database = database(READER, password(READER)); AdbcConnection connection = database.connect();
         VectorSchemaRoot data = VectorSchemaRoot.create(schema, allocator);
         AdbcStatement ingest = connection.bulkIngest("reader_upload", BulkIngestMode.CREATE)) {
      ((BigIntVector) data.getVector(0)).allocateNew(1);
      ((BigIntVector) data.getVector(0)).set(0, 1);
      data.setRowCount(1);
      ingest.bind(data);
      // ADBC reports the refused CREATE TABLE of its ingest as its own "could not create table"; the server's
      // PERMISSION_DENIED (UNAUTHORIZED in Arrow Java) is the cause.
      assertThatThrownBy(ingest::executeUpdate).isInstanceOf(AdbcException.class)
          .hasStackTraceContaining("UNAUTHORIZED").hasStackTraceContaining("role reader");
    }
  }
}
