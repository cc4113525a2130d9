package dev.bridge.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU time used by a process, which, unlike wall time, does not grow when other work competes for the cores: the
 * server's from {@code /proc/<pid>/stat} (the pid in the {@code bench.server.pid} system property, when set), the
 * benchmark client's own from the JVM.
 */
final class ProcessCpu {
  /** Linux's USER_HZ: the unit of utime and stime in /proc/<pid>/stat. */
  private static final double TICKS_PER_SECOND = 100;

  private ProcessCpu() {}

  /** Whether the server's pid is known, so that {@link #serverMillis} measures it. */
  static boolean serverKnown() {
    return !serverPid().isEmpty();
  }

  /** The server's CPU milliseconds so far, or -1 when its pid is not known. */
  static double serverMillis() throws IOException {
    String pid = serverPid();
    if (pid.isEmpty()) {
      return -1;
    }
    String stat = Files.readString(Path.of("/proc", pid, "stat"));
    // Fields after the command name (which may hold spaces) start at its closing parenthesis: utime is the 14th
    // field of the line and stime the 15th.
    String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
    return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) * 1000 / TICKS_PER_SECOND;
  }

  private static String serverPid() {
    return System.getProperty("bench.server.pid", "");
  }

  /** This JVM's CPU milliseconds so far. */
  static double clientMillis() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime() / 1e6;
  }
}
