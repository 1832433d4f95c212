package io.tenure.pipeline;

import static io.tenure.testing.Rows.purchase;
import static io.tenure.testing.Rows.refund;
import static io.tenure.testing.Rows.ts;
import static org.assertj.core.api.Assertions.assertThat;

import io.tenure.testing.CliRun;
import io.tenure.testing.Rows;
import io.tenure.testing.SparkExtension;
import io.tenure.testing.TinyRun;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** A run as of a date uses only what was known at the end of that day. */
@ExtendWith({SparkExtension.class, SparkExtension.Interpreted.class})
class AsOfTest {
  @TempDir Path dir;

  @Test
  void aContactAnsweredAndClosedAfterTheAsOfDateIsPendingUnresolvedAndUntimed(SparkSession spark)
      throws Exception {
    Row contact =
        RowFactory.create(
            "i1",
            "c1",
            "phone",
            "billing",
            ts("2024-06-14T15:00:00Z"),
            ts("2024-06-20T00:00:00Z"),
            ts("2024-06-21T15:00:00Z"),
            null,
            "A1",
            true,
            5,
            10);
    TinyRun run =
        new TinyRun(spark, dir)
            .input(
                "transactions",
                Rows.TRANSACTIONS,
                List.of(purchase("c1", "2024-06-01T12:00:00Z", "10")))
            .input("interactions", Rows.INTERACTIONS, List.of(contact));
    CliRun r = run.run("2024-06-15");
    assertThat(r.code()).as(r.err()).isZero();
    Row kpis =
        run.table("service_kpis", "2024-06-15")
            .where("level = 'overall'")
            .selectExpr(
                "contacts",
                "answered",
                "pending",
                "resolved",
                "first_response_mean_seconds",
                "time_to_close_p50_seconds",
                "csat_responses",
                "nps_responses")
            .first();
    assertThat(kpis.toString()).isEqualTo("[1,0,1,0,null,null,0,0]");
    Row time =
        run.table("time_with_customer", "2024-06-15")
            .where("level = 'overall'")
            .selectExpr("interactions", "timed_interactions", "total_hours")
            .first();
    assertThat(time.toString()).isEqualTo("[1,0,0.0]");
  }

  /**
   * 99 purchases and one unusable refund up to the as-of date (1 %, at the limit), and 5 unusable
   * refunds after it: the run judges and quarantines only the rows up to the as-of date.
   */
  @Test
  void rowsAfterTheAsOfDateAreNeitherQuarantinedNorCountedAgainstTheLimit(SparkSession spark)
      throws Exception {
    List<Row> tx = new ArrayList<>();
    for (int i = 0; i < 98; i++) {
      tx.add(purchase("c" + i, "2024-06-01T12:00:00Z", "10"));
    }
    tx.add(purchase("c0", "2024-06-14T12:00:00Z", "10"));
    tx.add(refund("nobody", "2024-06-02T12:00:00Z", "5"));
    for (int i = 0; i < 5; i++) {
      tx.add(refund("nobody", "2024-06-20T12:00:00Z", "5"));
    }
    TinyRun run = new TinyRun(spark, dir).input("transactions", Rows.TRANSACTIONS, tx);
    CliRun r = run.run("2024-06-15");
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(run.table("quarantine", "2024-06-15").count()).isEqualTo(1);
  }
}
