package io.tenure.metrics;

import static io.tenure.testing.Rows.purchase;
import static io.tenure.testing.Rows.refund;
import static io.tenure.testing.Rows.sorted;
import static io.tenure.testing.Rows.ts;
import static org.apache.spark.sql.functions.expr;
import static org.assertj.core.api.Assertions.assertThat;

import io.tenure.config.Grain;
import io.tenure.config.ServiceSettings;
import io.tenure.testing.Rows;
import io.tenure.testing.SparkExtension;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Retention drivers on three customers, as of 2024-03-31 (complete periods: February, March):
 *
 * <pre>
 * a: active from Jan 5, never churns          -> units Feb (stays), Mar (stays)
 * b: active Jan 10 - churns Feb 20            -> unit Feb (churns)
 * c: active Feb 3 - churns Mar 15             -> unit Mar (churns)
 *
 * b: phone contact Jan 25, never answered, closed unresolved      -> seen by b's February unit
 * a: chat contact Feb 10, answered in 30 s, resolved, csat 5, nps 9 -> seen by a's March unit only
 * c: phone complaint Feb 20, answered in 120 s, resolved Mar 5    -> open at March 1: unresolved
 *    with csat 1 and nps 2, answered on closing (Mar 5)            -> not known at March 1: none
 * c: refund Feb 25                                                 -> returns for c's March unit
 * </pre>
 *
 * Four units, two churned: the baseline churn rate is 0.5.
 */
@ExtendWith(SparkExtension.class)
class RetentionDriversTest {
  private static Dataset<Row> drivers;
  private static Dataset<Row> spells;
  private static Dataset<Row> interactions;
  private static Dataset<Row> transactions;
  private static ServiceSettings settings;

  private static Row contact(
      String customer,
      String channel,
      String category,
      String opened,
      String response,
      String closed,
      boolean resolved,
      Integer csat,
      Integer nps) {
    return RowFactory.create(
        customer + opened,
        customer,
        channel,
        category,
        ts(opened),
        response == null ? null : ts(response),
        ts(closed),
        null,
        "A1",
        resolved,
        csat,
        nps);
  }

  @BeforeAll
  static void compute(SparkSession spark) {
    StructType spellSchema =
        new StructType()
            .add("customer_id", DataTypes.StringType)
            .add("start_date", DataTypes.DateType)
            .add("churn_date", DataTypes.DateType);
    spells =
        Rows.df(
            spark,
            spellSchema,
            RowFactory.create("a", Rows.date("2024-01-05"), null),
            RowFactory.create("b", Rows.date("2024-01-10"), Rows.date("2024-02-20")),
            RowFactory.create("c", Rows.date("2024-02-03"), Rows.date("2024-03-15")));
    interactions =
        Rows.df(
            spark,
            Rows.INTERACTIONS,
            contact(
                "b",
                "phone",
                "billing",
                "2024-01-25T10:00:00Z",
                null,
                "2024-01-25T10:05:00Z",
                false,
                null,
                null),
            contact(
                "a",
                "chat",
                "billing",
                "2024-02-10T10:00:00Z",
                "2024-02-10T10:00:30Z",
                "2024-02-10T10:10:00Z",
                true,
                5,
                9),
            contact(
                "c",
                "phone",
                "complaint",
                "2024-02-20T10:00:00Z",
                "2024-02-20T10:02:00Z",
                "2024-03-05T10:00:00Z",
                true,
                1,
                2));
    transactions =
        Rows.df(
            spark,
            Rows.TRANSACTIONS,
            purchase("c", "2024-02-03T12:00:00Z", "30"),
            refund("c", "2024-02-25T12:00:00Z", "30"));
    settings =
        new ServiceSettings(
            Map.of("phone", 60.0, "chat", 120.0),
            7,
            Map.of(),
            List.of("complaint"),
            180,
            Optional.empty());
    drivers = compute(LocalDate.parse("2024-03-31"), Optional.empty());
  }

