package dev.bridge.ingest;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.ipc.ReadChannel;
import org.apache.arrow.vector.ipc.message.MessageChannelReader;
import org.apache.arrow.vector.ipc.message.MessageResult;

/**
 * Reads the messages of an Arrow IPC stream and checks each batch against its body ({@link IpcBatchCheck}) before
 * the stream reader deserializes it; a batch that fails is released here and reported as the stream's error.
 */
public final class CheckedMessageReader extends MessageChannelReader {
  public CheckedMessageReader(InputStream in, BufferAllocator allocator) {
    super(new ReadChannel(Channels.newChannel(in)), allocator);
  }

  @Override
  public MessageResult readNext() throws IOException {
    MessageResult result = super.readNext();
    if (result != null) {
      ArrowBuf body = result.getBodyBuffer();
      try {
        IpcBatchCheck.check(result.getMessage(), body == null ? 0 : body.capacity());
      } catch (IOException | RuntimeException e) {
        if (body != null) {
          body.close();
        }
        throw e instanceof IOException io ? io : new IOException("a corrupt Arrow IPC message: " + e, e);
      }
    }
    return result;
  }
}
