package dev.bridge.cli;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;
import picocli.CommandLine;

/** The version Maven wrote into {@code bridge-version.properties} at build time. */
public final class VersionProvider implements CommandLine.IVersionProvider {
  public static String version() {
    Properties properties = new Properties();
    try (InputStream in = VersionProvider.class.getResourceAsStream("/bridge-version.properties")) {
      if (in != null) {
        properties.load(in);
      }
    } catch (IOException e) {
      return "unknown";
    }
    return properties.getProperty("version", "unknown");
  }

  @Override
  public String[] getVersion() {
    return new String[] {"bridge " + version() + " (Arrow Flight SQL, DuckDB " + duckDbVersion() + ")"};
  }

  private static String duckDbVersion() {
    Package duckdb = org.duckdb.DuckDBDriver.class.getPackage();
    return duckdb.getImplementationVersion() == null ? "embedded" : duckdb.getImplementationVersion();
  }
}
