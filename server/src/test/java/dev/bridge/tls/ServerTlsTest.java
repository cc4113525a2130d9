package dev.bridge.tls;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bridge.config.ConfigException;
import dev.bridge.config.TlsConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerTlsTest {
  @TempDir
  Path directory;

  @Test
  void filesThatAreNotPemAreRefusedWithTheirKeys() throws IOException {
    Path cert = Files.writeString(directory.resolve("server.pem"), "not a certificate");
    Path key = Files.writeString(directory.resolve("server.key"), "not a key");
    assertThatThrownBy(() -> ServerTls.load(TlsConfig.of(cert, key, null)))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("tls.cert_file (" + cert + ")")
        .hasMessageContaining("tls.key_file (" + key + ")")
        .hasMessageContaining("PKCS#8");
  }
}
