package dev.bridge.config;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.module.SimpleModule;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.ser.std.ToStringSerializer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * The keys that differ between two configurations, by their dotted names ({@code sessions.idle_timeout}), and a
 * configuration with some keys taken back to their running values.
 */
final class ConfigChanges {
  private final ObjectMapper mapper = new ConfigLoader().mapper().copy()
      .registerModule(new SimpleModule().addSerializer(Duration.class, ToStringSerializer.instance));

  /** Dotted names of the leaves (scalars, lists, maps of scalars) that differ. */
  List<String> changedKeys(BridgeConfig previous, BridgeConfig next) {
    Set<String> keys = new TreeSet<>();
    diff("", mapper.valueToTree(previous), mapper.valueToTree(next), keys);
    return new ArrayList<>(keys);
  }

  /** {@code next} with each of {@code keys} set back to its value in {@code previous}. */
  BridgeConfig revert(BridgeConfig previous, BridgeConfig next, List<String> keys) {
    if (keys.isEmpty()) {
      return next;
    }
    JsonNode running = mapper.valueToTree(previous);
    ObjectNode merged = mapper.valueToTree(next);
    for (String key : keys) {
      String[] parts = key.split("\\.");
      ObjectNode target = merged;
      JsonNode source = running;
      for (int i = 0; i < parts.length - 1; i++) {
        target = (ObjectNode) target.get(parts[i]);
        source = source.get(parts[i]);
      }
      target.set(parts[parts.length - 1], source.get(parts[parts.length - 1]));
    }
    try {
      return mapper.treeToValue(merged, BridgeConfig.class);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new ConfigException("cannot keep the running values of " + keys + ": " + e.getOriginalMessage(), e);
    }
  }

  private static void diff(String prefix, JsonNode before, JsonNode after, Set<String> keys) {
    if (before != null && after != null && before.isObject() && after.isObject() && !isMapOfScalars(prefix)) {
      Set<String> names = new TreeSet<>();
      before.fieldNames().forEachRemaining(names::add);
      after.fieldNames().forEachRemaining(names::add);
      for (String name : names) {
        diff(prefix.isEmpty() ? name : prefix + "." + name, before.get(name), after.get(name), keys);
      }
    } else if (before == null || !before.equals(after)) {
      keys.add(prefix);
    }
  }

  /** Maps whose keys are data (logger names), not configuration keys: a change is a change of the whole map. */
  private static boolean isMapOfScalars(String key) {
    return key.equals("logging.levels");
  }

  static boolean covers(String prefix, String key) {
    return key.equals(prefix) || key.startsWith(prefix + ".");
  }
}
