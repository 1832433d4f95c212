package io.tenure.pipeline;

import static io.tenure.testing.Rows.purchase;
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
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * A company in its first period: as of a day inside the first period there is no complete period,
 * and every table is published (empty where nothing is complete), never exit 1.
 */
@ExtendWith({SparkExtension.class, SparkExtension.Interpreted.class})
class YoungDataTest {
  @TempDir Path dir;

  static Row phoneContact(String customer, String opened) {
    return RowFactory.create(
        "i1", customer, "phone", "billing", ts(opened), null, null, null, "A1", null, null, null);
  }

  @ParameterizedTest(name = "{0}, {1}")
  @CsvSource({"UTC, month", "America/New_York, month", "UTC, quarter"})
  void oneCustomerInTheirFirstPeriodPublishesEveryTable(
      String zone, String grain, SparkSession spark) throws Exception {
    TinyRun run =
        new TinyRun(spark, dir)
            .input(
                "transactions",
                Rows.TRANSACTIONS,
                List.of(purchase("c1", "2024-06-01T12:00:00Z", "10")))
            .input(
                "interactions",
                Rows.INTERACTIONS,
                List.of(phoneContact("c1", "2024-06-03T15:00:00Z")))
            .set("time.zone = \"" + zone + "\"")
            .set("periods.grain = " + grain);
    String asOf = grain.equals("day") ? "2024-06-01" : "2024-06-03";
    CliRun r = run.run(asOf);
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(run.published(asOf))
        .containsKeys("retention_drivers", "churn_rates", "cohort_retention", "service_kpis");
    assertThat(run.table("retention_drivers", asOf).count()).isZero();
    assertThat(run.table("retention_drivers", asOf).columns()).contains("driver", "lift");
  }
}
