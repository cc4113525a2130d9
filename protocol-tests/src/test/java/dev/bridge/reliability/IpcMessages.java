package dev.bridge.reliability;

import com.google.protobuf.ByteString;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.flight.impl.Flight;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.ArrowStreamWriter;
import org.apache.arrow.vector.ipc.ReadChannel;
import org.apache.arrow.vector.ipc.message.MessageMetadataResult;
import org.apache.arrow.vector.ipc.message.MessageSerializer;

/** An Arrow IPC stream cut into its messages (flatbuffer header, body), the pieces a FlightData carries. */
record IpcMessages(List<Piece> pieces) {
  record Piece(byte[] header, byte[] body) {
    Flight.FlightData flightData() {
      return Flight.FlightData.newBuilder().setDataHeader(ByteString.copyFrom(header))
          .setDataBody(ByteString.copyFrom(body)).build();
    }
  }

  /** The schema message and {@code batches} copies of {@code root}'s batch. */
  static IpcMessages of(VectorSchemaRoot root, int batches) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ArrowStreamWriter writer = new ArrowStreamWriter(root, null, Channels.newChannel(bytes))) {
      writer.start();
      for (int i = 0; i < batches; i++) {
        writer.writeBatch();
      }
      writer.end();
      ReadChannel channel = new ReadChannel(Channels.newChannel(new ByteArrayInputStream(bytes.toByteArray())));
      List<Piece> pieces = new ArrayList<>();
      for (MessageMetadataResult message = MessageSerializer.readMessage(channel); message != null;
          message = MessageSerializer.readMessage(channel)) {
        ByteBuffer header = message.getMessageBuffer();
        byte[] headerBytes = new byte[header.remaining()];
        header.get(headerBytes);
        ByteBuffer body = ByteBuffer.allocate(Math.toIntExact(message.getMessageBodyLength()));
        channel.readFully(body);
        pieces.add(new Piece(headerBytes, body.array()));
      }
      return new IpcMessages(pieces);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  Piece schema() {
    return pieces.get(0);
  }

  List<Piece> batches() {
    return pieces.subList(1, pieces.size());
  }

  /** The FlightData messages of a DoPut: the descriptor rides on the first one. */
  static List<Flight.FlightData> put(Flight.FlightDescriptor descriptor, List<Piece> pieces) {
    List<Flight.FlightData> messages = new ArrayList<>();
    for (Piece piece : pieces) {
      Flight.FlightData data = piece.flightData();
      messages.add(messages.isEmpty() ? data.toBuilder().setFlightDescriptor(descriptor).build() : data);
    }
    if (messages.isEmpty()) {
      messages.add(Flight.FlightData.newBuilder().setFlightDescriptor(descriptor).build());
    }
    return messages;
  }
}
