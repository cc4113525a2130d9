package dev.bridge.config;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.fasterxml.jackson.databind.module.SimpleModule;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.stream.Collectors;

/** Reads {@link BridgeConfig} from YAML: unknown keys and bad values are errors that name the key. */
public final class ConfigLoader {
  private final ObjectMapper mapper = new ObjectMapper(new YAMLFactory())
      .registerModule(new SimpleModule().addDeserializer(Duration.class, new HumanDurationDeserializer()))
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES);

  /** The mapper that reads configurations (shared with {@link ConfigChanges}, which compares them). */
  ObjectMapper mapper() {
    return mapper;
  }

  /** Loads the file, or the defaults when {@code file} is null; the result is validated. */
  public BridgeConfig load(Path file) {
    BridgeConfig config = file == null ? BridgeConfig.defaults() : read(file);
    config.validate();
    return config;
  }

  private BridgeConfig read(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new ConfigException("configuration file " + file + " does not exist");
    }
    try {
      JsonNode tree = mapper.readTree(file.toFile());
      // A file with only comments is a valid configuration: every key at its default.
      if (tree == null || tree.isMissingNode() || tree.isNull()) {
        return BridgeConfig.defaults();
      }
      return mapper.treeToValue(tree, BridgeConfig.class);
    } catch (UnrecognizedPropertyException e) {
      throw new ConfigException(file + ": unknown key '" + keyOf(e) + "'", e);
    } catch (JsonMappingException e) {
      throw new ConfigException(file + ": bad value for '" + keyOf(e) + "': " + e.getOriginalMessage(), e);
    } catch (IOException e) {
      throw new ConfigException(file + ": " + e.getMessage(), e);
    }
  }

  private static String keyOf(JsonMappingException e) {
    return e.getPath().stream()
        .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
        .collect(Collectors.joining("."));
  }
}
