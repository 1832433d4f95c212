package io.tenure.pipeline;

import static io.tenure.testing.Rows.ts;
import static org.assertj.core.api.Assertions.assertThat;

import io.tenure.testing.CliRun;
import io.tenure.testing.Rows;
import io.tenure.testing.SparkExtension;
import io.tenure.testing.TinyRun;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** A call centre with only an interaction log runs the service tables; the others are skipped. */
@ExtendWith(SparkExtension.class)
class InteractionsOnlyTest {
  @TempDir Path dir;

  private TinyRun callCentre(SparkSession spark) {
    return new TinyRun(spark, dir)
        .input(
            "interactions",
            Rows.INTERACTIONS,
            List.of(
                RowFactory.create(
                    "i1",
                    "c1",
                    "phone",
                    "billing",
                    ts("2024-06-03T10:00:00Z"),
                    ts("2024-06-03T10:00:40Z"),
                    ts("2024-06-03T10:05:00Z"),
                    260.0,
                    "A1",
                    true,
                    5,
                    9),
                RowFactory.create(
                    "i2",
                    "c2",
                    "phone",
                    "billing",
                    ts("2024-06-04T10:00:00Z"),
                    null,
                    ts("2024-06-04T10:01:00Z"),
                    null,
                    "A1",
                    false,
                    null,
                    null)));
  }

  @Test
  void theServiceTablesRunOnAnInteractionLogAlone(SparkSession spark) throws Exception {
    TinyRun run = callCentre(spark);
    CliRun r = run.run("2024-06-04");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(run.published("2024-06-04"))
        .containsKeys("time_with_customer", "service_kpis", "nps_by_group", "quarantine")
        .doesNotContainKeys("churn_rates", "cohort_retention", "retention_drivers");
    Row overall =
        run.table("service_kpis", "2024-06-04")
            .where("level = 'overall'")
            .selectExpr("contacts", "answered", "abandoned", "active_customers", "nps_responses")
            .first();
    assertThat(overall.toString()).isEqualTo("[2,1,1,0,1]");
  }

  @Test
  void selectingOnlyTablesThatNeedTransactionsIsAUsageError(SparkSession spark) throws Exception {
    CliRun r = callCentre(spark).run("2024-06-04", "--only", "cohort_retention");
    assertThat(r.code()).isEqualTo(2);
    assertThat(r.err())
        .contains(
            "None of the selected tables can be computed: cohort_retention: input 'transactions'"
                + " is not configured (tenure.inputs.transactions.path)");
  }
}
