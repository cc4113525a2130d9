package dev.bridge.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.apache.arrow.adbc.core.AdbcConnection;
import org.apache.arrow.adbc.core.AdbcDatabase;
import org.apache.arrow.adbc.core.AdbcException;
import org.apache.arrow.adbc.core.AdbcStatement;
import org.apache.arrow.adbc.core.BulkIngestMode;
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

/**
 * The Java ADBC Flight SQL driver (0.20). Its bulk ingest is a CREATE TABLE plus a prepared INSERT with the whole
 * batch bound as parameters, which Bridge runs as one atomic unit.
 */
class AdbcIngestTest {
  @RegisterExtension
  static final TestServer server = TestServer.perClass();
  private static BufferAllocator allocator;
  private static AdbcDatabase database;

  @BeforeAll
  static void start() throws AdbcException {
    allocator = new RootAllocator();
    database = server.adbcDatabase(allocator);
  }

  @AfterAll
  static void stop() throws Exception {
    database.close();
    allocator.close();
  }

  private static VectorSchemaRoot ids(long... values) {
    Schema schema = new Schema(List.of(Field.nullable("id", new ArrowType.Int(64, true))));
    VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator);
    BigIntVector vector = (BigIntVector) root.getVector("id");
    vector.allocateNew(values.length);
    for (int i = 0; i < values.length; i++) {
      vector.set(i, values[i]);
    }
    root.setRowCount(values.length);
    return root;
  }

  private static long ingest(AdbcConnection connection, String table, BulkIngestMode mode, VectorSchemaRoot data)
      throws Exception {
    try (AdbcStatement statement = connection.bulkIngest(table, mode)) {
      statement.bind(data);
      return statement.executeUpdate().getAffectedRows();
    }
  }

  private static long sum(AdbcConnection connection, String table) throws Exception {
    try (AdbcStatement statement = connection.createStatement()) {
      statement.setSqlQuery("SELECT (count(*) * 1000 + sum(id))::BIGINT FROM " + table);
      try (AdbcStatement.QueryResult result = statement.executeQuery(); ArrowReader reader = result.getReader()) {
        reader.loadNextBatch();
        return ((BigIntVector) reader.getVectorSchemaRoot().getVector(0)).get(0);
      }
    }
  }

  @Test
  void bulkIngestCreatesAndAppends() throws Exception {
    try (AdbcConnection connection = database.connect();
         VectorSchemaRoot first = ids(1, 2, 3); VectorSchemaRoot second = ids(10, 20)) {
      assertThat(ingest(connection, "adbc_ingest", BulkIngestMode.CREATE, first)).isEqualTo(3);
      assertThat(ingest(connection, "adbc_ingest", BulkIngestMode.APPEND, second)).isEqualTo(2);
      assertThat(sum(connection, "adbc_ingest")).isEqualTo(5 * 1000 + 36);
    }
  }

  @Test
  void createOnAnExistingTableFailsAndChangesNothing() throws Exception {
    try (AdbcConnection connection = database.connect(); VectorSchemaRoot data = ids(7)) {
      ingest(connection, "adbc_twice", BulkIngestMode.CREATE, data);
      assertThatThrownBy(() -> ingest(connection, "adbc_twice", BulkIngestMode.CREATE, data))
          .isInstanceOf(AdbcException.class).hasMessageContaining("adbc_twice");
      assertThat(sum(connection, "adbc_twice")).isEqualTo(1000 + 7);
    }
  }

  @Test
  void aBatchViolatingAConstraintLandsNoRow() throws Exception {
    try (AdbcConnection connection = database.connect(); VectorSchemaRoot data = ids(1, 2, 2)) {
      try (AdbcStatement statement = connection.createStatement()) {
        statement.setSqlQuery("CREATE TABLE adbc_pk(id BIGINT PRIMARY KEY)");
        statement.executeUpdate();
      }
      assertThatThrownBy(() -> ingest(connection, "adbc_pk", BulkIngestMode.APPEND, data))
          .isInstanceOf(AdbcException.class).hasMessageContaining("Constraint");
      try (AdbcStatement statement = connection.createStatement()) {
        statement.setSqlQuery("SELECT count(*) FROM adbc_pk");
        try (AdbcStatement.QueryResult result = statement.executeQuery(); ArrowReader reader = result.getReader()) {
          reader.loadNextBatch();
          assertThat(((BigIntVector) reader.getVectorSchemaRoot().getVector(0)).get(0)).isZero();
        }
      }
    }
  }
}
