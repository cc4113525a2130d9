package dev.bridge.protocol;

import java.util.ArrayList;
import java.util.List;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightRuntimeException;
import org.apache.arrow.flight.FlightStream;
import org.apache.arrow.flight.sql.FlightSqlClient;

/** Runs a query through Arrow's FlightSqlClient and reads its first column as text; Flight errors pass through. */
final class FirstColumn {
  private FirstColumn() {}

  static List<String> of(FlightSqlClient client, String sql) {
    FlightInfo info = client.execute(sql);
    try (FlightStream stream = client.getStream(info.getEndpoints().get(0).getTicket())) {
      List<String> values = new ArrayList<>();
      while (stream.next()) {
        for (int row = 0; row < stream.getRoot().getRowCount(); row++) {
          values.add(String.valueOf(stream.getRoot().getVector(0).getObject(row)));
        }
      }
      return values;
    } catch (FlightRuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
