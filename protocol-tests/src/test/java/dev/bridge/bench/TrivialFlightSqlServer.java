package dev.bridge.bench;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import java.util.List;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.FlightEndpoint;
import org.apache.arrow.flight.FlightInfo;
import org.apache.arrow.flight.FlightServer;
import org.apache.arrow.flight.Location;
import org.apache.arrow.flight.Result;
import org.apache.arrow.flight.Ticket;
import org.apache.arrow.flight.sql.NoOpFlightSqlProducer;
import org.apache.arrow.flight.sql.impl.FlightSql.ActionClosePreparedStatementRequest;
import org.apache.arrow.flight.sql.impl.FlightSql.ActionCreatePreparedStatementRequest;
import org.apache.arrow.flight.sql.impl.FlightSql.ActionCreatePreparedStatementResult;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandPreparedStatementQuery;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandStatementQuery;
import org.apache.arrow.flight.sql.impl.FlightSql.TicketStatementQuery;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.ipc.WriteChannel;
import org.apache.arrow.vector.ipc.message.MessageSerializer;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.Schema;

/**
 * The floor for round-trip latency on this machine: a Flight SQL server on Arrow's own FlightServer that does no
 * work at all. Every statement, plain or prepared, answers one row with the INT column {@code 1}, without parsing
 * or planning anything. The same JDBC driver and FlightSqlClient calls as against Bridge ({@link LatencyBench} jdbc
 * and flight modes) then measure only the clients, gRPC and the loopback. Prints {@code PORT n} and serves until
 * killed.
 */
public final class TrivialFlightSqlServer extends NoOpFlightSqlProducer {
  private static final Schema SCHEMA = new Schema(List.of(Field.nullable("1", new ArrowType.Int(32, true))));

  private final BufferAllocator allocator;

  private TrivialFlightSqlServer(BufferAllocator allocator) {
    this.allocator = allocator;
  }

  public static void main(String[] args) throws Exception {
    BufferAllocator allocator = new RootAllocator();
    FlightServer server = FlightServer.builder(allocator, Location.forGrpcInsecure("127.0.0.1", 0),
        new TrivialFlightSqlServer(allocator)).build().start();
    System.out.println("PORT " + server.getPort());
    System.out.flush();
    server.awaitTermination();
  }

  private FlightInfo info(FlightDescriptor descriptor) {
    Ticket ticket = new Ticket(Any.pack(TicketStatementQuery.newBuilder()
        .setStatementHandle(ByteString.copyFromUtf8("one")).build()).toByteArray());
    return new FlightInfo(SCHEMA, descriptor, List.of(new FlightEndpoint(ticket)), -1, -1);
  }

  private void streamOne(ServerStreamListener listener) {
    try (VectorSchemaRoot root = VectorSchemaRoot.create(SCHEMA, allocator)) {
      ((IntVector) root.getVector(0)).setSafe(0, 1);
      root.setRowCount(1);
      listener.start(root);
      listener.putNext();
      listener.completed();
    }
  }

  @Override
  public FlightInfo getFlightInfoStatement(CommandStatementQuery command, CallContext context,
      FlightDescriptor descriptor) {
    return info(descriptor);
  }

  @Override
  public void getStreamStatement(TicketStatementQuery ticket, CallContext context, ServerStreamListener listener) {
    streamOne(listener);
  }

  @Override
  public void createPreparedStatement(ActionCreatePreparedStatementRequest request, CallContext context,
      StreamListener<Result> listener) {
    java.io.ByteArrayOutputStream schema = new java.io.ByteArrayOutputStream();
    try {
      MessageSerializer.serialize(new WriteChannel(java.nio.channels.Channels.newChannel(schema)), SCHEMA);
    } catch (java.io.IOException e) {
      listener.onError(e);
      return;
    }
    ActionCreatePreparedStatementResult result = ActionCreatePreparedStatementResult.newBuilder()
        .setPreparedStatementHandle(ByteString.copyFromUtf8("one"))
        .setDatasetSchema(ByteString.copyFrom(schema.toByteArray())).build();
    listener.onNext(new Result(Any.pack(result).toByteArray()));
    listener.onCompleted();
  }

  @Override
  public FlightInfo getFlightInfoPreparedStatement(CommandPreparedStatementQuery command, CallContext context,
      FlightDescriptor descriptor) {
    return info(descriptor);
  }

  @Override
  public void getStreamPreparedStatement(CommandPreparedStatementQuery command, CallContext context,
      ServerStreamListener listener) {
    streamOne(listener);
  }

  @Override
  public void closePreparedStatement(ActionClosePreparedStatementRequest request, CallContext context,
      StreamListener<Result> listener) {
    listener.onCompleted();
  }
}
