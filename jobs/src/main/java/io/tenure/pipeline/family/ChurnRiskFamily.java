package io.tenure.pipeline.family;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.date_add;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import io.tenure.config.ChurnRiskSettings;
import io.tenure.config.TableKind;
import io.tenure.config.TenureSettings;
import io.tenure.io.ModelStore;
import io.tenure.metrics.ChurnFeatures;
import io.tenure.metrics.ChurnRiskModel;
import io.tenure.metrics.ModelQuality;
import io.tenure.metrics.Periods;
import io.tenure.pipeline.OutputTable;
import io.tenure.pipeline.RunContext;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who is about to leave: a churn-risk model trained on earlier cutoffs, evaluated on a later one
 * against a recency-only baseline, and applied to the customers active at the as-of date
 * (docs/metrics.md, "Churn risk"). With a saved model ({@code churn-risk.model-path}, the {@code
 * score} command) it only scores.
 */
public final class ChurnRiskFamily implements TableFamily {
  public static final OutputTable SCORES =
      OutputTable.of(
              "churn_scores",
              "customer_id string, churn_probability double, risk_decile int,"
                  + " top_risk_factors array<string>, model string, horizon_days int",
              List.of("customer_id"),
              "one row per customer active at the as-of date")
          .partitioned();
  public static final OutputTable METRICS =
      OutputTable.of(
          "churn_model_metrics",
          "model string, metric string, decile int, value double, evaluation_cutoff date,"
              + " horizon_days int",
          List.of("model", "metric", "decile"),
          "per model × metric (× probability decile), on the evaluation cutoff");
  public static final String BASELINE = "recency-baseline";

  private static final Logger LOG = LoggerFactory.getLogger("io.tenure");

  @Override
  public Set<TableKind> needs() {
    return Set.of(TableKind.TRANSACTIONS);
  }

  @Override
  public List<OutputTable> tables() {
    return List.of(SCORES, METRICS);
  }

  @Override
  public void compute(RunContext run, Staging staging) {
    ChurnRiskSettings s = run.settings().churnRisk();
    LocalDate asOf = run.asOf();
    if (s.modelPath().isPresent()) {
      PipelineModel model = ModelStore.load(s.modelPath().get());
      stageScores(run, staging, model, featuresAtAsOf(run), s);
      return;
    }
    LocalDate trainedAsOf = s.retrainEvery().start(asOf);
    Optional<ModelStore.Trained> saved =
        trainedAsOf.equals(asOf)
            ? Optional.empty()
            : ModelStore.find(
                run.spark(), run.settings().outputPath(), trainedAsOf, asOf, s.fingerprint());
    if (saved.isPresent()) {
      LOG.info(
          "churn_scores: the model trained as of {} (fitted by the run as of {}), retrained every"
              + " {}",
          trainedAsOf,
          saved.get().fittedByRun(),
          s.retrainEvery().key());
      stageScores(run, staging, saved.get().model(), featuresAtAsOf(run), s);
      stageQuality(run, staging, saved.get(), s);
      return;
    }
    train(run, trainedAsOf, staging, s);
  }

  /**
   * Trains the model as of {@code trainedAsOf} (on or before the run's date), evaluates it and
   * stages the scores of the run's date, its quality and the model. The examples are those a run as
   * of {@code trainedAsOf} trains on: a feature at a cutoff uses only what was known by the cutoff,
   * and every label (a churn by the cutoff + H, at most {@code trainedAsOf}) was known by then.
   */
  private static void train(
      RunContext run, LocalDate trainedAsOf, Staging staging, ChurnRiskSettings s) {
    LocalDate asOf = run.asOf();
    LocalDate evaluation = trainedAsOf.minusDays(s.horizonDays());
    List<LocalDate> cutoffs = new ArrayList<>();
    for (int i = 0; i < s.trainingCutoffs(); i++) {
      // A training label must be known by the evaluation cutoff: no future in training.
      cutoffs.add(evaluation.minusDays(s.horizonDays() + (long) i * s.cutoffSpacingDays()));
    }
    List<LocalDate> training = List.copyOf(cutoffs);
    cutoffs.add(evaluation);
    cutoffs.add(asOf);
    TrainingSample sample = TrainingSample.of(run, training, s);
    Dataset<Row> all =
        run.keep(
            "churn_features",
            "Keep the churn-risk features",
            features(run, cutoffs, sample.units()));
    Dataset<Row> labelled =
        all.where(col(ChurnFeatures.CUTOFF).lt(Periods.date(trainedAsOf)))
            .withColumn(
                ChurnRiskModel.LABEL,
                when(
                        col("churn_date").leq(date_add(col(ChurnFeatures.CUTOFF), s.horizonDays())),
                        1.0)
                    .otherwise(0.0));
    Dataset<Row> train =
        labelled.where(col(ChurnFeatures.CUTOFF).isin(TrainingSample.dates(training)));
    Dataset<Row> test = labelled.where(col(ChurnFeatures.CUTOFF).equalTo(Periods.date(evaluation)));
    long[] trainCounts = classCounts(train);
    long[] testCounts = classCounts(test);
    String missing = tooFew(trainCounts, testCounts, s.minExamplesPerClass());
    if (missing != null) {
      LOG.warn(
          "churn_scores and churn_model_metrics are empty: no model fitted ({}; training cutoffs"
              + " {} to {}, evaluation cutoff {})",
          missing,
          training.get(training.size() - 1),
          training.get(0),
          evaluation);
      staging.stage(SCORES, run.spark().createDataFrame(List.of(), SCORES.schema()));
      staging.stage(METRICS, run.spark().createDataFrame(List.of(), METRICS.schema()));
      return;
    }
    Dataset<Row> weighted =
        train.withColumn(
            ChurnRiskModel.WEIGHT,
            ChurnRiskModel.weight(s.balanceClasses(), trainCounts[1], trainCounts[0]));
    PipelineModel model =
        run.stage(
            "churn_model:fit",
            "Fit the churn-risk model",
            () -> ChurnRiskModel.fit(weighted, ChurnFeatures.NAMES, s.model(), s.maxIterations()));
    PipelineModel baseline =
        run.stage(
            "churn_baseline:fit",
            "Fit the recency-only baseline",
            () ->
                ChurnRiskModel.fit(
                    weighted,
                    List.of("recency_days"),
                    ChurnRiskSettings.Model.LOGISTIC_REGRESSION,
                    s.maxIterations()));

    stageScores(run, staging, model, all, s);
    List<Row> rows = new ArrayList<>();
    run.stage(
        "churn_model:evaluate",
        "Evaluate the model and the baseline on the evaluation cutoff",
        () -> {
          addMetrics(rows, s.model().key(), ModelQuality.of(ChurnRiskModel.score(model, test)));
          addMetrics(rows, BASELINE, ModelQuality.of(ChurnRiskModel.score(baseline, test)));
          return null;
        });
    for (String m : List.of(s.model().key(), BASELINE)) {
      rows.add(
          RowFactory.create(
              m, "training_examples", null, (double) (trainCounts[0] + trainCounts[1])));
      rows.add(RowFactory.create(m, "training_churned", null, (double) trainCounts[1]));
      rows.add(RowFactory.create(m, "training_sample_fraction", null, sample.fraction()));
    }
    stageQuality(
        run, staging, new ModelStore.Trained(model, trainedAsOf, asOf, s.fingerprint(), rows), s);
  }

