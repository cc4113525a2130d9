package dev.bridge.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code bridge} command line. */
@Command(name = "bridge",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Bridge: an Arrow Flight SQL server with DuckDB embedded.",
    subcommands = {ServeCommand.class, HashPasswordCommand.class, QueryCommand.class, IngestCommand.class, CommandLine.HelpCommand.class})
public final class BridgeCommand implements Runnable {
  @CommandLine.Spec
  private CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  public static void main(String[] args) {
    int exitCode = new CommandLine(new BridgeCommand()).execute(args);
    if (exitCode != 0) {
      System.exit(exitCode);
    }
  }
}
