package io.tenure.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.tenure.config.Grain;
import io.tenure.testing.SparkExtension;
import java.time.ZoneId;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(SparkExtension.class)
class PeriodsTest {

  private static String eval(SparkSession spark, Column c) {
    List<Row> rows = spark.range(1).select(c).collectAsList();
    return String.valueOf(rows.get(0).get(0));
  }

  private static Column instant(String iso) {
    return functions.lit(java.sql.Timestamp.from(java.time.Instant.parse(iso)));
  }

  private static Column date(String iso) {
    return functions.lit(java.sql.Date.valueOf(iso));
  }

  @Test
  void localDateFollowsDstInTheBusinessZone(SparkSession spark) {
    ZoneId newYork = ZoneId.of("America/New_York");
    // 2024-03-10 is 23 hours long in New York (EST -5 until 02:00, then EDT -4).
    assertThat(eval(spark, Periods.localDate(instant("2024-03-10T04:59:59Z"), newYork)))
        .isEqualTo("2024-03-09");
    assertThat(eval(spark, Periods.localDate(instant("2024-03-10T05:00:00Z"), newYork)))
        .isEqualTo("2024-03-10");
    assertThat(eval(spark, Periods.localDate(instant("2024-03-11T03:59:59Z"), newYork)))
        .isEqualTo("2024-03-10");
    assertThat(eval(spark, Periods.localDate(instant("2024-03-11T04:00:00Z"), newYork)))
        .isEqualTo("2024-03-11");
    // 2024-11-03 is 25 hours long.
    assertThat(eval(spark, Periods.localDate(instant("2024-11-04T04:59:59Z"), newYork)))
        .isEqualTo("2024-11-03");
  }

  @Test
  void monthBoundaryInBerlinIsLocalMidnight(SparkSession spark) {
    ZoneId berlin = ZoneId.of("Europe/Berlin");
    // 23:30 UTC on Oct 31 is 00:30 on Nov 1 in Berlin (CET, +1 after the October DST change).
    Column day = Periods.localDate(instant("2024-10-31T23:30:00Z"), berlin);
    assertThat(eval(spark, Periods.start(day, Grain.MONTH))).isEqualTo("2024-11-01");
    Column summer = Periods.localDate(instant("2024-06-30T22:30:00Z"), berlin);
    assertThat(eval(spark, Periods.start(summer, Grain.MONTH))).isEqualTo("2024-07-01");
  }

  @Test
  void isoWeeksStartOnMondayAcrossTheYearEnd(SparkSession spark) {
    // Wednesday 2025-01-01 belongs to the week of Monday 2024-12-30.
    assertThat(eval(spark, Periods.start(date("2025-01-01"), Grain.WEEK))).isEqualTo("2024-12-30");
    assertThat(eval(spark, Periods.start(date("2024-12-29"), Grain.WEEK))).isEqualTo("2024-12-23");
    assertThat(eval(spark, Periods.index(date("2024-12-23"), date("2024-12-30"), Grain.WEEK)))
        .isEqualTo("1");
    assertThat(eval(spark, Periods.next(date("2024-12-30"), Grain.WEEK))).isEqualTo("2025-01-06");
  }

  /** The driver's period starts (retraining dates, complete periods) are Spark's, day by day. */
  @Test
  void javaPeriodStartsEqualSparksOnEveryDayOfAYearAndABit(SparkSession spark) {
    java.time.LocalDate first = java.time.LocalDate.of(2023, 12, 20);
    List<java.time.LocalDate> days = first.datesUntil(first.plusDays(420)).toList();
    for (Grain grain : Grain.values()) {
      List<Row> spark1 =
          spark
              .createDataset(
                  days.stream().map(java.sql.Date::valueOf).toList(),
                  org.apache.spark.sql.Encoders.DATE())
              .toDF("d")
              .select(functions.col("d"), Periods.start(functions.col("d"), grain))
              .collectAsList();
      assertThat(spark1).hasSize(days.size());
      for (Row r : spark1) {
        assertThat(grain.start(r.getDate(0).toLocalDate()))
            .as("%s of %s", grain, r.getDate(0))
            .isEqualTo(r.getDate(1).toLocalDate());
      }
    }
  }

  @Test
  void leapDayAndQuarters(SparkSession spark) {
    assertThat(eval(spark, Periods.start(date("2024-02-29"), Grain.MONTH))).isEqualTo("2024-02-01");
    assertThat(eval(spark, Periods.start(date("2024-02-29"), Grain.QUARTER)))
        .isEqualTo("2024-01-01");
    assertThat(eval(spark, Periods.index(date("2023-10-01"), date("2024-04-01"), Grain.QUARTER)))
        .isEqualTo("2");
    assertThat(eval(spark, Periods.index(date("2024-01-01"), date("2024-03-01"), Grain.MONTH)))
        .isEqualTo("2");
    assertThat(eval(spark, Periods.isComplete(date("2024-02-01"), date("2024-02-28"), Grain.MONTH)))
        .isEqualTo("false");
    assertThat(eval(spark, Periods.isComplete(date("2024-02-01"), date("2024-02-29"), Grain.MONTH)))
        .isEqualTo("true");
  }

  @Test
  void sparkPeriodsAgreeWithJavaTimeOverSeveralYears(SparkSession spark) {
    java.time.LocalDate d = java.time.LocalDate.of(2023, 12, 20);
    for (int i = 0; i < 800; i += 37) {
      java.time.LocalDate day = d.plusDays(i);
      for (Grain g : Grain.values()) {
        assertThat(eval(spark, Periods.start(functions.lit(java.sql.Date.valueOf(day)), g)))
            .as("%s of %s", g, day)
            .isEqualTo(periodStart(g, day).toString());
      }
    }
  }

  /** The same definition in java.time, independently. */
  private static java.time.LocalDate periodStart(Grain g, java.time.LocalDate date) {
    return switch (g) {
      case DAY -> date;
      case WEEK ->
          date.with(
              java.time.temporal.TemporalAdjusters.previousOrSame(java.time.DayOfWeek.MONDAY));
      case MONTH -> date.withDayOfMonth(1);
      case QUARTER -> date.with(java.time.temporal.IsoFields.DAY_OF_QUARTER, 1);
    };
  }
}
