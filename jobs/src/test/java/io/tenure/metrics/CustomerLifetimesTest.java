package io.tenure.metrics;

import static io.tenure.testing.Rows.cancel;
import static io.tenure.testing.Rows.purchase;
import static org.assertj.core.api.Assertions.assertThat;

import io.tenure.config.CohortAnchor;
import io.tenure.config.Grain;
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
 * Lifetimes to the first churn, as of 30 Jun 2024 with 90 inactive days. a: buys 31 Jan, churns by
 * inactivity 30 Apr (90 days later): 3 whole months (both month ends: Spark's months_between gives
 * exactly 3), 90 days, 12 weeks. b: buys 10 Feb, cancels 20 Feb, returns 1 Jun: the first lifetime
 * ends at the cancellation, 0 months; the return is not counted. c: buys 15 May, still active:
 * censored at 30 Jun, 1 month. With the signup anchor c's lifetime starts at its signup, 1 Jan: 5
 * months.
 */
@ExtendWith(SparkExtension.class)
class CustomerLifetimesTest {
  private static final LocalDate AS_OF = LocalDate.parse("2024-06-30");

  private static Dataset<Row> lifetimes(SparkSession spark, Grain unit, CohortAnchor anchor) {
    Dataset<Row> tx =
        Rows.df(
            spark,
            Rows.TRANSACTIONS,
            purchase("a", "2024-01-31T12:00:00Z", "10"),
            purchase("b", "2024-02-10T12:00:00Z", "10"),
            purchase("b", "2024-06-01T12:00:00Z", "10"),
            purchase("c", "2024-05-15T12:00:00Z", "10"));
    Dataset<Row> customers =
        Rows.df(
            spark,
            Rows.CUSTOMERS,
            RowFactory.create("a", null, "smb", null),
            RowFactory.create("b", null, "consumer", "DE"),
            RowFactory.create("c", Rows.ts("2024-01-01T08:00:00Z"), null, "DE"));
    Dataset<Row> spells =
        LifecycleSpells.of(
            tx,
            Optional.of(
                Rows.df(
                    spark,
                    Rows.CANCELLATIONS,
                    cancel("b", "2024-02-20T12:00:00Z", "voluntary", "price"))),
            90,
            ZoneOffset.UTC,
            AS_OF);
    ActivityBase base = ActivityBase.build(tx, Optional.of(customers), ZoneOffset.UTC, Grain.MONTH);
    return CustomerLifetimes.of(spells, base.customers(), true, anchor, Grain.MONTH, unit, AS_OF);
  }

  @Test
  void wholeUnitsToTheFirstChurnCensoredAtTheAsOfDate(SparkSession spark) {
    assertThat(
            Rows.sorted(
                lifetimes(spark, Grain.MONTH, CohortAnchor.FIRST_PURCHASE),
                "group_type",
                "group_value",
                "time",
                "event"))
        .containsExactly(
            "cohort | 2024-01-01 | 3 | true",
            "cohort | 2024-02-01 | 0 | true",
            "cohort | 2024-05-01 | 1 | false",
            "country | DE | 0 | true",
            "country | DE | 1 | false",
            "country | unknown | 3 | true",
            "overall | all | 0 | true",
            "overall | all | 1 | false",
            "overall | all | 3 | true",
            "segment | consumer | 0 | true",
            "segment | smb | 3 | true",
            "segment | unknown | 1 | false");
    assertThat(
            Rows.sorted(
                lifetimes(spark, Grain.DAY, CohortAnchor.FIRST_PURCHASE)
                    .where("group_type = 'overall'"),
                "time",
                "event"))
        .containsExactly("10 | true", "46 | false", "90 | true");
    assertThat(
            Rows.sorted(
                lifetimes(spark, Grain.WEEK, CohortAnchor.FIRST_PURCHASE)
                    .where("group_type = 'overall'"),
                "time"))
        .containsExactly("1", "12", "6");
  }

  @Test
  void signupAnchorStartsTheLifetimeAtSignup(SparkSession spark) {
    assertThat(
            Rows.sorted(
                lifetimes(spark, Grain.MONTH, CohortAnchor.SIGNUP).where("group_type = 'cohort'"),
                "group_value",
                "time",
                "event"))
        .containsExactly(
            "2024-01-01 | 3 | true", "2024-01-01 | 5 | false", "2024-02-01 | 0 | true");
  }
}
