package io.tenure.metrics;

import static io.tenure.testing.Rows.purchase;
import static io.tenure.testing.Rows.sorted;
import static org.assertj.core.api.Assertions.assertThat;

import io.tenure.config.Breakdown;
import io.tenure.config.CohortAnchor;
import io.tenure.config.Grain;
import io.tenure.testing.FiveCustomers;
import io.tenure.testing.Rows;
import io.tenure.testing.SparkExtension;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Cohorts by first purchase, monthly:
 *
 * <pre>
 * January cohort (A, B, C): A and B buy once; C buys Jan 15 (30), Feb 1 (40), Mar 20 (50)
 * February cohort (E): buys Feb 28 (70), refund Mar 1 (5), buys Mar 29 (80)
 * April cohort (D): buys Apr 25 (60)
 * </pre>
 */
@ExtendWith(SparkExtension.class)
class CohortRetentionTest {

  private static Dataset<Row> transactions(SparkSession spark) {
    return FiveCustomers.transactions(spark);
  }

  private static Dataset<Row> compute(
      SparkSession spark,
      LocalDate asOf,
      CohortAnchor anchor,
      Breakdown breakdown,
      Optional<Dataset<Row>> customers) {
    ActivityBase base =
        ActivityBase.build(transactions(spark), customers, ZoneOffset.UTC, Grain.MONTH);
    return CohortRetention.compute(base, Grain.MONTH, anchor, breakdown, asOf);
  }

  @Test
  void everyCellOfTheTriangleWithRatesAndRevenue(SparkSession spark) {
    Dataset<Row> r =
        compute(
            spark,
            LocalDate.of(2024, 4, 30),
            CohortAnchor.FIRST_PURCHASE,
            Breakdown.NONE,
            Optional.empty());

    assertThat(
            sorted(
                r,
                "breakdown",
                "breakdown_value",
                "cohort_start",
                "period_index",
                "period_start",
                "cohort_size",
                "active_customers",
                "round(retention_rate, 4)",
                "cast(revenue as double)",
                "round(revenue_retention, 4)",
                "is_complete"))
        .containsExactly(
            "total | all | 2024-01-01 | 0 | 2024-01-01 | 3 | 3 | 1.0 | 60.0 | 1.0 | true",
            "total | all | 2024-01-01 | 1 | 2024-02-01 | 3 | 1 | 0.3333 | 40.0 | 0.6667 | true",
            "total | all | 2024-01-01 | 2 | 2024-03-01 | 3 | 1 | 0.3333 | 50.0 | 0.8333 | true",
            "total | all | 2024-01-01 | 3 | 2024-04-01 | 3 | 0 | 0.0 | 0.0 | 0.0 | true",
            "total | all | 2024-02-01 | 0 | 2024-02-01 | 1 | 1 | 1.0 | 70.0 | 1.0 | true",
            "total | all | 2024-02-01 | 1 | 2024-03-01 | 1 | 1 | 1.0 | 75.0 | 1.0714 | true",
            "total | all | 2024-02-01 | 2 | 2024-04-01 | 1 | 0 | 0.0 | 0.0 | 0.0 | true",
            "total | all | 2024-04-01 | 0 | 2024-04-01 | 1 | 1 | 1.0 | 60.0 | 1.0 | true");
  }

