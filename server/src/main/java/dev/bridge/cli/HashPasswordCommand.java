package dev.bridge.cli;

import dev.bridge.auth.PasswordHasher;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bridge hash-password}: prints the bcrypt hash of a password for {@code auth.users[].password_hash}. The
 * password is read from the terminal (asked twice, not echoed) or, when input is not a terminal, from the first line
 * of standard input, never from the command line, where other users of the machine could see it.
 */
@Command(name = "hash-password", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
    description = "Print the bcrypt hash of a password read from the terminal or standard input.")
public final class HashPasswordCommand implements Callable<Integer> {
  @Option(names = "--cost", paramLabel = "N", defaultValue = "" + PasswordHasher.DEFAULT_COST,
      description = "bcrypt cost factor, 4 to 31 (default: ${DEFAULT-VALUE}); each step doubles the work.")
  private int cost;

  @Spec
  private CommandSpec spec;

  @Override
  public Integer call() throws IOException {
    if (cost < 4 || cost > 31) {
      spec.commandLine().getErr().println("bridge: --cost must be between 4 and 31, got " + cost);
      return 2;
    }
    char[] password = readPassword();
    if (password == null || password.length == 0) {
      spec.commandLine().getErr().println("bridge: no password given (empty input)");
      return 2;
    }
    try {
      spec.commandLine().getOut().println(PasswordHasher.hash(password, cost));
      spec.commandLine().getOut().flush();
      return 0;
    } finally {
      Arrays.fill(password, '\0');
    }
  }

  private char[] readPassword() throws IOException {
    Console console = System.console();
    if (console == null) {
      BufferedReader in = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
      String line = in.readLine();
      return line == null ? null : line.toCharArray();
    }
    char[] first = console.readPassword("Password: ");
    char[] second = console.readPassword("Repeat it: ");
    if (first == null || !Arrays.equals(first, second)) {
      spec.commandLine().getErr().println("bridge: the passwords differ");
      return null;
    }
    Arrays.fill(second, '\0');
    return first;
  }
}
