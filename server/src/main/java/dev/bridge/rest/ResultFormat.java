package dev.bridge.rest;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Locale;
import dev.bridge.config.ResultCompression;

/** The body formats a query result can be streamed in, chosen by the {@code format} parameter or the Accept header. */
enum ResultFormat {
  NDJSON("application/x-ndjson"),
  CSV("text/csv; charset=utf-8"),
  ARROW("application/vnd.apache.arrow.stream");

  private final String contentType;

  ResultFormat(String contentType) {
    this.contentType = contentType;
  }

  String contentType() {
    return contentType;
  }

  ResultWriter writer(OutputStream body, ResultCompression arrowCompression) throws IOException {
    return switch (this) {
      case NDJSON -> new NdjsonResultWriter(body);
      case CSV -> new CsvResultWriter(body);
      case ARROW -> new ArrowResultWriter(body, arrowCompression);
    };
  }

  /** The explicit {@code format} wins; otherwise Arrow or CSV when the Accept header names them; else NDJSON. */
  static ResultFormat choose(String format, String accept) {
    if (format != null) {
      return switch (format.toLowerCase(Locale.ROOT)) {
        case "ndjson", "json" -> NDJSON;
        case "csv" -> CSV;
        case "arrow" -> ARROW;
        default -> throw HttpError.badRequest("unknown format '" + format + "'; use ndjson, csv or arrow");
      };
    }
    String accepted = accept == null ? "" : accept.toLowerCase(Locale.ROOT);
    if (accepted.contains(ARROW.contentType)) {
      return ARROW;
    }
    if (accepted.contains("text/csv")) {
      return CSV;
    }
    return NDJSON;
  }
}
