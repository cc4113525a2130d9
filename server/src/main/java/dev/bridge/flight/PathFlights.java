package dev.bridge.flight;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.bridge.engine.EngineException;
import dev.bridge.engine.Session;
import dev.bridge.engine.StatementExecutor;
import dev.bridge.engine.StatementPlan;
import dev.bridge.engine.TableName;
import dev.bridge.engine.catalog.CatalogReader;
import dev.bridge.engine.catalog.NamePattern;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Optional;
import org.apache.arrow.flight.Criteria;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightEndpoint;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightProducer.ServerStreamListener;
import org.apache.arrow.flight.FlightProducer.StreamListener;
import org.apache.arrow.flight.Ticket;
import org.apache.arrow.vector.types.pojo.Schema;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Flight-native access to tables, views and datasets by path, for plain Flight clients: a path descriptor names a
 * table as {@code [table]}, {@code [schema, table]} or {@code [catalog, schema, table]}; {@code ListFlights} lists
 * every table with the path of its shortest unambiguous form ({@code [schema, table]} in the current catalog),
 * filtered by the criteria as a SQL LIKE pattern on the dot-joined path. A FlightInfo's ticket names the table, not
 * a planned statement: redeeming it reads the whole table as it is then, and it does not expire.
 *
 * <p>DoPut with a path descriptor is ingest (see {@link IngestCommands}); only the read side lives here.
 */
public final class PathFlights {
  private static final Logger log = LoggerFactory.getLogger(PathFlights.class);
  /** The type URL of a path ticket: a packed {@code Any} like every Flight SQL ticket, holding the full path. */
  static final String TICKET_TYPE_URL = "type.googleapis.com/dev.bridge.flight.PathTicket";
  private static final char SEPARATOR = '\0';

  private final CatalogReader catalog;
  private final StatementExecutor executor;
  private final StatementCommands statements;

  public PathFlights(CatalogReader catalog, StatementExecutor executor, StatementCommands statements) {
    this.catalog = catalog;
    this.executor = executor;
    this.statements = statements;
  }

  /**
   * Sends one FlightInfo per table, view and dataset whose dot-joined path matches the criteria; the caller completes
   * the call.
   */
  void list(Session session, Criteria criteria, StreamListener<FlightInfo> listener) {
    NamePattern pattern = NamePattern.of(utf8(criteria.getExpression(), "the ListFlights criteria"));
    String currentCatalog = session.currentSchema().catalog();
    for (List<Object> row : catalog.tables(session, null, null, null, List.of())) {
      TableName table = new TableName((String) row.get(0), (String) row.get(1), (String) row.get(2));
      List<String> path = table.catalog().equals(currentCatalog) ? List.of(table.schema(), table.name())
          : List.of(table.catalog(), table.schema(), table.name());
      if (pattern.matches(String.join(".", path))) {
        schemaOf(session, table).ifPresent(schema ->
            listener.onNext(flightInfo(table, schema, FlightDescriptor.path(path))));
      }
    }
  }

  /** The FlightInfo of the table a path descriptor names: its schema and a ticket that reads all of it. */
  FlightInfo flightInfo(Session session, FlightDescriptor descriptor) {
    TableName table = resolve(session, descriptor.getPath());
    return flightInfo(table, statements.resultSchema(plan(session, table)), descriptor);
  }

  Schema schema(Session session, FlightDescriptor descriptor) {
    return statements.resultSchema(plan(session, resolve(session, descriptor.getPath())));
  }

  static boolean isTicket(Ticket ticket) {
    try {
      return TICKET_TYPE_URL.equals(Any.parseFrom(ticket.getBytes()).getTypeUrl());
    } catch (InvalidProtocolBufferException e) {
      return false;
    }
  }

  /** Streams the whole table a path ticket names. */
  void stream(Session session, Ticket ticket, ServerStreamListener listener, boolean useCache) {
    String path;
    try {
      path = utf8(Any.parseFrom(ticket.getBytes()).getValue().toByteArray(), "the path ticket");
    } catch (InvalidProtocolBufferException e) {
      throw EngineException.invalidArgument("the path ticket is not a packed protobuf Any");
    }
    List<String> parts = List.of(path.split(String.valueOf(SEPARATOR), -1));
    if (parts.size() != 3) {
      throw EngineException.invalidArgument("the path ticket does not name [catalog, schema, table]: " + parts);
    }
    statements.streamQuery(session, plan(session, resolve(session, parts)), listener, useCache);
  }

  private FlightInfo flightInfo(TableName table, Schema schema, FlightDescriptor descriptor) {
    String path = table.catalog() + SEPARATOR + table.schema() + SEPARATOR + table.name();
    Any ticket = Any.newBuilder().setTypeUrl(TICKET_TYPE_URL).setValue(ByteString.copyFromUtf8(path)).build();
    return new FlightInfo(schema, descriptor, List.of(new FlightEndpoint(new Ticket(ticket.toByteArray()))), -1, -1);
  }

  /** The schema of a listed table, or empty when it cannot be read (a view over a dropped table): left out. */
  private Optional<Schema> schemaOf(Session session, TableName table) {
    try {
      return Optional.of(statements.resultSchema(plan(session, table)));
    } catch (EngineException e) {
      log.debug("ListFlights leaves out {}: {}", table, e.getMessage());
      return Optional.empty();
    }
  }

  private StatementPlan plan(Session session, TableName table) {
    return executor.plan(session, "SELECT * FROM " + table.sql());
  }

  /** The table a path names, by the one rule of reads and writes ({@link CatalogReader#resolve}). */
  private TableName resolve(Session session, List<String> path) {
    if (path.isEmpty() || path.size() > 3) {
      throw EngineException.invalidArgument("a path descriptor names a table as [table], [schema, table] or"
          + " [catalog, schema, table]; got " + path.size() + " parts " + path);
    }
    return catalog.find(session, path).orElseThrow(() -> EngineException.notFound("no table, view or dataset "
        + String.join(".", path) + (path.size() == 3 ? "" : " in catalog " + session.currentSchema().catalog())
        + "; ListFlights lists them"));
  }

  private static String utf8(byte[] bytes, String what) {
    try {
      return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(bytes)).toString();
    } catch (CharacterCodingException e) {
      throw EngineException.invalidArgument(what + " is not UTF-8 text");
    }
  }
}