  @Test
  void aDailyRunRecomputesThePeriodsFromTheFirstChangedDayAndTakesTheEarlierOnes(
      SparkSession spark) {
    // The run of Mar 20 saw the purchases up to then; the run of Apr 30 sees every purchase, and
    // nothing dated before Mar 15 changed. Its periods from March on are computed, January and
    // February are the earlier run's rows (marked here by 100 extra active customers), with the
    // ratios and completeness recomputed from them.
    Dataset<Row> all = transactions(spark);
    Dataset<Row> upTo = all.where("occurred_at < timestamp'2024-03-21 00:00:00Z'");
    Dataset<Row> before = monthly(upTo, LocalDate.of(2024, 3, 20), Optional.empty());
    Dataset<Row> marked =
        before.withColumn(
            "active_customers", org.apache.spark.sql.functions.expr("active_customers + 100"));
    LocalDate asOf = LocalDate.of(2024, 4, 30);
    LocalDate changedFrom = LocalDate.of(2024, 3, 15);
    Dataset<Row> r = monthly(all, asOf, Optional.of(new EarlierPeriods(marked, changedFrom)));

    String[] columns = {
      "cohort_start",
      "period_index",
      "cohort_size",
      "active_customers",
      "round(retention_rate, 4)",
      "cast(revenue as double)",
      "round(revenue_retention, 4)",
      "is_complete"
    };
    assertThat(sorted(r, columns))
        .containsExactly(
            "2024-01-01 | 0 | 3 | 103 | 34.3333 | 60.0 | 1.0 | true",
            "2024-01-01 | 1 | 3 | 101 | 33.6667 | 40.0 | 0.6667 | true",
            "2024-01-01 | 2 | 3 | 1 | 0.3333 | 50.0 | 0.8333 | true",
            "2024-01-01 | 3 | 3 | 0 | 0.0 | 0.0 | 0.0 | true",
            "2024-02-01 | 0 | 1 | 101 | 101.0 | 70.0 | 1.0 | true",
            "2024-02-01 | 1 | 1 | 1 | 1.0 | 75.0 | 1.0714 | true",
            "2024-02-01 | 2 | 1 | 0 | 0.0 | 0.0 | 0.0 | true",
            "2024-04-01 | 0 | 1 | 1 | 1.0 | 60.0 | 1.0 | true");
    // Without the marks, the same rows as a run over everything.
    assertThat(
            sorted(
                monthly(all, asOf, Optional.of(new EarlierPeriods(before, changedFrom))), columns))
        .containsExactlyElementsOf(sorted(monthly(all, asOf, Optional.empty()), columns));
  }

  /** Monthly cohorts by first purchase, without a breakdown. */
  private static Dataset<Row> monthly(
      Dataset<Row> tx, LocalDate asOf, Optional<EarlierPeriods> earlier) {
    return CohortRetention.compute(
        ActivityBase.build(tx, Optional.empty(), ZoneOffset.UTC, Grain.MONTH),
        Grain.MONTH,
        CohortAnchor.FIRST_PURCHASE,
        Breakdown.NONE,
        asOf,
        earlier);
  }

  @Test
  void summaryWeightsCohortsBySizeOverCompleteCellsOnly(SparkSession spark) {
    // As of Apr 29 April is not complete: its three cells stay out of the summary.
    Dataset<Row> r =
        compute(
            spark,
            LocalDate.of(2024, 4, 29),
            CohortAnchor.FIRST_PURCHASE,
            Breakdown.NONE,
            Optional.empty());

    assertThat(sorted(r.where("not is_complete"), "cohort_start", "period_index"))
        .containsExactly("2024-01-01 | 3", "2024-02-01 | 2", "2024-04-01 | 0");
    assertThat(
            sorted(
                CohortRetention.summarize(r),
                "period_index",
                "cohorts",
                "cohort_customers",
                "active_customers",
                "round(retention_rate, 4)",
                "cast(revenue as double)",
                "cast(base_revenue as double)",
                "round(revenue_retention, 4)"))
        .containsExactly(
            "0 | 2 | 4 | 4 | 1.0 | 130.0 | 130.0 | 1.0",
            "1 | 2 | 4 | 2 | 0.5 | 115.0 | 130.0 | 0.8846",
            "2 | 1 | 3 | 1 | 0.3333 | 50.0 | 60.0 | 0.8333");
  }

  @Test
  void signupAnchorAndSegmentBreakdown(SparkSession spark) {
    // A signed up in December: its January purchase is period 1 of the December cohort.
    // G signed up in March and never bought: it counts in its cohort, never active.
    Dataset<Row> customers =
        Rows.df(
            spark,
            Rows.CUSTOMERS,
            RowFactory.create("A", Rows.ts("2023-12-20T00:00:00Z"), "smb", "DE"),
            RowFactory.create("B", null, "consumer", "US"),
            RowFactory.create("G", Rows.ts("2024-03-03T00:00:00Z"), "smb", "DE"));
    Dataset<Row> r =
        compute(
            spark,
            LocalDate.of(2024, 4, 30),
            CohortAnchor.SIGNUP,
            Breakdown.SEGMENT,
            Optional.of(customers));

    assertThat(
            sorted(
                r.where("period_index <= 1 and cohort_start in ('2023-12-01', '2024-03-01')"),
                "breakdown",
                "breakdown_value",
                "cohort_start",
                "period_index",
                "cohort_size",
                "active_customers"))
        .containsExactly(
            "segment | smb | 2023-12-01 | 0 | 1 | 0",
            "segment | smb | 2023-12-01 | 1 | 1 | 1",
            "segment | smb | 2024-03-01 | 0 | 1 | 0",
            "segment | smb | 2024-03-01 | 1 | 1 | 0",
            "total | all | 2023-12-01 | 0 | 1 | 0",
            "total | all | 2023-12-01 | 1 | 1 | 1",
            "total | all | 2024-03-01 | 0 | 1 | 0",
            "total | all | 2024-03-01 | 1 | 1 | 0");
    // Customers without a customers row are in the 'unknown' segment; sizes add up per breakdown.
    assertThat(
            sorted(
                r.where("period_index = 0")
                    .groupBy("breakdown")
                    .agg(org.apache.spark.sql.functions.sum("cohort_size"))))
        .containsExactly("segment | 6", "total | 6");
  }

