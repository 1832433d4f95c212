package io.tenure.metrics;

import static io.tenure.testing.Rows.cancel;
import static io.tenure.testing.Rows.sorted;
import static org.apache.spark.sql.functions.expr;
import static org.assertj.core.api.Assertions.assertThat;

import io.tenure.config.ChurnDenominator;
import io.tenure.config.Grain;
import io.tenure.config.TenureSettings.ChurnSettings;
import io.tenure.testing.Churn;
import io.tenure.testing.FiveCustomers;
import io.tenure.testing.Rows;
import io.tenure.testing.SparkExtension;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Hand-computed churn on five customers, 30-day inactivity window, monthly periods (2024 is a leap
 * year):
 *
 * <pre>
 * A: buys Jan 10 only                         -> new Jan, churns Feb 9 (inactivity)
 * B: buys Jan 5, cancels Jan 20 (voluntary)   -> new and churned in its signup month
 * C: buys Jan 15, Feb 1, Mar 20               -> churns Mar 2, reactivated Mar 20, churns Apr 19
 * D: buys Apr 25                              -> new Apr, still active on Apr 30
 * E: buys Feb 28, refund Mar 1, buys Mar 29   -> gap of exactly 30 days is no churn; churns Apr 28
 * F: cancels Feb 15 without ever buying       -> counted as a cancellation, churns nobody
 * </pre>
 */
@ExtendWith(SparkExtension.class)
class ChurnRatesTest {

  private static Dataset<Row> transactions(SparkSession spark) {
    return FiveCustomers.transactions(spark);
  }

  private static Dataset<Row> cancellations(SparkSession spark) {
    return Rows.df(
        spark,
        Rows.CANCELLATIONS,
        cancel("B", "2024-01-20T09:00:00Z", "voluntary", "too_expensive"),
        cancel("F", "2024-02-15T09:00:00Z", "voluntary", "moved"));
  }

  private static ChurnRates.Result compute(
      SparkSession spark, Dataset<Row> tx, ChurnDenominator denominator, LocalDate asOf) {
    return Churn.ofTransactions(
        tx,
        Optional.of(cancellations(spark)),
        new ChurnSettings(30, denominator, 365),
        Grain.MONTH,
        ZoneOffset.UTC,
        asOf);
  }

  /** The default denominator, as of the last day of April: every period complete. */
  private static ChurnRates.Result asOfApril30(SparkSession spark) {
    return compute(spark, transactions(spark), ChurnDenominator.START, LocalDate.of(2024, 4, 30));
  }

  @Test
  void aDailyRunRecomputesThePeriodsFromTheFirstChangedDayAndTakesTheEarlierOnes(
      SparkSession spark) {
    // The run of Mar 20 saw the purchases up to then (C's spell of Mar 20 still open); the run of
    // Apr 30 sees every purchase, and nothing dated before Mar 15 changed. January and February
    // are the earlier run's rows, marked here by 100 extra cancellations and churned customers
    // per reason; March and April are computed. customers_at_start of March is February's end.
    Dataset<Row> upTo = transactions(spark).where("occurred_at < timestamp'2024-03-21 00:00:00Z'");
    ChurnRates.Result before =
        compute(spark, upTo, ChurnDenominator.START, LocalDate.of(2024, 3, 20));
    ChurnRates.Earlier earlier =
        new ChurnRates.Earlier(
            new ChurnRates.Result(
                before.periods().withColumn("cancellations", expr("cancellations + 100")),
                before.reasons().withColumn("churned_customers", expr("churned_customers + 100"))),
            LocalDate.of(2024, 3, 15));
    ChurnRates.Result daily =
        Churn.ofTransactions(
            transactions(spark),
            Optional.of(cancellations(spark)),
            new ChurnSettings(30, ChurnDenominator.START, 365),
            Grain.MONTH,
            ZoneOffset.UTC,
            LocalDate.of(2024, 4, 30),
            Optional.of(earlier));

    ChurnRates.Result full = asOfApril30(spark);
    String mark = "if(period_start < date'2024-03-01', 100, 0)";
    String[] periods = full.periods().columns();
    assertThat(sorted(daily.periods(), periods))
        .containsExactlyElementsOf(
            sorted(
                full.periods().withColumn("cancellations", expr("cancellations + " + mark)),
                periods));
    String[] reasons = full.reasons().columns();
    assertThat(sorted(daily.reasons(), reasons))
        .containsExactlyElementsOf(
            sorted(
                full.reasons().withColumn("churned_customers", expr("churned_customers + " + mark)),
                reasons));
    assertThat(sorted(daily.reasons().where("period_start < date'2024-03-01'"), "period_start"))
        .isNotEmpty();
  }

