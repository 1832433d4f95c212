package io.tenure.metrics;

import static io.tenure.testing.Rows.purchase;
import static io.tenure.testing.Rows.sorted;
import static io.tenure.testing.Rows.ts;
import static org.assertj.core.api.Assertions.assertThat;

import io.tenure.config.Grain;
import io.tenure.testing.Rows;
import io.tenure.testing.SparkExtension;
import java.time.ZoneOffset;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * NPS by cohort and segment. c1 (first purchase January, smb) answers 10 in January and 9 in
 * February; c2 (first purchase February, consumer) answers 0 and 3 in February: all detractors; c3
 * (never bought, not in the customers table) answers 8 in February. Intervals are adjusted Wald:
 * two detractors give [-100, 24.41], two promoters [-24.41, 100], one promoter [-48.5, 98.5], one
 * passive [-60.01, 60.01].
 */
@ExtendWith(SparkExtension.class)
class NpsByGroupTest {

  private static Row answer(String customer, String opened, int nps) {
    return RowFactory.create(
        customer + opened,
        customer,
        "phone",
        "billing",
        ts(opened),
        null,
        null,
        null,
        "A1",
        null,
        null,
        nps);
  }

  @Test
  void perCohortAndSegmentWithHonestIntervals(SparkSession spark) {
    Dataset<Row> interactions =
        Rows.df(
            spark,
            Rows.INTERACTIONS,
            answer("c1", "2024-01-10T10:00:00Z", 10),
            answer("c1", "2024-02-09T10:00:00Z", 9),
            answer("c2", "2024-02-10T10:00:00Z", 0),
            answer("c2", "2024-02-11T10:00:00Z", 3),
            answer("c3", "2024-02-12T10:00:00Z", 8));
    Dataset<Row> tx =
        Rows.df(
            spark,
            Rows.TRANSACTIONS,
            purchase("c1", "2024-01-02T12:00:00Z", "10"),
            purchase("c2", "2024-02-03T12:00:00Z", "10"));
    Dataset<Row> customers =
        Rows.df(
            spark,
            Rows.CUSTOMERS,
            RowFactory.create("c1", null, "smb", "DE"),
            RowFactory.create("c2", null, "consumer", "DE"));
    ActivityBase base = ActivityBase.build(tx, Optional.of(customers), ZoneOffset.UTC, Grain.MONTH);
    Dataset<Row> nps =
        NpsByGroup.compute(interactions, base.customers(), true, Grain.MONTH, ZoneOffset.UTC);
    assertThat(
            sorted(
                nps,
                "group_by",
                "group_value",
                "cast(period_start as string)",
                "nps_responses",
                "promoters",
                "passives",
                "detractors",
                "nps",
                "round(nps_ci_low, 2)",
                "round(nps_ci_high, 2)"))
        .containsExactly(
            "cohort | 2024-01-01 | 2024-01-01 | 1 | 1 | 0 | 0 | 100.0 | -48.5 | 98.5",
            "cohort | 2024-01-01 | 2024-02-01 | 1 | 1 | 0 | 0 | 100.0 | -48.5 | 98.5",
            "cohort | 2024-01-01 | null | 2 | 2 | 0 | 0 | 100.0 | -24.41 | 100.0",
            "cohort | 2024-02-01 | 2024-02-01 | 2 | 0 | 0 | 2 | -100.0 | -100.0 | 24.41",
            "cohort | 2024-02-01 | null | 2 | 0 | 0 | 2 | -100.0 | -100.0 | 24.41",
            "cohort | none | 2024-02-01 | 1 | 0 | 1 | 0 | 0.0 | -60.01 | 60.01",
            "cohort | none | null | 1 | 0 | 1 | 0 | 0.0 | -60.01 | 60.01",
            "segment | consumer | 2024-02-01 | 2 | 0 | 0 | 2 | -100.0 | -100.0 | 24.41",
            "segment | consumer | null | 2 | 0 | 0 | 2 | -100.0 | -100.0 | 24.41",
            "segment | smb | 2024-01-01 | 1 | 1 | 0 | 0 | 100.0 | -48.5 | 98.5",
            "segment | smb | 2024-02-01 | 1 | 1 | 0 | 0 | 100.0 | -48.5 | 98.5",
            "segment | smb | null | 2 | 2 | 0 | 0 | 100.0 | -24.41 | 100.0",
            "segment | unknown | 2024-02-01 | 1 | 0 | 1 | 0 | 0.0 | -60.01 | 60.01",
            "segment | unknown | null | 1 | 0 | 1 | 0 | 0.0 | -60.01 | 60.01");
  }
}
