package dev.bridge.protocol;

import dev.bridge.cli.BridgeCommand;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine;

/** Runs a {@code bridge} command line in this JVM, as the launcher would, and keeps what it printed. */
public final class BridgeCli {
  /** What a command printed and how it exited. */
  public record Run(int exitCode, String out, String err) {}

  private BridgeCli() {}

  public static Run bridge(String... args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code = new CommandLine(new BridgeCommand()).setOut(new PrintWriter(out)).setErr(new PrintWriter(err))
        .execute(args);
    return new Run(code, out.toString(), err.toString());
  }

  /** {@code bridge <command> --url <url> <args>}. */
  public static Run against(String url, String command, String... args) {
    List<String> all = new ArrayList<>(List.of(command, "--url", url));
    all.addAll(List.of(args));
    return bridge(all.toArray(String[]::new));
  }
}
