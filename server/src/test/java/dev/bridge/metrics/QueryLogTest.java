package dev.bridge.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.bridge.config.QueryLogConfig;
import org.junit.jupiter.api.Test;

class QueryLogTest {
  @Test
  void cutsLongStatementsToTheConfiguredLength() {
    QueryLog log = new QueryLog(new QueryLogConfig(16, false));
    assertThat(log.statementText("SELECT 'abcdefghijklmnopqrstuvwxyz'")).isEqualTo("SELECT 'abcdefgh...");
  }

  @Test
  void redactsBeforeCuttingAndTakesEditedSettings() {
    QueryLog log = new QueryLog(QueryLogConfig.DEFAULT);
    assertThat(log.statementText("SELECT 'secret'")).isEqualTo("SELECT 'secret'");
    log.configure(new QueryLogConfig(4096, true));
    assertThat(log.statementText("SELECT 'secret'")).isEqualTo("SELECT '?'");
  }
}
