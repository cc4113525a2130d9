package dev.bridge.cli;

import dev.bridge.engine.BridgeVersion;
import picocli.CommandLine;

/** {@code bridge --version}: the server's version and the embedded DuckDB's. */
public final class VersionProvider implements CommandLine.IVersionProvider {
  @Override
  public String[] getVersion() {
    return new String[] {"bridge " + BridgeVersion.version() + " (Arrow Flight SQL, DuckDB " + duckDbVersion() + ")"};
  }

  private static String duckDbVersion() {
    Package duckdb = org.duckdb.DuckDBDriver.class.getPackage();
    return duckdb.getImplementationVersion() == null ? "embedded" : duckdb.getImplementationVersion();
  }
}
