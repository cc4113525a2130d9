package dev.bridge.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SparkConfigTest {
  @Test
  void sparkIsOffUnlessARemoteIsConfiguredAndItsCatalogIsSparkByDefault() {
    assertThat(EnginesConfig.DEFAULT.spark().enabled()).isFalse();
    SparkConfig spark = new SparkConfig("sc://spark.example:15010", null, null, null);
    spark.validate();
    assertThat(spark.catalog()).isEqualTo("spark");
    assertThat(spark.endpoint()).isEqualTo(new SparkConfig.Endpoint("spark.example", 15010, false));
    assertThat(new SparkConfig("sc://h/;use_ssl=true", null, null, "lake").endpoint())
        .isEqualTo(new SparkConfig.Endpoint("h", SparkConfig.DEFAULT_PORT, true));
  }

  @Test
  void aRemoteThatIsNotASparkConnectAddressIsRefusedNamingTheKey() {
    assertThatThrownBy(() -> new SparkConfig("grpc://h:1", null, null, null).validate())
        .isInstanceOf(ConfigException.class).hasMessageContaining("engines.spark.remote must be sc://host[:port]");
    assertThatThrownBy(() -> new SparkConfig("sc://h:1/;token=abc", null, null, null).validate())
        .isInstanceOf(ConfigException.class).hasMessageContaining("takes only the parameter use_ssl");
  }

  @Test
  void aTokenAndATokenFileTogetherOrATokenWithoutRemoteAreRefused(@TempDir Path directory) throws IOException {
    Path file = Files.writeString(directory.resolve("token"), "secret\n");
    assertThatThrownBy(() -> new SparkConfig("sc://h", "t", file.toString(), null).validate())
        .isInstanceOf(ConfigException.class).hasMessageContaining("engines.spark.token and engines.spark.token_file");
    assertThatThrownBy(() -> new SparkConfig(null, "t", null, null).validate())
        .isInstanceOf(ConfigException.class).hasMessageContaining("engines.spark.remote is needed");
    assertThat(new SparkConfig("sc://h", null, file.toString(), null).resolvedToken()).isEqualTo("secret");
  }

  @Test
  void aTokenFileThatIsMissingOrEmptyIsRefusedNamingIt(@TempDir Path directory) throws IOException {
    assertThatThrownBy(() -> new SparkConfig("sc://h", null, directory.resolve("none").toString(), null).validate())
        .isInstanceOf(ConfigException.class).hasMessageContaining("engines.spark.token_file cannot be read");
    Path empty = Files.writeString(directory.resolve("empty"), "\n");
    assertThatThrownBy(() -> new SparkConfig("sc://h", null, empty.toString(), null).validate())
        .isInstanceOf(ConfigException.class).hasMessageContaining("engines.spark.token_file is empty");
  }
}
