package dev.bridge.flight;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ClientAgentMiddlewareTest {
  @Test
  void theJdbcDrivers15To17CountAsArrowJavaOlderThan18() {
    assertThat(ClientAgentMiddleware.olderThanArrowJava18("grpc-java-netty/1.60.0")).isTrue();
    assertThat(ClientAgentMiddleware.olderThanArrowJava18("grpc-java-netty/1.63.0")).isTrue();
    assertThat(ClientAgentMiddleware.olderThanArrowJava18("DBeaver grpc-java-okhttp/1.58.1")).isTrue();
  }

  @Test
  void newerJavaClientsAndClientsInOtherLanguagesDoNot() {
    assertThat(ClientAgentMiddleware.olderThanArrowJava18("grpc-java-netty/1.71.0")).isFalse();
    assertThat(ClientAgentMiddleware.olderThanArrowJava18("grpc-java-netty/1.64.0")).isFalse();
    assertThat(ClientAgentMiddleware.olderThanArrowJava18("grpc-c++/1.62.2 grpc-c/39.0.0 (linux; chttp2)")).isFalse();
    assertThat(ClientAgentMiddleware.olderThanArrowJava18("grpc-go/1.63.2")).isFalse();
    assertThat(ClientAgentMiddleware.olderThanArrowJava18("")).isFalse();
  }
}