  @Test
  void periodsMatchHandComputedLifecycles(SparkSession spark) {
    ChurnRates.Result r = asOfApril30(spark);

    assertThat(
            sorted(
                r.periods(),
                "period_start",
                "period_end",
                "is_complete",
                "customers_at_start",
                "new_customers",
                "reactivated_customers",
                "churned_customers",
                "customers_at_end",
                "churned_from_start",
                "churned_by_cancellation",
                "churned_by_inactivity",
                "churn_rate",
                "retention_rate",
                "cancellations"))
        .containsExactly(
            "2024-01-01 | 2024-01-31 | true | 0 | 3 | 0 | 1 | 2 | 0 | 1 | 0 | null | null | 1",
            "2024-02-01 | 2024-02-29 | true | 2 | 1 | 0 | 1 | 2 | 1 | 0 | 1 | 0.5 | 0.5 | 1",
            "2024-03-01 | 2024-03-31 | true | 2 | 0 | 1 | 1 | 2 | 1 | 0 | 1 | 0.5 | 0.5 | 0",
            "2024-04-01 | 2024-04-30 | true | 2 | 1 | 0 | 2 | 1 | 2 | 0 | 2 | 1.0 | 0.0 | 0");
  }

  @Test
  void revenueColumnsCountRefundsAndChurnedCustomersValue(SparkSession spark) {
    ChurnRates.Result r = asOfApril30(spark);

    // Churned revenue, per ended spell: B 20 (Jan); A 10 (Feb); C 30+40 (Mar); C's second spell
    // 50 (not its first spell's 30+40 again) and E 70-5+80 (Apr).
    assertThat(
            sorted(
                r.periods(),
                "period_start",
                "refunds",
                "cast(refund_amount as double)",
                "cast(net_revenue as double)",
                "cast(churned_revenue as double)"))
        .containsExactly(
            "2024-01-01 | 0 | 0.0 | 60.0 | 20.0",
            "2024-02-01 | 0 | 0.0 | 110.0 | 10.0",
            "2024-03-01 | 1 | 5.0 | 125.0 | 70.0",
            "2024-04-01 | 0 | 0.0 | 60.0 | 195.0");
  }

  @Test
  void revenueRetentionOfTheBaseAtEachPeriodStart(SparkSession spark) {
    ChurnRates.Result r = asOfApril30(spark);

    // Base = customers active at the start, valued at their revenue in the previous month.
    // Feb: A 10 + C 30; A churns (10 lost); in Feb A spends 0, C 40 (gross caps C at 30).
    // Mar: C 40 + E 70; C churns on Mar 2 (40 lost) and is back on Mar 20 (50); E 80 - 5.
    // Apr: C 50 + E 75; both churn, nobody spends.
    assertThat(
            sorted(
                r.periods(),
                "period_start",
                "cast(base_revenue as double)",
                "cast(base_revenue_churned as double)",
                "cast(base_revenue_retained_gross as double)",
                "cast(base_revenue_retained_net as double)",
                "round(revenue_churn_rate, 6)",
                "round(gross_revenue_retention, 6)",
                "round(net_revenue_retention, 6)"))
        .containsExactly(
            "2024-01-01 | 0.0 | 0.0 | 0.0 | 0.0 | null | null | null",
            "2024-02-01 | 40.0 | 10.0 | 30.0 | 40.0 | 0.25 | 0.75 | 1.0",
            "2024-03-01 | 110.0 | 40.0 | 110.0 | 125.0 | 0.363636 | 1.0 | 1.136364",
            "2024-04-01 | 125.0 | 125.0 | 0.0 | 0.0 | 1.0 | 0.0 | 0.0");
  }

