package dev.bridge.rest;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Turns the JSON {@code params} array into the Java values DuckDB binds: integers as Long (BigInteger beyond),
 * other numbers as BigDecimal (their exact decimal text), strings, booleans and null. Nested values are refused:
 * pass them as text and CAST in SQL.
 */
final class JsonParameters {
  private JsonParameters() {}

  static List<Object> read(JsonNode params) {
    if (params == null || params.isNull()) {
      return List.of();
    }
    if (!params.isArray()) {
      throw HttpError.badRequest("'params' must be a JSON array of values");
    }
    List<Object> values = new ArrayList<>(params.size());
    for (int i = 0; i < params.size(); i++) {
      values.add(value(params.get(i), i));
    }
    return values;
  }

  private static Object value(JsonNode node, int index) {
    if (node.isNull()) {
      return null;
    }
    if (node.isBoolean()) {
      return node.booleanValue();
    }
    if (node.isIntegralNumber()) {
      return node.canConvertToLong() ? (Object) node.longValue() : node.bigIntegerValue();
    }
    if (node.isNumber()) {
      return node.decimalValue();
    }
    if (node.isTextual()) {
      return node.textValue();
    }
    String kind = node.getNodeType().name().toLowerCase(Locale.ROOT);
    throw HttpError.badRequest("params[" + index + "] is a JSON " + kind
        + "; parameters are scalars: pass nested values as a string and CAST them in SQL");
  }
}
