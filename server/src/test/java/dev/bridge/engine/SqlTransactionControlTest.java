package dev.bridge.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.junit.jupiter.api.Test;

class SqlTransactionControlTest {
  @Test
  void recognisesStatementsThatOpenOrEndATransaction() {
    assertThat(SqlTransactionControl.effect("BEGIN TRANSACTION")).contains(true);
    assertThat(SqlTransactionControl.effect("  start transaction;")).contains(true);
    assertThat(SqlTransactionControl.effect("-- load\n/* step 2 */ COMMIT")).contains(false);
    assertThat(SqlTransactionControl.effect("rollback")).contains(false);
    assertThat(SqlTransactionControl.effect("ABORT")).contains(false);
  }

  @Test
  void ignoresEverythingElse() {
    assertThat(SqlTransactionControl.effect("SELECT 'BEGIN'")).isEqualTo(Optional.empty());
    assertThat(SqlTransactionControl.effect("CREATE TABLE commit_log(i INT)")).isEqualTo(Optional.empty());
    assertThat(SqlTransactionControl.effect("")).isEqualTo(Optional.empty());
  }
}
