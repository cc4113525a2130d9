package dev.bridge.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Locale;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;

/** Reads request bodies: checks their content type and size before parsing them. */
final class RequestBodies {
  // Parameters keep every digit a client sent.
  private static final ObjectMapper MAPPER = new ObjectMapper()
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .enable(DeserializationFeature.USE_BIG_INTEGER_FOR_INTS);

  /** How much larger than the limit a refused body may be and still be read to its end (see {@link #refuse}). */
  private static final int DRAIN_FACTOR = 8;

  private RequestBodies() {}

  /** The body as a JSON object; 415 when it is not declared JSON, 413 when larger than {@code maxBytes}. */
  static JsonNode jsonObject(Request request, int maxBytes) {
    requireContentType(request, "application/json");
    byte[] body = read(request, maxBytes);
    JsonNode node;
    try {
      node = MAPPER.readTree(body);
    } catch (JsonProcessingException e) {
      throw HttpError.badRequest("the request body is not valid JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    if (node == null || !node.isObject()) {
      throw HttpError.badRequest("the request body must be a JSON object");
    }
    return node;
  }

  static void requireContentType(Request request, String expected) {
    String contentType = request.getHeaders().get(HttpHeader.CONTENT_TYPE);
    String mediaType = contentType == null ? "" : contentType.split(";")[0].trim().toLowerCase(Locale.ROOT);
    if (!mediaType.equals(expected)) {
      throw new HttpError(415, "UNSUPPORTED_MEDIA_TYPE", "the request body must be " + expected + ", got "
          + (contentType == null ? "no Content-Type" : "'" + contentType + "'"));
    }
  }

  private static byte[] read(Request request, int maxBytes) {
    try (InputStream in = Content.Source.asInputStream(request)) {
      if (request.getLength() > maxBytes) {
        throw refuse(request, in, maxBytes);
      }
      byte[] body = in.readNBytes(maxBytes + 1);
      if (body.length > maxBytes) {
        throw refuse(request, in, maxBytes);
      }
      return body;
    } catch (IOException e) {
      throw HttpError.badRequest("cannot read the request body: " + e.getMessage());
    }
  }

  /**
   * The 413 for a body over the limit, once the rest of the body has been read and dropped if it is at most
   * {@value #DRAIN_FACTOR} times the limit: a client still sending when the server answers and closes the
   * connection gets a reset, and may never read the answer. A larger body is cut off unread.
   */
  private static HttpError refuse(Request request, InputStream in, int maxBytes) {
    long drainable = (long) maxBytes * DRAIN_FACTOR;
    if (request.getLength() <= drainable) {
      try {
        in.skipNBytes(drainable);
      } catch (IOException stoppedSending) {
        // The body ended (EOFException: sooner than drainable), short of its declared length, or the client
        // closed: the answer is the 413 all the same.
      }
    }
    return new HttpError(413, "PAYLOAD_TOO_LARGE", "the request body is larger than http.max_body_bytes ("
        + maxBytes + " bytes)");
  }
}
