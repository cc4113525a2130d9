package dev.bridge.engine;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The server's version, as Maven wrote it into {@code bridge-version.properties} at build time. */
public final class BridgeVersion {
  private static final String VERSION = read();

  private BridgeVersion() {}

  public static String version() {
    return VERSION;
  }

  private static String read() {
    Properties properties = new Properties();
    try (InputStream in = BridgeVersion.class.getResourceAsStream("/bridge-version.properties")) {
      if (in != null) {
        properties.load(in);
      }
    } catch (IOException e) {
      return "unknown";
    }
    return properties.getProperty("version", "unknown");
  }
}
