package dev.bridge.flight;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import dev.bridge.engine.EngineException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.apache.arrow.flight.FlightDescriptor;
import org.apache.arrow.flight.sql.impl.FlightSql.CommandStatementQuery;

/**
 * Reads a command descriptor. Flight SQL clients send a packed protobuf {@code Any}; plain {@code pyarrow.flight}
 * programs send the SQL text itself ({@code FlightDescriptor.for_command("SELECT 1")}), which is taken as a query.
 */
final class DescriptorCommands {
  private static final String FLIGHT_SQL_TYPE_PREFIX = "type.googleapis.com/arrow.flight.protocol.sql.";

  private DescriptorCommands() {}

  /** The SQL of a plain-text command descriptor, or empty when the command is a Flight SQL message. */
  static Optional<CommandStatementQuery> plainSql(FlightDescriptor descriptor) {
    if (!descriptor.isCommand()) {
      return Optional.empty();
    }
    byte[] command = descriptor.getCommand();
    if (isFlightSqlMessage(command)) {
      return Optional.empty();
    }
    return utf8(command).filter(text -> !text.isBlank())
        .map(sql -> CommandStatementQuery.newBuilder().setQuery(sql).build());
  }

  /** Fails, naming the problem, when a command descriptor is neither SQL text nor a packed protobuf Any. */
  static void requireAny(FlightDescriptor descriptor) {
    if (!descriptor.isCommand()) {
      return;
    }
    try {
      Any.parseFrom(descriptor.getCommand());
    } catch (InvalidProtocolBufferException e) {
      throw EngineException.invalidArgument("the descriptor's command is neither SQL text (UTF-8) nor a Flight SQL "
          + "command (a packed protobuf Any): " + e.getMessage());
    }
  }

  private static boolean isFlightSqlMessage(byte[] command) {
    try {
      return Any.parseFrom(command).getTypeUrl().startsWith(FLIGHT_SQL_TYPE_PREFIX);
    } catch (InvalidProtocolBufferException notProtobuf) {
      return false;
    }
  }

  private static Optional<String> utf8(byte[] bytes) {
    try {
      return Optional.of(StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes)).toString());
    } catch (CharacterCodingException notText) {
      return Optional.empty();
    }
  }
}
