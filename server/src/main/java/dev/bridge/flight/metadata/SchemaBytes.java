package dev.bridge.flight.metadata;

import dev.bridge.engine.EngineException;
import dev.bridge.engine.ErrorKind;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.channels.Channels;
import org.apache.arrow.vector.ipc.WriteChannel;
import org.apache.arrow.vector.ipc.message.MessageSerializer;
import org.apache.arrow.vector.types.pojo.Schema;

/** A schema as an IPC-encapsulated Schema message: how Flight SQL carries schemas inside its messages. */
public final class SchemaBytes {
  private SchemaBytes() {}

  public static byte[] of(Schema schema) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      MessageSerializer.serialize(new WriteChannel(Channels.newChannel(out)), schema);
      return out.toByteArray();
    } catch (IOException e) {
      throw new EngineException(ErrorKind.INTERNAL, "cannot serialize a schema", e);
    }
  }
}
