package dev.bridge.engine.spark;

import dev.bridge.engine.EngineException;
import dev.bridge.engine.ErrorKind;
import org.sparkproject.com.google.protobuf.Any;
import org.sparkproject.com.google.protobuf.InvalidProtocolBufferException;
import org.sparkproject.com.google.rpc.ErrorInfo;
import org.sparkproject.io.grpc.Status;
import org.sparkproject.io.grpc.StatusRuntimeException;
import org.sparkproject.io.grpc.protobuf.StatusProto;

/**
 * Spark's failures in Bridge's vocabulary: the kind from Spark's SQLSTATE (or, for a failure of the connection, its
 * gRPC status), the message Spark's own, prefixed with "Spark: " so a client sees which engine refused.
 */
final class SparkErrors {
  private SparkErrors() {}

  static EngineException translate(StatusRuntimeException e) {
    Status status = e.getStatus();
    String message = status.getDescription() == null ? status.getCode().toString() : status.getDescription();
    return switch (status.getCode()) {
      case UNAVAILABLE -> new EngineException(ErrorKind.UNAVAILABLE,
          "Spark is unavailable (engines.spark.remote): " + message, e);
      case UNAUTHENTICATED, PERMISSION_DENIED -> new EngineException(ErrorKind.INTERNAL,
          "Spark refused Bridge's credentials (engines.spark.token): " + message, e);
      case CANCELLED -> new EngineException(ErrorKind.CANCELLED, "the query was cancelled", e);
      case DEADLINE_EXCEEDED -> new EngineException(ErrorKind.DEADLINE_EXCEEDED, "Spark: " + message, e);
      case INVALID_ARGUMENT -> new EngineException(ErrorKind.INVALID_ARGUMENT, "Spark: " + message, e);
      case NOT_FOUND -> new EngineException(ErrorKind.NOT_FOUND, "Spark: " + message, e);
      default -> new EngineException(kindOf(sqlState(e)), "Spark: " + message, e);
    };
  }

  /**
   * SQLSTATE classes as Spark uses them: 42P01/42704 (no such table, schema, ...) NOT_FOUND, 42P06/42P07 (exists
   * already) ALREADY_EXISTS, the rest of 42 (syntax, unresolved names, types) and 22 (data exceptions)
   * INVALID_ARGUMENT; a cancelled job CANCELLED; anything else INTERNAL.
   */
  static ErrorKind kindOf(String sqlState) {
    if (sqlState == null) {
      return ErrorKind.INTERNAL;
    }
    if (sqlState.equals("42P01") || sqlState.equals("42704") || sqlState.equals("42883")) {
      return ErrorKind.NOT_FOUND;
    }
    if (sqlState.equals("42P06") || sqlState.equals("42P07") || sqlState.equals("42710")) {
      return ErrorKind.ALREADY_EXISTS;
    }
    if (sqlState.startsWith("42") || sqlState.startsWith("22")) {
      return ErrorKind.INVALID_ARGUMENT;
    }
    if (sqlState.startsWith("HY008") || sqlState.equals("XXKDA")) {
      return ErrorKind.CANCELLED;
    }
    return ErrorKind.INTERNAL;
  }

  /** The SQLSTATE in the ErrorInfo detail Spark Connect attaches to its failures, if any. */
  private static String sqlState(StatusRuntimeException e) {
    org.sparkproject.com.google.rpc.Status details = StatusProto.fromThrowable(e);
    if (details == null) {
      return null;
    }
    for (Any detail : details.getDetailsList()) {
      if (detail.is(ErrorInfo.class)) {
        try {
          String state = detail.unpack(ErrorInfo.class).getMetadataMap().get("sqlState");
          if (state != null) {
            return state;
          }
        } catch (InvalidProtocolBufferException ignored) {
          // A detail that does not parse carries no SQLSTATE.
        }
      }
    }
    return null;
  }
}