  @Test
  void firstChannelBreakdownUsesTheFirstPurchaseWithTiesBrokenByTransactionId(SparkSession spark) {
    // P: first purchase in store, later online. Q: two purchases at the same instant, t-a (app)
    // before t-b (web) by id. R: only online.
    Dataset<Row> tx =
        Rows.df(
            spark,
            Rows.TRANSACTIONS,
            RowFactory.create(
                "t-2", "P", Rows.ts("2024-01-05T10:00:00Z"), money("5"), "EUR", "purchase", "web"),
            RowFactory.create(
                "t-1",
                "P",
                Rows.ts("2024-01-03T10:00:00Z"),
                money("5"),
                "EUR",
                "purchase",
                "store"),
            RowFactory.create(
                "t-b", "Q", Rows.ts("2024-01-04T10:00:00Z"), money("5"), "EUR", "purchase", "web"),
            RowFactory.create(
                "t-a", "Q", Rows.ts("2024-01-04T10:00:00Z"), money("5"), "EUR", "purchase", "app"),
            RowFactory.create(
                "t-c", "R", Rows.ts("2024-02-04T10:00:00Z"), money("5"), "EUR", "purchase", "web"));
    ActivityBase base = ActivityBase.build(tx, Optional.empty(), ZoneOffset.UTC, Grain.MONTH);
    Dataset<Row> r =
        CohortRetention.compute(
            base,
            Grain.MONTH,
            CohortAnchor.FIRST_PURCHASE,
            Breakdown.FIRST_CHANNEL,
            LocalDate.of(2024, 2, 29));
    assertThat(
            sorted(
                r.where("period_index = 0"),
                "breakdown",
                "breakdown_value",
                "cohort_start",
                "cohort_size"))
        .containsExactly(
            "first-channel | app | 2024-01-01 | 1",
            "first-channel | store | 2024-01-01 | 1",
            "first-channel | web | 2024-02-01 | 1",
            "total | all | 2024-01-01 | 2",
            "total | all | 2024-02-01 | 1");
  }

  private static java.math.BigDecimal money(String amount) {
    return new java.math.BigDecimal(amount);
  }

  @Test
  void periodsFollowTheBusinessTimeZone(SparkSession spark) {
    // In New York, 03:00 UTC on Mar 1 is still Thursday Feb 29 (EST, week of Feb 26), and 03:30
    // UTC on Mar 11 is 23:30 on Sunday Mar 10 (EDT, the 23-hour DST day), so week of Mar 4.
    Dataset<Row> tx =
        Rows.df(
            spark,
            Rows.TRANSACTIONS,
            purchase("X", "2024-03-01T03:00:00Z", "10"),
            purchase("X", "2024-03-11T03:30:00Z", "10"),
            purchase("Y", "2024-03-04T12:00:00Z", "10"));
    ActivityBase base =
        ActivityBase.build(
            tx, Optional.empty(), java.time.ZoneId.of("America/New_York"), Grain.WEEK);
    assertThat(
            sorted(
                CohortRetention.compute(
                    base,
                    Grain.WEEK,
                    CohortAnchor.FIRST_PURCHASE,
                    Breakdown.NONE,
                    LocalDate.of(2024, 3, 17)),
                "cohort_start",
                "period_index",
                "period_start",
                "cohort_size",
                "active_customers",
                "is_complete"))
        .containsExactly(
            "2024-02-26 | 0 | 2024-02-26 | 1 | 1 | true",
            "2024-02-26 | 1 | 2024-03-04 | 1 | 1 | true",
            "2024-02-26 | 2 | 2024-03-11 | 1 | 0 | true",
            "2024-03-04 | 0 | 2024-03-04 | 1 | 1 | true",
            "2024-03-04 | 1 | 2024-03-11 | 1 | 0 | true");
  }
}
