package dev.bridge.reliability;

import dev.bridge.server.BridgeServer;
import java.util.Random;

/**
 * The seed and size of a fuzz run. The seed comes from {@code -Dfuzz.seed} or {@code FUZZ_SEED}: a number replays
 * that run, {@code random} draws a fresh one to explore new cases, and without either every run (CI included) replays
 * {@link #DEFAULT_SEED}, so the suite's verdict never depends on the day. The seed is printed either way;
 * {@code -Dfuzz.cases} sets how many cases each suite generates.
 */
final class Fuzz {
  static final long DEFAULT_SEED = 20261123L;

  private Fuzz() {}

  static long seed(String suite) {
    String configured = System.getProperty("fuzz.seed", System.getenv("FUZZ_SEED"));
    long seed = configured == null || configured.isBlank() ? DEFAULT_SEED
        : configured.trim().equals("random") ? System.nanoTime() : Long.parseLong(configured.trim());
    System.out.printf("%s: fuzz seed %d (replay with -Dfuzz.seed=%d)%n", suite, seed, seed);
    return seed;
  }

  /** The server's Arrow bytes once they are back to {@code expected}, or what they are after two seconds. */
  static long heldBytesSettled(BridgeServer server, long expected) throws InterruptedException {
    long deadline = System.nanoTime() + java.time.Duration.ofSeconds(2).toNanos();
    while (server.allocatedBytes() > expected && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    return server.allocatedBytes();
  }

  static int cases(int defaultCases) {
    return Integer.getInteger("fuzz.cases", defaultCases);
  }

  static byte[] randomBytes(Random random, int maxLength) {
    byte[] bytes = new byte[random.nextInt(maxLength + 1)];
    random.nextBytes(bytes);
    return bytes;
  }

  static byte[] truncated(Random random, byte[] bytes) {
    return java.util.Arrays.copyOf(bytes, bytes.length == 0 ? 0 : random.nextInt(bytes.length));
  }

  /** {@code bytes} with one to four random bytes overwritten. */
  static byte[] corrupted(Random random, byte[] bytes) {
    byte[] copy = bytes.clone();
    int flips = 1 + random.nextInt(4);
    for (int i = 0; i < flips && copy.length > 0; i++) {
      copy[random.nextInt(copy.length)] = (byte) random.nextInt(256);
    }
    return copy;
  }

  static String word(Random random, int maxLength) {
    StringBuilder text = new StringBuilder();
    int length = 1 + random.nextInt(maxLength);
    for (int i = 0; i < length; i++) {
      text.append((char) ('a' + random.nextInt(26)));
    }
    return text.toString();
  }
}