  @Test
  void aPeriodWithoutRevenueIsTheNextPeriodsBase(SparkSession spark) {
    // G buys Jan 31 (100) and Mar 1 (40, exactly 30 days later: no churn), nothing in February;
    // the spell churns on Mar 31 by inactivity. Feb's base is G at January's 100, retained 0;
    // March's base is G at February's 0 (not January's 100), spending 40.
    Dataset<Row> tx =
        Rows.df(
            spark,
            Rows.TRANSACTIONS,
            Rows.purchase("G", "2024-01-31T12:00:00Z", "100"),
            Rows.purchase("G", "2024-03-01T12:00:00Z", "40"));
    ChurnRates.Result r = compute(spark, tx, ChurnDenominator.START, LocalDate.of(2024, 3, 31));

    assertThat(
            sorted(
                r.periods(),
                "period_start",
                "cast(base_revenue as double)",
                "cast(base_revenue_churned as double)",
                "cast(base_revenue_retained_gross as double)",
                "cast(base_revenue_retained_net as double)"))
        .containsExactly(
            "2024-01-01 | 0.0 | 0.0 | 0.0 | 0.0",
            "2024-02-01 | 100.0 | 0.0 | 0.0 | 0.0",
            "2024-03-01 | 0.0 | 0.0 | 0.0 | 40.0");
  }

  @Test
  void reasonsSplitCancellationsFromInactivity(SparkSession spark) {
    ChurnRates.Result r = asOfApril30(spark);

    assertThat(sorted(r.reasons()))
        .containsExactly(
            "2024-01-01 | voluntary | too_expensive | 1 | 1.0",
            "2024-02-01 | inactivity | inactivity | 1 | 1.0",
            "2024-03-01 | inactivity | inactivity | 1 | 1.0",
            "2024-04-01 | inactivity | inactivity | 2 | 1.0");
  }

  @Test
  void alternativeDenominators(SparkSession spark) {
    LocalDate asOf = LocalDate.of(2024, 4, 30);
    // February: 1 churned; start 2, end 2, new 1.
    assertThat(
            sorted(
                compute(spark, transactions(spark), ChurnDenominator.AVERAGE, asOf)
                    .periods()
                    .where("period_start = '2024-02-01'"),
                "churn_rate",
                "churn_denominator",
                "retention_rate"))
        .containsExactly("0.5 | average | 0.5");
    assertThat(
            sorted(
                compute(spark, transactions(spark), ChurnDenominator.EXPOSED, asOf)
                    .periods()
                    .where("period_start = '2024-04-01'"),
                "round(churn_rate, 6)",
                "churn_denominator"))
        .containsExactly("0.666667 | exposed");
  }

  @Test
  void churnNotYetDueIsNotCountedAndTheOpenPeriodIsIncomplete(SparkSession spark) {
    // As of Apr 15: D's purchase has not happened; C (due Apr 19) and E (due Apr 28) are active.
    Dataset<Row> tx = transactions(spark).where("occurred_at <= '2024-04-15 23:59:59'");
    ChurnRates.Result r = compute(spark, tx, ChurnDenominator.START, LocalDate.of(2024, 4, 15));

    assertThat(
            sorted(
                r.periods().where("period_start = '2024-04-01'"),
                "period_end",
                "is_complete",
                "customers_at_start",
                "new_customers",
                "churned_customers",
                "customers_at_end"))
        .containsExactly("2024-04-30 | false | 2 | 0 | 0 | 2");
  }

  @Test
  void spellsAlternateAndNeverOverlap(SparkSession spark) {
    Dataset<Row> spells =
        LifecycleSpells.of(
            transactions(spark),
            Optional.of(cancellations(spark)),
            30,
            ZoneOffset.UTC,
            LocalDate.of(2024, 4, 30));

    assertThat(sorted(spells, "customer_id", "spell", "start_date", "churn_date", "churn_type"))
        .containsExactly(
            "A | 1 | 2024-01-10 | 2024-02-09 | inactivity",
            "B | 1 | 2024-01-05 | 2024-01-20 | voluntary",
            "C | 1 | 2024-01-15 | 2024-03-02 | inactivity",
            "C | 2 | 2024-03-20 | 2024-04-19 | inactivity",
            "D | 1 | 2024-04-25 | null | null",
            "E | 1 | 2024-02-28 | 2024-04-28 | inactivity");
  }

