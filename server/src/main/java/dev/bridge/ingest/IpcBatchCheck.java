package dev.bridge.ingest;

import java.io.IOException;
import org.apache.arrow.flatbuf.BodyCompression;
import org.apache.arrow.flatbuf.Buffer;
import org.apache.arrow.flatbuf.CompressionType;
import org.apache.arrow.flatbuf.DictionaryBatch;
import org.apache.arrow.flatbuf.FieldNode;
import org.apache.arrow.flatbuf.Message;
import org.apache.arrow.flatbuf.MessageHeader;
import org.apache.arrow.flatbuf.MetadataVersion;
import org.apache.arrow.flatbuf.RecordBatch;

/**
 * Checks an Arrow IPC message header (its metadata version and type) and a batch header against the body it came
 * with, as Arrow's readers would: a message that fails there after its body was allocated leaves that body
 * unreleased (in Flight's message parser, Flight's stream and ArrowStreamReader alike), so both doors refuse it here
 * first.
 */
public final class IpcBatchCheck {
  private IpcBatchCheck() {}

  /**
   * Throws, naming the problem, when {@code message} has a metadata version or type Arrow Java cannot read, or is a
   * batch whose buffers or counts do not fit its body.
   */
  public static void check(Message message, long bodyLength) throws IOException {
    // Flight maps the version through MetadataVersion.fromFlatbufID, which throws on an unknown one.
    short version = message.version();
    if (version < MetadataVersion.V1 || version > MetadataVersion.V5) {
      throw new IOException("unknown Arrow IPC metadata version " + version);
    }
    byte type = message.headerType();
    if (type != MessageHeader.NONE && type != MessageHeader.Schema && type != MessageHeader.DictionaryBatch
        && type != MessageHeader.RecordBatch) {
      throw new IOException("an Arrow IPC stream carries Schema, DictionaryBatch and RecordBatch messages, not "
          + (type == MessageHeader.Tensor || type == MessageHeader.SparseTensor ? MessageHeader.name(type)
          : "message type " + type));
    }
    RecordBatch batch = switch (type) {
      case MessageHeader.RecordBatch -> (RecordBatch) message.header(new RecordBatch());
      case MessageHeader.DictionaryBatch -> ((DictionaryBatch) message.header(new DictionaryBatch())).data();
      default -> null;
    };
    if (batch == null) {
      return;
    }
    String kind = MessageHeader.name(type);
    if (batch.length() < 0 || batch.length() > Integer.MAX_VALUE) {
      throw new IOException("the " + kind + " claims " + batch.length() + " rows");
    }
    for (int i = 0; i < batch.nodesLength(); i++) {
      FieldNode node = batch.nodes(i);
      if (node.length() < 0 || node.length() > Integer.MAX_VALUE || node.nullCount() < 0
          || node.nullCount() > node.length()) {
        throw new IOException("field node " + i + " of the " + kind + " claims " + node.length() + " values, "
            + node.nullCount() + " of them null");
      }
    }
    BodyCompression compression = batch.compression();
    if (compression != null && compression.codec() != CompressionType.LZ4_FRAME
        && compression.codec() != CompressionType.ZSTD) {
      throw new IOException("unknown body compression codec " + compression.codec());
    }
    long needed = 0;
    for (int i = 0; i < batch.buffersLength(); i++) {
      Buffer buffer = batch.buffers(i);
      if (buffer.offset() < 0 || buffer.length() < 0) {
        throw new IOException("buffer " + i + " of the " + kind + " has a negative offset or length");
      }
      needed = Math.max(needed, buffer.offset() + buffer.length());
    }
    if (needed > bodyLength) {
      throw new IOException("the " + kind + "'s buffers need " + needed + " bytes of body, it carries " + bodyLength);
    }
  }
}
