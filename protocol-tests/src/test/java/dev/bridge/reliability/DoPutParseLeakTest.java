package dev.bridge.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.protobuf.ByteString;
import com.google.protobuf.UnknownFieldSet;
import dev.bridge.protocol.TestServer;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.List;
import org.apache.arrow.flatbuf.MessageHeader;
import org.apache.arrow.flight.impl.Flight;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.types.Types.MinorType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * DoPut messages that Flight's own FlightData parser fails on after it has allocated the message's body: Flight
 * never releases that body, so the server must refuse them before Flight parses. Each must end with
 * INVALID_ARGUMENT naming the problem and leave the server's Arrow allocator where it was.
 *
 * <p>The guard answers as soon as it refuses a message, while the DoPut handler is still unwinding: the stream's
 * root and the ingest's C Data structures come back shortly after the status, so the check allows them a moment.
 * A body lost in Flight's parser never comes back.
 */
class DoPutParseLeakTest {
  @RegisterExtension
  static final TestServer server = TestServer.perClass();

  private static final String TABLE = "parse_leak_target";
  /** Offset of Message.version in its table's vtable (field 0), and of Message.header_type (field 1). */
  private static final int VERSION_VTABLE_SLOT = 4;
  private static final int HEADER_TYPE_VTABLE_SLOT = 6;

  private static RawFlight flight;
  private static IpcMessages messages;

  @BeforeAll
  static void createTable() {
    flight = new RawFlight(server.port());
    flight.query(FlightFuzzTest.query("CREATE TABLE " + TABLE + " (id INTEGER)"));
    Schema schema = new Schema(List.of(Field.nullable("id", MinorType.INT.getType())));
    try (BufferAllocator allocator = new RootAllocator();
         VectorSchemaRoot root = VectorSchemaRoot.create(schema, allocator)) {
      IntVector id = (IntVector) root.getVector("id");
      for (int i = 0; i < 100; i++) {
        id.setSafe(i, i);
      }
      root.setRowCount(100);
      messages = IpcMessages.of(root, 1);
    }
  }

  @AfterAll
  static void close() throws InterruptedException {
    flight.close();
  }

  /** The case the Flight fuzz suite found (seed 13647530998703, case 429): Flight throws in MetadataVersion. */
  @Test
  void aBatchWithAnUnknownMetadataVersionIsRefusedWithoutHoldingItsBody() throws InterruptedException {
    IpcMessages.Piece batch = messages.batches().get(0);
    byte[] header = withMessageField(batch.header(), VERSION_VTABLE_SLOT, (short) 0x2a04);

    assertRefusedWithoutLeak(put(new IpcMessages.Piece(header, batch.body())), "unknown Arrow IPC metadata version");
  }

  /** Flight's HeaderType knows no SparseTensor and throws once the body is allocated. */
  @Test
  void aSparseTensorMessageIsRefusedWithoutHoldingItsBody() throws InterruptedException {
    IpcMessages.Piece batch = messages.batches().get(0);
    byte[] header = withHeaderType(batch.header(), MessageHeader.SparseTensor);

    assertRefusedWithoutLeak(put(new IpcMessages.Piece(header, batch.body())), "not SparseTensor");
  }

  /** A flight_descriptor after the body (protobuf allows any field order) that does not parse. */
  @Test
  void aBodyFollowedByADescriptorThatDoesNotParseIsRefusedWithoutHoldingTheBody() throws InterruptedException {
    List<Flight.FlightData> put = put(messages.batches().get(0));
    Flight.FlightData batch = put.get(1).toBuilder().setUnknownFields(UnknownFieldSet.newBuilder()
        .addField(Flight.FlightData.FLIGHT_DESCRIPTOR_FIELD_NUMBER, UnknownFieldSet.Field.newBuilder()
            .addLengthDelimited(ByteString.copyFrom(new byte[] {(byte) 0xff})).build())
        .build()).build();

    assertRefusedWithoutLeak(List.of(put.get(0), batch), "flight_descriptor does not parse");
  }

  @Test
  void aFieldFlightDoesNotReadIsRefused() throws InterruptedException {
    List<Flight.FlightData> put = put(messages.batches().get(0));
    Flight.FlightData batch = put.get(1).toBuilder().setUnknownFields(UnknownFieldSet.newBuilder()
        .addField(7, UnknownFieldSet.Field.newBuilder().addVarint(1).build()).build()).build();

    assertRefusedWithoutLeak(List.of(put.get(0), batch), "FlightData field 7 with wire type 0 is not one Flight reads");
  }

  @Test
  void theUncorruptedBatchIsIngested() throws InterruptedException {
    long before = Fuzz.heldBytesSettled(server.server(), 0);

    List<Flight.PutResult> results = flight.doPut(put(messages.batches().get(0)));

    assertThat(results).isNotEmpty();
    assertThat(Fuzz.heldBytesSettled(server.server(), before)).isEqualTo(before);
  }

  private static void assertRefusedWithoutLeak(List<Flight.FlightData> put, String problem)
      throws InterruptedException {
    long before = Fuzz.heldBytesSettled(server.server(), 0);

    StatusRuntimeException refused = catchThrowableOfType(StatusRuntimeException.class, () -> flight.doPut(put));

    assertThat(Fuzz.heldBytesSettled(server.server(), before)).as("Arrow bytes the server holds").isEqualTo(before);
    assertThat(refused).as("the DoPut is refused").isNotNull();
    assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(refused.getStatus().getDescription()).contains(problem);
  }

  private static List<Flight.FlightData> put(IpcMessages.Piece batch) {
    return IpcMessages.put(FlightFuzzTest.ingestInto(TABLE), List.of(messages.schema(), batch));
  }

  /** {@code header} (an IPC Message flatbuffer) with its header_type byte replaced. */
  private static byte[] withHeaderType(byte[] header, byte type) {
    byte[] copy = header.clone();
    copy[messageFieldPosition(copy, HEADER_TYPE_VTABLE_SLOT)] = type;
    return copy;
  }

  /** {@code header} (an IPC Message flatbuffer) with the short field in {@code vtableSlot} replaced. */
  private static byte[] withMessageField(byte[] header, int vtableSlot, short value) {
    byte[] copy = header.clone();
    ByteBuffer.wrap(copy).order(ByteOrder.LITTLE_ENDIAN).putShort(messageFieldPosition(copy, vtableSlot), value);
    return copy;
  }

  private static int messageFieldPosition(byte[] header, int vtableSlot) {
    ByteBuffer buffer = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN);
    int table = buffer.getInt(0);
    int vtable = table - buffer.getInt(table);
    int fieldOffset = buffer.getShort(vtable + vtableSlot);
    assertThat(fieldOffset).as("the field is present in the Message table").isPositive();
    return table + fieldOffset;
  }
}