  /**
   * What an incremental run keeps: every spell's end whether known or not (D's on May 25, after the
   * as-of date), and its last event, the last purchase or the cancellation that ended it (C's first
   * spell: Feb 1; B's: the cancellation of Jan 20). As of Apr 30 they are the spells above.
   */
  @Test
  void unmaskedSpellsKeepEveryEndAndTheLastEvent(SparkSession spark) {
    Dataset<Row> unmasked =
        LifecycleSpells.unmasked(
            transactions(spark), Optional.of(cancellations(spark)), 30, ZoneOffset.UTC);

    assertThat(
            sorted(
                unmasked,
                "customer_id",
                "spell",
                "start_date",
                "end_date",
                "end_type",
                "end_reason",
                "last_event_date"))
        .containsExactly(
            "A | 1 | 2024-01-10 | 2024-02-09 | inactivity | inactivity | 2024-01-10",
            "B | 1 | 2024-01-05 | 2024-01-20 | voluntary | too_expensive | 2024-01-20",
            "C | 1 | 2024-01-15 | 2024-03-02 | inactivity | inactivity | 2024-02-01",
            "C | 2 | 2024-03-20 | 2024-04-19 | inactivity | inactivity | 2024-03-20",
            "D | 1 | 2024-04-25 | 2024-05-25 | inactivity | inactivity | 2024-04-25",
            "E | 1 | 2024-02-28 | 2024-04-28 | inactivity | inactivity | 2024-03-29");
    LocalDate asOf = LocalDate.of(2024, 4, 30);
    assertThat(Rows.sorted(LifecycleSpells.asOf(unmasked, asOf)))
        .containsExactlyElementsOf(
            Rows.sorted(
                LifecycleSpells.of(
                    transactions(spark),
                    Optional.of(cancellations(spark)),
                    30,
                    ZoneOffset.UTC,
                    asOf)));
  }

  /** G cancels on Jun 10 and buys again later that day: only the first spell's 10 is lost. */
  @Test
  void aPurchaseAfterASameDayCancellationIsNotLostRevenue(SparkSession spark) {
    Dataset<Row> tx =
        Rows.df(
            spark,
            Rows.TRANSACTIONS,
            Rows.purchase("G", "2024-06-01T12:00:00Z", "10"),
            Rows.purchase("G", "2024-06-10T15:00:00Z", "20"));
    ChurnRates.Result r =
        Churn.ofTransactions(
            tx,
            Optional.of(
                Rows.df(
                    spark,
                    Rows.CANCELLATIONS,
                    cancel("G", "2024-06-10T09:00:00Z", "voluntary", "price"))),
            new ChurnSettings(90, ChurnDenominator.START, 365),
            Grain.MONTH,
            ZoneOffset.UTC,
            LocalDate.of(2024, 6, 30));
    assertThat(
            sorted(
                r.periods(),
                "period_start",
                "churned_customers",
                "reactivated_customers",
                "cast(churned_revenue as double)"))
        .containsExactly("2024-06-01 | 1 | 1 | 10.0");
  }

  /**
   * K, in New York, buys at 23:30 local on Jun 19 (03:30 UTC on Jun 20) and cancels on Jun 20: a
   * one-day look-back is Jun 20 alone in local days, so that purchase is lost only with two days.
   */
  @Test
  void lostRevenueCountsLocalDaysOfTheBusinessZone(SparkSession spark) {
    Dataset<Row> tx =
        Rows.df(
            spark,
            Rows.TRANSACTIONS,
            Rows.purchase("K", "2024-05-01T12:00:00Z", "5"),
            Rows.purchase("K", "2024-06-20T03:30:00Z", "7"));
    Dataset<Row> cancellations =
        Rows.df(spark, Rows.CANCELLATIONS, cancel("K", "2024-06-20T12:00:00Z", "voluntary", "x"));
    java.util.List<String> lost = new java.util.ArrayList<>();
    for (int lookback : new int[] {1, 2}) {
      ChurnRates.Result r =
          Churn.ofTransactions(
              tx,
              Optional.of(cancellations),
              new ChurnSettings(90, ChurnDenominator.START, lookback),
              Grain.MONTH,
              java.time.ZoneId.of("America/New_York"),
              LocalDate.of(2024, 6, 30));
      lost.addAll(
          sorted(
              r.periods().where("period_start = '2024-06-01'"),
              "churned_customers",
              "cast(churned_revenue as double)"));
    }
    assertThat(lost).containsExactly("1 | 0.0", "1 | 7.0");
  }
}
