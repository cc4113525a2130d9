package dev.bridge.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import java.math.BigDecimal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;
import java.time.Instant;
import java.time.LocalDate;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.sql.FlightSqlClient;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Every DuckDB type through the JDBC driver and the Flight SQL client: values arrive whole and readable. */
class TypeRoundTripTest {
  @RegisterExtension
  static final TestServer server = TestServer.perClass();

  @BeforeAll
  static void start() throws Exception {
    try (Connection connection = DriverManager.getConnection(server.jdbcUrl());
         Statement statement = connection.createStatement()) {
      statement.execute(AllTypes.CREATE_ENUM);
      statement.execute(AllTypes.CREATE_TABLE);
    }
  }

  @Test
  void jdbcReadsEveryTypeFaithfully() throws Exception {
    try (Connection connection = DriverManager.getConnection(server.jdbcUrl());
         Statement statement = connection.createStatement();
         ResultSet rs = statement.executeQuery("SELECT * FROM all_types")) {
      assertThat(rs.next()).isTrue();
      ResultSetMetaData metadata = rs.getMetaData();
      for (int i = 1; i <= metadata.getColumnCount(); i++) {
        // The 18.3.0 driver cannot getObject/getString a zoned timestamp (arrow-java #839); getTimestamp works.
        int column = i;
        if (!metadata.getColumnName(column).equals("tstz")) {
          assertThatCode(() -> {
            rs.getObject(column);
            rs.getString(column);
          }).as(metadata.getColumnName(column)).doesNotThrowAnyException();
        }
      }
      assertThat(rs.getTimestamp("tstz").toInstant()).isEqualTo(Instant.parse("2024-02-29T12:34:56Z"));
      assertThat(rs.getInt("ut")).isEqualTo(255);
      assertThat(rs.getInt("us")).isEqualTo(65535);
      assertThat(rs.getByte("t")).isEqualTo((byte) -1);
      assertThat(rs.getLong("b")).isEqualTo(-4);
      assertThat(rs.getBigDecimal("h")).isEqualByComparingTo("170141183460469231731687303715884105727");
      assertThat(rs.getLong("ui")).isEqualTo(4294967295L);
      assertThat(rs.getString("ub")).isEqualTo("18446744073709551615");
      assertThat(rs.getString("uh")).isEqualTo("340282366920938463463374607431768211455");
      assertThat(rs.getBigDecimal("d18")).isEqualByComparingTo("123456789012.345678");
      assertThat(rs.getBigDecimal("d38"))
          .isEqualByComparingTo(new BigDecimal("12345678901234567890.123456789012345678"));
      assertThat(rs.getString("v")).isEqualTo("héllo");
      assertThat(rs.getBytes("bl")).containsExactly((byte) 0xAA, (byte) 0xBB);
      assertThat(rs.getDate("dt").toLocalDate()).isEqualTo(LocalDate.of(2024, 2, 29));
      assertThat(rs.getString("u")).isEqualTo("550e8400-e29b-41d4-a716-446655440000");
      assertThat(rs.getString("e")).isEqualTo("happy");
      assertThat(rs.getString("ttz")).isEqualTo("12:00:00+05:30");
      assertThat(rs.getString("bit")).isEqualTo("1011");
      assertThat(rs.getBoolean("bo")).isTrue();
      assertThat(rs.getDouble("db")).isEqualTo(3.25);
      assertThat(rs.getObject("le").toString()).contains("ok", "sad");
      assertThat(rs.getObject("un")).isEqualTo(2);
      // VARIANT (DuckDB 2.0) as its JSON text; GEOMETRY as its WKB bytes (GeoArrow WKB).
      assertThat(rs.getString("va")).isEqualTo("{\"a\":1,\"b\":[1.5,null]}");
      assertThat(rs.getObject("lva").toString()).isEqualTo("[\"42\",\"\\\"x\\\"\"]");
      assertThat(rs.getBytes("geo")).isEqualTo(POINT_1_2_WKB);
      assertThat(rs.getObject("n")).isNull();
      assertThat(rs.next()).isFalse();
    }
  }

  /** POINT(1 2) as little-endian WKB: byte order, geometry type 1, then x and y as doubles. */
  static final byte[] POINT_1_2_WKB = java.nio.ByteBuffer.allocate(21).order(java.nio.ByteOrder.LITTLE_ENDIAN)
      .put((byte) 1).putInt(1).putDouble(1.0).putDouble(2.0).array();

  @Test
  void flightInfoSchemaIsTheStreamedSchema() throws Exception {
    try (BufferAllocator allocator = new RootAllocator();
         FlightSqlClient client = server.flightSqlClient(allocator)) {
      FlightInfo info = client.execute("SELECT * FROM all_types");
      try (FlightStream stream = client.getStream(info.getEndpoints().get(0).getTicket())) {
        VectorSchemaRoot root = stream.getRoot();
        assertThat(root.getSchema()).isEqualTo(info.getSchema());
        assertThat(stream.next()).isTrue();
        assertThat(root.getRowCount()).isEqualTo(1);
        assertThat(root.getVector("e").getObject(0)).hasToString("happy");
        assertThat(root.getVector("uh").getObject(0)).hasToString("340282366920938463463374607431768211455");
        assertThat(root.getVector("va").getObject(0)).hasToString("{\"a\":1,\"b\":[1.5,null]}");
        assertThat((byte[]) root.getVector("geo").getObject(0)).isEqualTo(POINT_1_2_WKB);
        assertThat(root.getSchema().findField("geo").getMetadata())
            .containsEntry("ARROW:extension:name", "geoarrow.wkb");
        assertThat(stream.next()).isFalse();
      }
    }
  }
}