  @Test
  void pooledDriversWithLiftAgainstTheBaseline() {
    assertThat(
            sorted(
                drivers.where("level = 'overall'"),
                "driver",
                "bucket",
                "customer_periods",
                "churned",
                "round(churn_rate, 4)",
                "baseline_churn_rate",
                "round(lift, 4)"))
        .containsExactly(
            "complaint | no_complaint | 3 | 1 | 0.3333 | 0.5 | 0.6667",
            "complaint | unresolved | 1 | 1 | 1.0 | 0.5 | 2.0",
            "contacts | 0 | 1 | 0 | 0.0 | 0.5 | 0.0",
            "contacts | 1 | 3 | 2 | 0.6667 | 0.5 | 1.3333",
            "last_csat | 4-5 | 1 | 0 | 0.0 | 0.5 | 0.0",
            "last_csat | none | 3 | 2 | 0.6667 | 0.5 | 1.3333",
            "nps_group | none | 3 | 2 | 0.6667 | 0.5 | 1.3333",
            "nps_group | promoter | 1 | 0 | 0.0 | 0.5 | 0.0",
            "returns | no | 3 | 1 | 0.3333 | 0.5 | 0.6667",
            "returns | yes | 1 | 1 | 1.0 | 0.5 | 2.0",
            "slowest_first_response | 1m_10m | 1 | 1 | 1.0 | 0.5 | 2.0",
            "slowest_first_response | never_answered | 1 | 1 | 1.0 | 0.5 | 2.0",
            "slowest_first_response | no_contact | 1 | 0 | 0.0 | 0.5 | 0.0",
            "slowest_first_response | under_1m | 1 | 0 | 0.0 | 0.5 | 0.0",
            "unresolved_contact | no | 1 | 0 | 0.0 | 0.5 | 0.0",
            "unresolved_contact | no_contact | 1 | 0 | 0.0 | 0.5 | 0.0",
            "unresolved_contact | yes | 2 | 2 | 1.0 | 0.5 | 2.0");
  }

  @Test
  void wilsonIntervalOfTwoOutOfTwo() {
    // p = 1, n = 2, z = 1.959964: centre (1 + z²/4) / (1 + z²/2) = 0.67119, half-width
    // z * sqrt(z² / 16) / (1 + z²/2) = 0.32881.
    assertThat(
            sorted(
                drivers.where(
                    "level = 'overall' and driver = 'unresolved_contact' and bucket = 'yes'"),
                "round(churn_rate_ci_low, 4)",
                "round(churn_rate_ci_high, 4)"))
        .containsExactly("0.3424 | 1.0");
  }

  @Test
  void perPeriodRowsUseThePeriodsOwnBaseline() {
    assertThat(
            sorted(
                drivers.where("level = 'period' and driver = 'contacts'"),
                "cast(period_start as string)",
                "bucket",
                "customer_periods",
                "churned",
                "baseline_churn_rate"))
        .containsExactly(
            "2024-02-01 | 0 | 1 | 0 | 0.5",
            "2024-02-01 | 1 | 1 | 1 | 0.5",
            "2024-03-01 | 1 | 2 | 1 | 0.5");
  }

  @Test
  void aDailyRunRecomputesThePeriodsFromTheFirstChangedDayAndPoolsThemAgain() {
    // The run of Feb 29 had February complete; the run of Mar 31 adds March, and nothing dated
    // before March changed. February's rows are the earlier run's (marked here by 10 extra units
    // per bucket), March is computed, and the overall rows and baselines pool both.
    Dataset<Row> before = compute(LocalDate.parse("2024-02-29"), Optional.empty());
    assertThat(sorted(before.where("level = 'period'"), "cast(period_start as string)"))
        .containsOnly("2024-02-01");
    String[] columns = drivers.columns();
    assertThat(sorted(compute(LocalDate.parse("2024-03-31"), Optional.of(before)), columns))
        .containsExactlyElementsOf(sorted(drivers, columns));

    Dataset<Row> marked =
        compute(
            LocalDate.parse("2024-03-31"),
            Optional.of(before.withColumn("customer_periods", expr("customer_periods + 10"))));
    assertThat(
            sorted(
                marked.where("level = 'period' and driver = 'contacts'"),
                "cast(period_start as string)",
                "bucket",
                "customer_periods",
                "churned",
                "round(baseline_churn_rate, 4)"))
        .containsExactly(
            "2024-02-01 | 0 | 11 | 0 | 0.0455",
            "2024-02-01 | 1 | 11 | 1 | 0.0455",
            "2024-03-01 | 1 | 2 | 1 | 0.5");
    assertThat(
            sorted(
                marked.where("level = 'overall' and driver = 'contacts'"),
                "bucket",
                "customer_periods",
                "round(baseline_churn_rate, 4)"))
        .containsExactly("0 | 11 | 0.0833", "1 | 13 | 0.0833");
  }

  private static Dataset<Row> compute(LocalDate asOf, Optional<Dataset<Row>> earlier) {
    return RetentionDrivers.compute(
        spells,
        interactions,
        transactions,
        settings,
        Grain.MONTH,
        ZoneOffset.UTC,
        asOf,
        earlier.map(e -> new EarlierPeriods(e, LocalDate.parse("2024-03-01"))));
  }
}
