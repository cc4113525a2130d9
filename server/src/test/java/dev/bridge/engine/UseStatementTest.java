package dev.bridge.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class UseStatementTest {
  @Test
  void useOfOneOrTwoNamesIsReadWithItsNamesUnquoted() {
    assertThat(UseStatement.of("USE spark").orElseThrow().target()).containsExactly("spark");
    assertThat(UseStatement.of("  use Spark.sales ;  ").orElseThrow().target()).containsExactly("Spark", "sales");
    assertThat(UseStatement.of("-- switch\nUSE /* engine */ \"my \"\"db\"\"\".`t``x`;").orElseThrow().target())
        .containsExactly("my \"db\"", "t`x");
    assertThat(UseStatement.of("USE memory . main").orElseThrow().rest()).containsExactly("main");
  }

  @Test
  void anythingElseIsNotAUseStatement() {
    for (String sql : List.of("SELECT 1", "USER x", "USE", "USE a.b.c", "USE a; SELECT 1", "USE 'a'", "USEa",
        "USE \"unterminated", "EXPLAIN USE a")) {
      assertThat(UseStatement.of(sql)).as(sql).isEmpty();
    }
  }
}
