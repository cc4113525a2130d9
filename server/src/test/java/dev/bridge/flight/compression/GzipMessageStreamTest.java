package dev.bridge.flight.compression;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Random;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;

/**
 * Messages read as Arrow Java's Flight client reads a gzip message: every byte it expects, then {@code available()}
 * asked whether more fields follow ({@code ArrowMessage.frame} loops on it). The messages are 2,000 pseudo-random
 * ones of mixed repetitive and random bytes, as Arrow buffers are.
 */
class GzipMessageStreamTest {
  private static final int MESSAGES = 2000;

  @Test
  void aReaderThatTrustsAvailableSeesTheEndOfEveryMessage() throws IOException {
    Random random = new Random(19);
    for (int m = 0; m < MESSAGES; m++) {
      byte[] message = message(random);
      ByteArrayOutputStream wire = new ByteArrayOutputStream();
      try (OutputStream gzip = new GzipMessageStream(wire)) {
        // Written in pieces, as gRPC's framer drains a message; a single byte among them.
        int third = message.length / 3;
        gzip.write(message, 0, third);
        gzip.write(message[third]);
        gzip.write(message, third + 1, message.length - third - 1);
      }
      InputStream in = new GZIPInputStream(new ByteArrayInputStream(wire.toByteArray()));
      assertThat(in.readNBytes(message.length)).as("message %d", m).isEqualTo(message);
      assertThat(in.available()).as("available() after the last byte of message %d", m).isZero();
      assertThat(in.read()).isEqualTo(-1);
    }
  }

  /** The reason for the class: the JDK's own gzip ending leaves {@code available()} at 1 after some messages. */
  @Test
  void theJdksGzipEndingFailsThatReaderOnSomeMessages() throws IOException {
    Random random = new Random(19);
    int misleading = 0;
    for (int m = 0; m < MESSAGES; m++) {
      byte[] message = message(random);
      ByteArrayOutputStream wire = new ByteArrayOutputStream();
      try (GZIPOutputStream gzip = new GZIPOutputStream(wire, 64 * 1024) {
        {
          def.setLevel(GzipMessages.LEVEL);
        }
      }) {
        gzip.write(message);
      }
      InputStream in = new GZIPInputStream(new ByteArrayInputStream(wire.toByteArray()));
      assertThat(in.readNBytes(message.length)).isEqualTo(message);
      if (in.available() > 0) {
        misleading++;
      }
    }
    assertThat(misleading).isPositive();
  }

  @Test
  void anEmptyMessageIsAValidGzipMember() throws IOException {
    ByteArrayOutputStream wire = new ByteArrayOutputStream();
    new GzipMessageStream(wire).close();
    InputStream in = new GZIPInputStream(new ByteArrayInputStream(wire.toByteArray()));
    assertThat(in.read()).isEqualTo(-1);
  }

  private static byte[] message(Random random) {
    byte[] message = new byte[5_000 + random.nextInt(60_000)];
    for (int i = 0; i < message.length; i++) {
      message[i] = (byte) (random.nextInt(100) < 70 ? i % 37 : random.nextInt(256));
    }
    return message;
  }
}
