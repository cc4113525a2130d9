package dev.bridge.protocol;

import static org.assertj.core.api.Assertions.assertThat;

import java.sql.Connection;
import java.sql.SQLException;

/** JDBC connections whose URL names a catalog ({@code &catalog=...}). */
final class CatalogConnections {
  private CatalogConnections() {}

  /**
   * Driver 18.3 sends CloseSession after it has shut its channel down when a catalog is set, so close() fails on
   * the client side (apache/arrow-java#66); any other failure is real.
   */
  static void close(Connection connection) {
    try {
      connection.close();
    } catch (SQLException e) {
      assertThat(e.getMessage()).contains("Channel shutdown invoked");
    }
  }
}
