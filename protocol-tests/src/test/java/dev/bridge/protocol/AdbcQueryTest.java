package dev.bridge.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.apache.arrow.adbc.core.AdbcConnection;
import org.apache.arrow.adbc.core.AdbcDatabase;
import org.apache.arrow.adbc.core.AdbcException;
import org.apache.arrow.adbc.core.AdbcStatement;
import org.apache.arrow.adbc.core.AdbcStatusCode;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowReader;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The Java ADBC Flight SQL driver against Bridge. ADBC rejects any difference between the announced and the
 * streamed schema.
 */
class AdbcQueryTest {
  @RegisterExtension
  static final TestServer server = TestServer.perClass();
  private BufferAllocator allocator;
  private AdbcDatabase database;
  private AdbcConnection connection;

  @BeforeEach
  void connect() throws AdbcException {
    allocator = new RootAllocator();
    database = server.adbcDatabase(allocator);
    connection = database.connect();
  }

  @AfterEach
  void disconnect() throws Exception {
    connection.close();
    database.close();
    allocator.close();
  }

  private long readAll(AdbcStatement statement) throws Exception {
    long rows = 0;
    try (AdbcStatement.QueryResult result = statement.executeQuery()) {
      ArrowReader reader = result.getReader();
      while (reader.loadNextBatch()) {
        rows += reader.getVectorSchemaRoot().getRowCount();
      }
    }
    return rows;
  }

  @Test
  void queriesStreamEveryRow() throws Exception {
    try (AdbcStatement statement = connection.createStatement()) {
      statement.setSqlQuery("SELECT range AS i, range::VARCHAR AS s FROM range(500000)");
      assertThat(readAll(statement)).isEqualTo(500_000);
    }
  }

  @Test
  void everyTypeStreamsWithTheAnnouncedSchema() throws Exception {
    try (AdbcStatement statement = connection.createStatement()) {
      statement.setSqlQuery(AllTypes.CREATE_ENUM);
      statement.executeUpdate();
      statement.setSqlQuery(AllTypes.CREATE_TABLE);
      statement.executeUpdate();
      statement.setSqlQuery("SELECT * FROM all_types");
      try (AdbcStatement.QueryResult result = statement.executeQuery()) {
        ArrowReader reader = result.getReader();
        assertThat(reader.loadNextBatch()).isTrue();
        VectorSchemaRoot root = reader.getVectorSchemaRoot();
        assertThat(root.getVector("e").getObject(0)).hasToString("happy");
        assertThat(root.getVector("ub").getObject(0)).hasToString("18446744073709551615");
        assertThat(root.getVector("ttz").getObject(0)).hasToString("12:00:00+05:30");
      }
    }
  }

  @Test
  void ddlAndDmlRunExactlyOnce() throws Exception {
    try (AdbcStatement statement = connection.createStatement()) {
      statement.setSqlQuery("CREATE TABLE adbc_once(i INTEGER)");
      statement.executeUpdate();
      statement.setSqlQuery("INSERT INTO adbc_once SELECT range FROM range(10)");
      assertThat(statement.executeUpdate().getAffectedRows()).isEqualTo(10);
      statement.setSqlQuery("SELECT count(*) FROM adbc_once");
      try (AdbcStatement.QueryResult result = statement.executeQuery()) {
        ArrowReader reader = result.getReader();
        assertThat(reader.loadNextBatch()).isTrue();
        assertThat(reader.getVectorSchemaRoot().getVector(0).getObject(0)).isEqualTo(10L);
      }
    }
  }

  @Test
  void preparedStatementsBindParameterBatches() throws Exception {
    try (AdbcStatement statement = connection.createStatement()) {
      statement.setSqlQuery("CREATE TABLE adbc_bind(i INTEGER)");
      statement.executeUpdate();
    }
    Schema schema = new Schema(List.of(new Field("i", FieldType.nullable(new ArrowType.Int(32, true)), null)));
    try (AdbcStatement insert = connection.createStatement();
         VectorSchemaRoot parameters = VectorSchemaRoot.create(schema, allocator)) {
      insert.setSqlQuery("INSERT INTO adbc_bind VALUES (?)");
      insert.prepare();
      IntVector values = (IntVector) parameters.getVector(0);
      for (int i = 0; i < 4; i++) {
        values.setSafe(i, i * 10);
      }
      parameters.setRowCount(4);
      insert.bind(parameters);
      assertThat(insert.executeUpdate().getAffectedRows()).isEqualTo(4);
    }
    try (AdbcStatement query = connection.createStatement()) {
      query.setSqlQuery("SELECT sum(i) FROM adbc_bind");
      try (AdbcStatement.QueryResult result = query.executeQuery()) {
        ArrowReader reader = result.getReader();
        assertThat(reader.loadNextBatch()).isTrue();
        assertThat(reader.getVectorSchemaRoot().getVector(0).getObject(0).toString()).isEqualTo("60");
      }
    }
  }

  @Test
  void errorsCarryTheStatusAndDuckDbsMessage() throws Exception {
    try (AdbcStatement statement = connection.createStatement()) {
      statement.setSqlQuery("SELECT * FROM adbc_missing_table");
      assertThatThrownBy(statement::executeQuery)
          .isInstanceOf(AdbcException.class)
          .hasMessageContaining("adbc_missing_table")
          .satisfies(e -> assertThat(((AdbcException) e).getStatus()).isEqualTo(AdbcStatusCode.NOT_FOUND));
      statement.setSqlQuery("SELEC 1");
      assertThatThrownBy(statement::executeQuery)
          .isInstanceOf(AdbcException.class)
          .satisfies(e -> assertThat(((AdbcException) e).getStatus()).isEqualTo(AdbcStatusCode.INVALID_ARGUMENT));
      statement.setSqlQuery("SELECT 1");
      assertThat(readAll(statement)).isEqualTo(1);
    }
  }
}
