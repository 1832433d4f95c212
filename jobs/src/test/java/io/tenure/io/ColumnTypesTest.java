package io.tenure.io;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.trim;
import static org.assertj.core.api.Assertions.assertThat;

import io.tenure.config.InputContract.LogicalType;
import io.tenure.testing.SparkExtension;
import java.math.BigDecimal;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.TreeSet;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@link ColumnTypes#alwaysConverts} lets validation skip the unparseable rule; it may say so only
 * where no source value can fail. Checked against the conversion itself on the extreme values of
 * every source type: the pairs said to always convert are exactly those where none of them fails.
 */
@ExtendWith(SparkExtension.class)
class ColumnTypesTest {
  private static final ColumnTypes TYPES =
      new ColumnTypes(ZoneId.of("America/New_York"), ZoneId.of("Asia/Tokyo"));

  private record Source(DataType type, List<Object> values) {}

  private static List<Source> sources() {
    return List.of(
        new Source(DataTypes.ByteType, List.of(Byte.MIN_VALUE, Byte.MAX_VALUE, (byte) 0)),
        new Source(DataTypes.ShortType, List.of(Short.MIN_VALUE, Short.MAX_VALUE)),
        new Source(DataTypes.IntegerType, List.of(Integer.MIN_VALUE, Integer.MAX_VALUE)),
        new Source(DataTypes.LongType, List.of(Long.MIN_VALUE, Long.MAX_VALUE, 7L)),
        new Source(DataTypes.FloatType, List.of(292.5f, Float.NaN, 1e20f, 3f)),
        new Source(DataTypes.DoubleType, List.of(292.5, Double.NaN, 1e300, -0.0)),
        new Source(
            DataTypes.createDecimalType(16, 2),
            List.of(new BigDecimal("99999999999999.99"), new BigDecimal("-0.01"))),
        new Source(
            DataTypes.createDecimalType(18, 2),
            List.of(new BigDecimal("9999999999999999.99"), new BigDecimal("1.00"))),
        new Source(
            DataTypes.createDecimalType(38, 10),
            List.of(new BigDecimal("1234567890123456789.5"), new BigDecimal("0.0000000001"))),
        new Source(DataTypes.BooleanType, List.of(true, false)),
        new Source(
            DataTypes.TimestampType,
            List.of(
                Timestamp.valueOf("0001-01-01 00:00:00"),
                Timestamp.valueOf("9999-12-31 23:59:59"))),
        new Source(
            DataTypes.TimestampNTZType,
            List.of(
                LocalDateTime.parse("0001-01-01T00:00:00"),
                LocalDateTime.parse("9999-12-31T23:59:59"))),
        new Source(
            DataTypes.DateType, List.of(Date.valueOf("0001-01-01"), Date.valueOf("9999-12-31"))),
        new Source(
            DataTypes.StringType,
            List.of("c42", " 17 ", "2024-13-45", "maybe", "4.7", "1e40", "2024-06-01", "yes")));
  }

  @Test
  void thePairsThatAlwaysConvertAreThoseWhereNoExtremeValueFails(SparkSession spark) {
    TreeSet<String> failing = new TreeSet<>();
    TreeSet<String> claimed = new TreeSet<>();
    for (Source source : sources()) {
      StructType schema = new StructType().add("v", source.type(), true);
      List<Row> rows = new ArrayList<>();
      source.values().forEach(v -> rows.add(RowFactory.create(v)));
      rows.add(RowFactory.create((Object) null));
      Dataset<Row> df = spark.createDataFrame(rows, schema);
      for (LogicalType type : LogicalType.values()) {
        boolean text = source.type().equals(DataTypes.StringType);
        if (!ColumnTypes.accepts(type, source.type(), text)) {
          continue;
        }
        String pair = source.type().simpleString() + " as " + type;
        Column converted = TYPES.convert(col("v"), source.type(), type);
        // What the unparseable rule counts: a null value from a non-blank source value.
        long failed =
            df.where(
                    converted
                        .isNull()
                        .and(col("v").isNotNull())
                        .and(trim(col("v").cast("string")).notEqual("")))
                .count();
        if (failed > 0) {
          failing.add(pair);
        }
        if (!ColumnTypes.alwaysConverts(source.type(), type)) {
          claimed.add(pair);
        }
      }
    }
    // Every pair not claimed to always convert has a value here that fails, and no other pair.
    assertThat(failing).isEqualTo(claimed);
    assertThat(claimed)
        .containsAll(
            Arrays.asList(
                "double as ID",
                "decimal(18,2) as AMOUNT",
                "bigint as AMOUNT",
                "bigint as SCORE",
                "string as TIMESTAMP",
                "string as FLAG"));
  }
}