  /**
   * Stages churn_model_metrics from the model's quality rows (measured on the evaluation cutoff of
   * its training date) and the model itself, published under the run's date with its description: a
   * later run of the same retraining period finds it there.
   */
  private static void stageQuality(
      RunContext run, Staging staging, ModelStore.Trained trained, ChurnRiskSettings s) {
    Dataset<Row> metrics =
        run.spark()
            .createDataFrame(
                trained.quality(),
                new org.apache.spark.sql.types.StructType()
                    .add("model", "string")
                    .add("metric", "string")
                    .add("decile", "int")
                    .add("value", "double"))
            .withColumn(
                "evaluation_cutoff", Periods.date(trained.trainedAsOf().minusDays(s.horizonDays())))
            .withColumn("horizon_days", lit(s.horizonDays()));
    staging.stage(METRICS, metrics);
    staging.stageDirectory(
        ModelStore.CHURN_MODEL, path -> ModelStore.save(run.spark(), trained, path));
  }

  /** The features of the customers active at the run's date, for scoring alone. */
  private static Dataset<Row> featuresAtAsOf(RunContext run) {
    TenureSettings s = run.settings();
    return ChurnFeatures.atAsOf(
        run.asOf(),
        run.spells(),
        run.interactionsOrEmpty(),
        run.transactions(),
        run.activityBase(),
        s.churn().inactivityDays(),
        s.service(),
        s.zone());
  }

  private static Dataset<Row> features(RunContext run, List<LocalDate> cutoffs, Column units) {
    TenureSettings s = run.settings();
    return ChurnFeatures.at(
        cutoffs,
        units,
        run.spells(),
        run.interactionsOrEmpty(),
        run.transactions(),
        s.service(),
        s.zone());
  }

  /** Scores the customers active at the as-of date with {@code model}. */
  private static void stageScores(
      RunContext run,
      Staging staging,
      PipelineModel model,
      Dataset<Row> features,
      ChurnRiskSettings s) {
    Dataset<Row> current =
        features.where(col(ChurnFeatures.CUTOFF).equalTo(Periods.date(run.asOf())));
    // Only the published columns go into the ranking's single sorted partition.
    Dataset<Row> scored =
        ChurnRiskModel.score(model, current)
            .select(col("customer_id"), col(ChurnRiskModel.PROBABILITY), col("top_risk_factors"));
    staging.stage(
        SCORES,
        run.pseudonymised(
            ChurnRiskModel.withDeciles(scored)
                .select(
                    col("customer_id"),
                    col(ChurnRiskModel.PROBABILITY),
                    col("risk_decile"),
                    col("top_risk_factors"),
                    lit(ChurnRiskModel.kind(model)).as("model"),
                    lit(s.horizonDays()).as("horizon_days")),
            "customer_id"));
  }

  private static void addMetrics(List<Row> into, String model, List<Row> quality) {
    for (Row q : quality) {
      into.add(RowFactory.create(model, q.get(0), q.get(1), q.get(2)));
    }
  }

  /** {retained, churned} examples. */
  private static long[] classCounts(Dataset<Row> labelled) {
    long[] counts = new long[2];
    for (Row r : labelled.groupBy(ChurnRiskModel.LABEL).count().collectAsList()) {
      counts[r.getDouble(0) > 0 ? 1 : 0] = r.getLong(1);
    }
    return counts;
  }

  /** Why no model can be fitted, or null. */
  private static String tooFew(long[] train, long[] test, int min) {
    if (Math.min(train[0], train[1]) < min) {
      return String.format(
          "training has %d churned and %d retained examples, churn-risk.min-examples-per-class"
              + " is %d",
          train[1], train[0], min);
    }
    if (Math.min(test[0], test[1]) < min) {
      return String.format(
          "evaluation has %d churned and %d retained examples, churn-risk.min-examples-per-class"
              + " is %d",
          test[1], test[0], min);
    }
    return null;
  }
}
