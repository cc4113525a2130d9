package dev.bridge.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SqlLiteralsTest {
  @Test
  void redactsStringLiteralsWithTheirEscapedQuotes() {
    assertThat(SqlLiterals.redact("SELECT * FROM users WHERE name = 'O''Brien' AND pw = 'secret'"))
        .isEqualTo("SELECT * FROM users WHERE name = '?' AND pw = '?'");
  }

  @Test
  void keepsQuotedIdentifiersCommentsNumbersAndParameters() {
    assertThat(SqlLiterals.redact("SELECT \"it's\", 42, $1, ? FROM t -- don't\n/* 'x' */ WHERE a = 'b'"))
        .isEqualTo("SELECT \"it's\", 42, $1, ? FROM t -- don't\n/* 'x' */ WHERE a = '?'");
  }

  @Test
  void redactsEscapeStringsAndDollarQuotes() {
    assertThat(SqlLiterals.redact("SELECT E'a\\'b', $$x'y$$, $tag$z$tag$, e'\\\\'"))
        .isEqualTo("SELECT E'?', '?', '?', e'?'");
  }

  @Test
  void anIdentifierEndingInEIsNotAnEscapeString() {
    assertThat(SqlLiterals.redact("SELECT name'x'")).isEqualTo("SELECT name'?'");
    assertThat(SqlLiterals.redact("SELECT type 'a\\' , 'b'")).isEqualTo("SELECT type '?' , '?'");
  }

  @Test
  void anUnterminatedLiteralIsRedactedToTheEnd() {
    assertThat(SqlLiterals.redact("SELECT 'never closed")).isEqualTo("SELECT '?'");
  }

  @Test
  void textWithoutLiteralsIsUnchanged() {
    String sql = "SELECT a, b FROM t WHERE c > 3";
    assertThat(SqlLiterals.redact(sql)).isEqualTo(sql);
  }
}
