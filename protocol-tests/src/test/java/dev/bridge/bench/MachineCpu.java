package dev.bridge.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * How busy the whole machine's cores were between two moments, from the aggregate {@code cpu} line of
 * {@code /proc/stat}: the share of core time not spent idle or waiting for I/O. It shows how much room a benchmark
 * left, whoever used the rest (client, server, or other work on a shared machine).
 */
final class MachineCpu {
  private final long busy;
  private final long total;

  private MachineCpu(long busy, long total) {
    this.busy = busy;
    this.total = total;
  }

  /** The machine's core time so far: busy and total, in clock ticks. */
  static MachineCpu now() throws IOException {
    String line = Files.readAllLines(Path.of("/proc/stat")).get(0);
    // cpu user nice system idle iowait irq softirq steal guest guest_nice; guest time is counted in user already.
    String[] fields = line.trim().split("\\s+");
    long total = 0;
    for (int i = 1; i <= 8 && i < fields.length; i++) {
      total += Long.parseLong(fields[i]);
    }
    long idle = Long.parseLong(fields[4]) + Long.parseLong(fields[5]);
    return new MachineCpu(total - idle, total);
  }

  /** The share (0 to 1) of the cores' time that was busy since {@code earlier}. */
  double busySince(MachineCpu earlier) {
    long elapsed = total - earlier.total;
    return elapsed == 0 ? 0 : (double) (busy - earlier.busy) / elapsed;
  }
}
