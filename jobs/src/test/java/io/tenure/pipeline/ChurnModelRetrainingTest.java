package io.tenure.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

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

  /** About a quarter of the samples' 4,153 training examples: the chain trains on a sample. */
  private static final String SAMPLE = "churn-risk.max-training-examples=1000";

  @Test
  void aSavedModelOfThePeriodIsReusedAndEqualsTrainingItAgain(SparkSession spark) throws Exception {
    // The daily chain: the first day of the month trains, a later day reuses its model.
    run("daily", MONTH_START, SAMPLE);
    run("daily", "2024-12-05", SAMPLE);
    // A backfill of the later day into an empty output trains as of the first day again, on the
    // same sample (a hash of customer and cutoff), so it fits the same model, to the last bit.
    run("backfill", "2024-12-05", SAMPLE);
    // Every training example, for comparison.
    run("whole", MONTH_START, "churn-risk.max-training-examples=null");

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
        scores, published(spark, "backfill", "churn_scores", "2024-12-05"), 0.0);
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
        quality, published(spark, "backfill", "churn_model_metrics", "2024-12-05"), 0.0);

    // The sample: about 1,000 of the training examples; the evaluation cutoff and the scored
    // customers are never sampled.
    Dataset<Row> whole = published(spark, "whole", "churn_model_metrics", MONTH_START);
    double all = metric(whole, "training_examples");
    assertThat(metric(whole, "training_sample_fraction")).isEqualTo(1.0);
    assertThat(all).isGreaterThan(3000.0);
    assertThat(metric(quality, "training_sample_fraction")).isEqualTo(1000 / all);
    // Binomial: 1,000 expected, standard deviation ≈ 27.
    assertThat(metric(quality, "training_examples")).isBetween(880.0, 1120.0);
    for (String m : List.of("examples", "churned")) {
      assertThat(metric(quality, m)).as(m).isEqualTo(metric(whole, m));
    }
    assertThat(published(spark, "daily", "churn_scores", MONTH_START).count())
        .isEqualTo(published(spark, "whole", "churn_scores", MONTH_START).count());
    // A quarter of the examples ranks the evaluation cutoff nearly as well.
    assertThat(metric(quality, "auc_roc")).isCloseTo(metric(whole, "auc_roc"), within(0.03));
  }

  private static double metric(Dataset<Row> metrics, String name) {
    return metrics
        .where("model = 'logistic-regression' and decile is null and metric = '" + name + "'")
        .first()
        .<Double>getAs("value");
  }

  private void run(String output, String asOf, String setting) {
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
                "churn-risk.retrain-every=month",
                "-D",
                setting));
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
