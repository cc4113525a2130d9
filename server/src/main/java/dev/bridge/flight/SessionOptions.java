package dev.bridge.flight;

import dev.bridge.config.ResultCompression;
import dev.bridge.engine.EngineException;
import dev.bridge.engine.QueryTimeouts;
import dev.bridge.engine.CurrentSchema;
import dev.bridge.engine.ResultCache;
import dev.bridge.engine.Session;
import dev.bridge.engine.catalog.CatalogReader;
import dev.bridge.flight.compression.CompressionHeader;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.arrow.flight.GetSessionOptionsResult;
import org.apache.arrow.flight.SessionOptionValue;
import org.apache.arrow.flight.SessionOptionValueFactory;
import org.apache.arrow.flight.SessionOptionValueVisitor;
import org.apache.arrow.flight.SetSessionOptionsRequest;
import org.apache.arrow.flight.SetSessionOptionsResult;
import org.apache.arrow.flight.SetSessionOptionsResult.ErrorValue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The Flight session options of a session: {@code catalog} and {@code schema}, its DuckDB connection's current
 * database and schema (the JDBC driver sets them from its {@code catalog} and {@code schema} URL properties), and
 * {@code query_timeout} (see {@link QueryTimeoutOption}; reading it answers the timeout in effect), and
 * {@code x-bridge-compression}, the compression of the session's results when a call does not choose (none, zstd,
 * lz4 or gzip; see {@link dev.bridge.flight.compression.StreamCompression}). Each
 * option that cannot be set gets its own error in the result; the others are still applied.
 */
public final class SessionOptions {
  static final String CATALOG = "catalog";
  static final String SCHEMA = "schema";
  private static final Logger log = LoggerFactory.getLogger(SessionOptions.class);

  private final CatalogReader catalog;
  private final QueryTimeouts timeouts;

  public SessionOptions(CatalogReader catalog, QueryTimeouts timeouts) {
    this.catalog = catalog;
    this.timeouts = timeouts;
  }

  SetSessionOptionsResult set(Session session, SetSessionOptionsRequest request) {
    Map<String, SetSessionOptionsResult.Error> errors = new HashMap<>();
    String newCatalog = null;
    String newSchema = null;
    for (Map.Entry<String, SessionOptionValue> option : request.getSessionOptions().entrySet()) {
      String text = option.getValue().acceptVisitor(TextValue.INSTANCE);
      switch (option.getKey()) {
        case CATALOG, SCHEMA -> {
          if (text == null || text.isEmpty()) {
            errors.put(option.getKey(), new SetSessionOptionsResult.Error(ErrorValue.INVALID_VALUE));
          } else if (option.getKey().equals(CATALOG)) {
            newCatalog = text;
          } else {
            newSchema = text;
          }
        }
        case QueryTimeoutOption.NAME -> option.getValue().acceptVisitor(QueryTimeoutOption.INSTANCE).ifPresentOrElse(
            session::setQueryTimeout,
            () -> errors.put(option.getKey(), new SetSessionOptionsResult.Error(ErrorValue.INVALID_VALUE)));
        case CompressionHeader.NAME -> {
          try {
            session.setResultCompression(ResultCompression.named(text));
          } catch (IllegalArgumentException e) {
            errors.put(option.getKey(), new SetSessionOptionsResult.Error(ErrorValue.INVALID_VALUE));
          }
        }
        case ResultCache.OPTION -> {
          try {
            session.setCacheOff(text == null || !ResultCache.usedWhen(text));
          } catch (EngineException e) {
            errors.put(option.getKey(), new SetSessionOptionsResult.Error(ErrorValue.INVALID_VALUE));
          }
        }
        default -> errors.put(option.getKey(), new SetSessionOptionsResult.Error(ErrorValue.INVALID_NAME));
      }
    }
    if (newCatalog != null) {
      use(session, newCatalog, newSchema, errors);
    } else if (newSchema != null) {
      use(session, null, newSchema, errors);
    }
    return new SetSessionOptionsResult(errors);
  }

  GetSessionOptionsResult get(Session session) {
    CurrentSchema current = session.currentSchema();
    Map<String, SessionOptionValue> options = new LinkedHashMap<>();
    options.put(CATALOG, SessionOptionValueFactory.makeSessionOptionValue(current.catalog()));
    options.put(SCHEMA, SessionOptionValueFactory.makeSessionOptionValue(current.schema()));
    options.put(QueryTimeoutOption.NAME,
        SessionOptionValueFactory.makeSessionOptionValue(timeouts.timeoutOf(session).toString()));
    session.resultCompression().ifPresent(compression -> options.put(CompressionHeader.NAME,
        SessionOptionValueFactory.makeSessionOptionValue(compression.label())));
    options.put(ResultCache.OPTION, SessionOptionValueFactory.makeSessionOptionValue(session.cacheOff() ? "off" : "on"));
    return new GetSessionOptionsResult(options);
  }

  /**
   * Switches catalog and schema together, so that a schema is looked up in the new catalog. When that fails and
   * both were given, the catalog alone is tried, so that the error names the option that was wrong.
   */
  private void use(Session session, String newCatalog, String newSchema,
      Map<String, SetSessionOptionsResult.Error> errors) {
    if (tryUse(session, newCatalog, newSchema)) {
      return;
    }
    if (newCatalog != null && newSchema != null && tryUse(session, newCatalog, null)) {
      errors.put(SCHEMA, new SetSessionOptionsResult.Error(ErrorValue.INVALID_VALUE));
      return;
    }
    errors.put(newCatalog != null ? CATALOG : SCHEMA, new SetSessionOptionsResult.Error(ErrorValue.INVALID_VALUE));
  }

  private boolean tryUse(Session session, String newCatalog, String newSchema) {
    try {
      catalog.use(session, newCatalog, newSchema);
      return true;
    } catch (EngineException e) {
      log.debug("session option rejected: {}", e.getMessage());
      return false;
    }
  }

  /** A string option's text; null for any other kind of value. */
  private static final class TextValue implements SessionOptionValueVisitor<String> {
    static final TextValue INSTANCE = new TextValue();

    @Override
    public String visit(String value) {
      return value;
    }

    @Override
    public String visit(boolean value) {
      return null;
    }

    @Override
    public String visit(long value) {
      return null;
    }

    @Override
    public String visit(double value) {
      return null;
    }

    @Override
    public String visit(String[] value) {
      return null;
    }

    @Override
    public String visit(Void value) {
      return null;
    }
  }
}
