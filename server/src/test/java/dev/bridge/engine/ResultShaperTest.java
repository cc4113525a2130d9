package dev.bridge.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class ResultShaperTest {
  @Test
  void keepsTypesArrowCarriesFaithfully() {
    for (String type : List.of("INTEGER", "VARCHAR", "DECIMAL(38,10)", "TIMESTAMP WITH TIME ZONE", "HUGEINT",
        "STRUCT(a INTEGER, b VARCHAR[])", "MAP(VARCHAR, BIGINT)", "BLOB", "UUID", "INTERVAL")) {
      assertThat(ResultShaper.converted(type)).as(type).isEqualTo(type);
    }
    assertThat(ResultShaper.needsConversion(List.of("INTEGER", "VARCHAR"))).isFalse();
  }

  @Test
  void convertsLossyTypesAlsoWhenNested() {
    assertThat(ResultShaper.converted("ENUM")).isEqualTo("VARCHAR");
    assertThat(ResultShaper.converted("ENUM('a', 'it''s', 'c')[]")).isEqualTo("VARCHAR[]");
    assertThat(ResultShaper.converted("STRUCT(m ENUM('x, y', 'z'), t TIME WITH TIME ZONE)"))
        .isEqualTo("STRUCT(m VARCHAR, t VARCHAR)");
    assertThat(ResultShaper.converted("MAP(VARCHAR, UHUGEINT)")).isEqualTo("MAP(VARCHAR, VARCHAR)");
    assertThat(ResultShaper.converted("BIT")).isEqualTo("VARCHAR");
    assertThat(ResultShaper.converted("BIGNUM")).isEqualTo("VARCHAR");
    assertThat(ResultShaper.converted("UTINYINT")).isEqualTo("SMALLINT");
    assertThat(ResultShaper.converted("USMALLINT")).isEqualTo("INTEGER");
    assertThat(ResultShaper.converted("UINTEGER[3]")).isEqualTo("BIGINT[3]");
    assertThat(ResultShaper.converted("UBIGINT")).isEqualTo("DECIMAL(20,0)");
    assertThat(ResultShaper.needsConversion(List.of("INTEGER", "UBIGINT"))).isTrue();
  }

  @Test
  void projectionNamesEveryColumnAndSurvivesTrailingCommentsAndSemicolons() {
    String projection = ResultShaper.project("SELECT 1 AS a, 2 AS a -- two\n;", List.of("a", "a\"b"),
        List.of("INTEGER", "ENUM"));
    assertThat(projection).isEqualTo("SELECT q.\"c1\" AS \"a\", CAST(q.\"c2\" AS VARCHAR) AS \"a\"\"b\" FROM (\n"
        + "SELECT 1 AS a, 2 AS a -- two\n) AS q(\"c1\", \"c2\")");
  }
}
