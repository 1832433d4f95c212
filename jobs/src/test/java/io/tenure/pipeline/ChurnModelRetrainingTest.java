package io.tenure.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tenure.testing.CliRun;
import io.tenure.testing.SparkExtension;
import io.tenure.testing.Tables;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code churn-risk.retrain-every}: a run as of D scores with the model trained as of the first day
 * of D's period, reused from an earlier run of the period when one saved it under the same
 * settings, trained again otherwise, with the same tables either way. Which saved model is found:
 * ModelStoreTest; which settings decide it: ConfigLoaderTest.
 */
@ExtendWith(SparkExtension.class)
class ChurnModelRetrainingTest {
  private static final String MONTH_START = "2024-12-01";

  @TempDir Path dir;

  @Test
  void aSavedModelOfThePeriodIsReusedAndEqualsTrainingItAgain(SparkSession spark) throws Exception {
    // The daily chain: the first day of the month trains, a later day reuses its model.
    run("daily", MONTH_START);
    run("daily", "2024-12-05");
    // A backfill of the later day into an empty output trains as of the first day again.
    run("backfill", "2024-12-05");

    assertThat(description("daily", MONTH_START).get("fitted_by_run_as_of").asText())
        .isEqualTo(MONTH_START);
    JsonNode reused = description("daily", "2024-12-05");
    assertThat(reused.get("trained_as_of").asText()).isEqualTo(MONTH_START);
    assertThat(reused.get("fitted_by_run_as_of").asText()).isEqualTo(MONTH_START);
    JsonNode retrained = description("backfill", "2024-12-05");
    assertThat(retrained.get("trained_as_of").asText()).isEqualTo(MONTH_START);
    assertThat(retrained.get("fitted_by_run_as_of").asText()).isEqualTo("2024-12-05");

    Dataset<Row> scores = published(spark, "daily", "churn_scores", "2024-12-05");
    assertThat(scores.count()).isPositive();
    Tables.assertApproximatelyEqual(
        scores, published(spark, "backfill", "churn_scores", "2024-12-05"), 1e-9);
    // The quality of the model trained as of the 1st: the same when the run as of the 1st
    // measured it, when a later run reused it, and when a later run, knowing four more days,
    // trained it again (no fact learnt after the 1st reaches its examples).
    Dataset<Row> quality = published(spark, "daily", "churn_model_metrics", MONTH_START);
    assertThat(quality.where("metric = 'auc_roc'").count()).isEqualTo(2);
    assertThat(quality.select("evaluation_cutoff").distinct().collectAsList())
        .extracting(r -> r.getDate(0).toString())
        .containsExactly("2024-09-02");
    Tables.assertApproximatelyEqual(
        quality, published(spark, "daily", "churn_model_metrics", "2024-12-05"), 0.0);
    Tables.assertApproximatelyEqual(
        quality, published(spark, "backfill", "churn_model_metrics", "2024-12-05"), 1e-9);
  }

  private void run(String output, String asOf) {
    List<String> args =
        new ArrayList<>(
            EndToEndTest.args(
                "run",
                dir.resolve(output),
                "--as-of",
                asOf,
                "--only",
                "churn_risk",
                "-D",
                "churn-risk.retrain-every=month"));
    CliRun r = CliRun.of(args);
    assertThat(r.code()).as(r.err()).isZero();
  }

  private JsonNode description(String output, String asOf) throws Exception {
    return new ObjectMapper()
        .readTree(
            dir.resolve(output)
                .resolve("_models/churn_risk/as_of=" + asOf)
                .resolve("tenure-model.json")
                .toFile());
  }

  private Dataset<Row> published(SparkSession spark, String output, String table, String asOf) {
    return spark
        .read()
        .parquet(dir.resolve(output).resolve(table).resolve("as_of=" + asOf).toString());
  }
}
