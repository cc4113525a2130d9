package dev.bridge.engine.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.bridge.engine.EngineException;
import dev.bridge.engine.TypedNull;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.apache.spark.connect.proto.DataType;
import org.apache.spark.connect.proto.Expression;
import org.apache.spark.connect.proto.SQL;
import org.junit.jupiter.api.Test;

class SparkParametersTest {
  @Test
  void eachValueBecomesASparkLiteralOfItsOwnType() {
    assertThat(SparkParameters.literal(7, 1).getInteger()).isEqualTo(7);
    assertThat(SparkParameters.literal(7L, 1).getLong()).isEqualTo(7L);
    assertThat(SparkParameters.literal((short) 7, 1).getShort()).isEqualTo(7);
    assertThat(SparkParameters.literal(2.5d, 1).getDouble()).isEqualTo(2.5d);
    assertThat(SparkParameters.literal(true, 1).getBoolean()).isTrue();
    assertThat(SparkParameters.literal("it's", 1).getString()).isEqualTo("it's");
    assertThat(SparkParameters.literal(new byte[] {1, 2}, 1).getBinary().toByteArray()).containsExactly(1, 2);
    assertThat(SparkParameters.literal(LocalDate.of(1970, 1, 3), 1).getDate()).isEqualTo(2);
    assertThat(SparkParameters.literal(LocalDateTime.of(1970, 1, 1, 0, 0, 1), 1).getTimestampNtz())
        .isEqualTo(1_000_000L);
    assertThat(SparkParameters.literal(OffsetDateTime.of(1970, 1, 1, 1, 0, 0, 0, ZoneOffset.ofHours(1)), 1)
        .getTimestamp()).isZero();
    Expression.Literal.Decimal decimal = SparkParameters.literal(new BigDecimal("-12.340"), 1).getDecimal();
    assertThat(decimal.getValue()).isEqualTo("-12.340");
    assertThat(decimal.getPrecision()).isEqualTo(5);
    assertThat(decimal.getScale()).isEqualTo(3);
    assertThat(SparkParameters.literal(new BigDecimal("1E+3"), 1).getDecimal().getValue()).isEqualTo("1000");
  }

  @Test
  void aNullKeepsTheTypeItWasBoundWithAndAnUntypedOneIsSparksNullType() {
    assertThat(SparkParameters.literal(null, 1).getNull().getKindCase()).isEqualTo(DataType.KindCase.NULL);
    assertThat(SparkParameters.literal(new TypedNull("DATE", "Date(DAY)"), 1).getNull().getKindCase())
        .isEqualTo(DataType.KindCase.DATE);
    DataType decimal = SparkParameters.literal(new TypedNull("DECIMAL(12,2)", "Decimal(12, 2)"), 1).getNull();
    assertThat(decimal.getDecimal().getPrecision()).isEqualTo(12);
    assertThat(decimal.getDecimal().getScale()).isEqualTo(2);
  }

  @Test
  void valuesSparkCannotHoldAreRefusedNamingTheParameter() {
    assertThatThrownBy(() -> SparkParameters.literal(new BigDecimal("1" + "0".repeat(40)), 2))
        .isInstanceOf(EngineException.class).hasMessageContaining("parameter 2").hasMessageContaining("38");
    assertThatThrownBy(() -> SparkParameters.literal(new Object(), 3))
        .isInstanceOf(EngineException.class).hasMessageContaining("parameter 3");
  }

  @Test
  void positionalValuesBindInOrderAndNamedOnesByTheirNames() {
    SQL positional = SparkParameters.bind(SQL.newBuilder().setQuery("SELECT ?, ?"),
        SparkStatements.parse("SELECT ?, ?").markers(), List.of(1, "a")).build();
    assertThat(positional.getPosArgumentsList()).extracting(e -> e.getLiteral().getLiteralTypeCase().name())
        .containsExactly("INTEGER", "STRING");
    List<SparkStatements.Marker> named = SparkParameters.distinct(SparkStatements.parse("SELECT :b, :a, :b").markers());
    SQL byName = SparkParameters.bind(SQL.newBuilder().setQuery("SELECT :b, :a, :b"), named, List.of(1, "x")).build();
    assertThat(byName.getNamedArgumentsMap().get("b").getLiteral().getInteger()).isEqualTo(1);
    assertThat(byName.getNamedArgumentsMap().get("a").getLiteral().getString()).isEqualTo("x");
  }
}
