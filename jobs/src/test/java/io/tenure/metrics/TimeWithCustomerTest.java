package io.tenure.metrics;

import static io.tenure.testing.Rows.sorted;
import static io.tenure.testing.Rows.ts;
import static org.assertj.core.api.Assertions.assertThat;

import io.tenure.config.Grain;
import io.tenure.config.TenureSettings.TimeWithCustomerSettings;
import io.tenure.testing.Rows;
import io.tenure.testing.SparkExtension;
import java.time.ZoneOffset;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Four phone calls (10, 20, 30, 40 s of handle time, each open for 300 s), one email without a
 * handle time closed after 3600 s, one email still open, all in January 2024. The handle measure
 * times the calls only; the elapsed measure times the calls (300 s) and the closed email.
 */
@ExtendWith(SparkExtension.class)
class TimeWithCustomerTest {

  private static Row contact(
      String id, String customer, String channel, String opened, String closed, Double handle) {
    return RowFactory.create(
        id,
        customer,
        channel,
        "billing",
        ts(opened),
        null,
        closed == null ? null : ts(closed),
        handle,
        "a1",
        true,
        null,
        null);
  }

  private static Dataset<Row> interactions(SparkSession spark) {
    return Rows.df(
        spark,
        Rows.INTERACTIONS,
        contact("i1", "A", "phone", "2024-01-02T10:00:00Z", "2024-01-02T10:05:00Z", 10.0),
        contact("i2", "A", "phone", "2024-01-03T10:00:00Z", "2024-01-03T10:05:00Z", 20.0),
        contact("i3", "B", "phone", "2024-01-04T10:00:00Z", "2024-01-04T10:05:00Z", 30.0),
        contact("i4", "B", "phone", "2024-01-05T10:00:00Z", "2024-01-05T10:05:00Z", 40.0),
        contact("i5", "B", "email", "2024-01-06T10:00:00Z", "2024-01-06T11:00:00Z", null),
        contact("i6", "C", "email", "2024-01-07T10:00:00Z", null, null));
  }

  private static TimeWithCustomer.Result compute(SparkSession spark) {
    return TimeWithCustomer.compute(
        interactions(spark),
        new TimeWithCustomerSettings(java.util.OptionalInt.empty(), 2.0),
        Grain.MONTH,
        ZoneOffset.UTC);
  }

  @Test
  void statisticsPerChannelAndRolledUp(SparkSession spark) {
    assertThat(
            sorted(
                compute(spark).stats(),
                "level",
                "measure",
                "period_start",
                "channel",
                "category",
                "interactions",
                "timed_interactions",
                "mean_seconds",
                "p50_seconds",
                "p75_seconds",
                "p90_seconds",
                "p99_seconds",
                "max_seconds",
                "round(total_hours, 6)"))
        .containsExactly(
            "overall | elapsed | null | all | all | 6 | 5 | 960.0 | 300.0 | 300.0 | 3600.0 |"
                + " 3600.0 | 3600.0 | 1.333333",
            "overall | handle | null | all | all | 6 | 4 | 25.0 | 20.0 | 30.0 | 40.0 | 40.0 |"
                + " 40.0 | 0.027778",
            "period | elapsed | 2024-01-01 | all | all | 6 | 5 | 960.0 | 300.0 | 300.0 | 3600.0 |"
                + " 3600.0 | 3600.0 | 1.333333",
            "period | handle | 2024-01-01 | all | all | 6 | 4 | 25.0 | 20.0 | 30.0 | 40.0 | 40.0 |"
                + " 40.0 | 0.027778",
            "period_channel | elapsed | 2024-01-01 | email | all | 2 | 1 | 3600.0 | 3600.0 |"
                + " 3600.0 | 3600.0 | 3600.0 | 3600.0 | 1.0",
            "period_channel | elapsed | 2024-01-01 | phone | all | 4 | 4 | 300.0 | 300.0 | 300.0 |"
                + " 300.0 | 300.0 | 300.0 | 0.333333",
            "period_channel | handle | 2024-01-01 | email | all | 2 | 0 | null | null | null |"
                + " null | null | null | 0.0",
            "period_channel | handle | 2024-01-01 | phone | all | 4 | 4 | 25.0 | 20.0 | 30.0 |"
                + " 40.0 | 40.0 | 40.0 | 0.027778",
            "period_channel_category | elapsed | 2024-01-01 | email | billing | 2 | 1 | 3600.0 |"
                + " 3600.0 | 3600.0 | 3600.0 | 3600.0 | 3600.0 | 1.0",
            "period_channel_category | elapsed | 2024-01-01 | phone | billing | 4 | 4 | 300.0 |"
                + " 300.0 | 300.0 | 300.0 | 300.0 | 300.0 | 0.333333",
            "period_channel_category | handle | 2024-01-01 | email | billing | 2 | 0 | null |"
                + " null | null | null | null | null | 0.0",
            "period_channel_category | handle | 2024-01-01 | phone | billing | 4 | 4 | 25.0 |"
                + " 20.0 | 30.0 | 40.0 | 40.0 | 40.0 | 0.027778");
  }

  @Test
  void histogramBucketsAreLogSpaced(SparkSession spark) {
    assertThat(
            sorted(
                compute(spark).histogram().where("level = 'period_channel'"),
                "measure",
                "channel",
                "bucket",
                "lower_seconds",
                "upper_seconds",
                "interactions",
                "share"))
        .containsExactly(
            "elapsed | email | 11 | 2048.0 | 4096.0 | 1 | 1.0",
            "elapsed | phone | 8 | 256.0 | 512.0 | 4 | 1.0",
            "handle | phone | 3 | 8.0 | 16.0 | 1 | 0.25",
            "handle | phone | 4 | 16.0 | 32.0 | 2 | 0.5",
            "handle | phone | 5 | 32.0 | 64.0 | 1 | 0.25");
  }

  @Test
  void bucketBoundsBelongToTheUpperBucket(SparkSession spark) {
    Dataset<Row> timed =
        spark.sql(
            "select 'handle' as measure, cast(null as date) as period_start, 'x' as channel,"
                + " d as duration_seconds"
                + " from values (0.0), (0.5), (1.0), (2.0), (7.999), (8.0), (1024.0) as t(d)");
    assertThat(
            sorted(
                TimeWithCustomer.histogram(timed, 2.0).where("level = 'period_channel'"),
                "bucket",
                "interactions"))
        .containsExactly("0 | 3", "1 | 1", "10 | 1", "2 | 1", "3 | 1");
  }

  @Test
  void perCustomerTotals(SparkSession spark) {
    assertThat(
            sorted(
                compute(spark).perCustomer(),
                "customer_id",
                "period_start",
                "measure",
                "interactions",
                "timed_interactions",
                "total_seconds"))
        .containsExactly(
            "A | 2024-01-01 | elapsed | 2 | 2 | 600.0",
            "A | 2024-01-01 | handle | 2 | 2 | 30.0",
            "B | 2024-01-01 | elapsed | 3 | 3 | 4200.0",
            "B | 2024-01-01 | handle | 3 | 2 | 70.0",
            "C | 2024-01-01 | elapsed | 1 | 0 | 0.0",
            "C | 2024-01-01 | handle | 1 | 0 | 0.0");
  }
}
