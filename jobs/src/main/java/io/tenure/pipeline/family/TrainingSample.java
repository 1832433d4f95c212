package io.tenure.pipeline.family;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;

import io.tenure.config.ChurnRiskSettings;
import io.tenure.metrics.ChurnFeatures;
import io.tenure.pipeline.RunContext;
import java.time.LocalDate;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.Column;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which units get churn-risk features when the model is trained: every unit, or, above {@code
 * churn-risk.max-training-examples}, a sample of about that many of the customers active at the
 * training cutoffs ({@link ChurnFeatures#sampled}, a hash of customer and cutoff); the evaluation
 * cutoff and the as-of date are never sampled. A sample of a few hundred thousand fits the same
 * model within its noise and spares the features of millions of units (docs/metrics.md, "Churn
 * risk").
 *
 * @param fraction the share of the training units kept (1 without sampling)
 * @param units the condition on customer_id and cutoff that keeps them
 */
record TrainingSample(double fraction, Column units) {
  private static final Logger LOG = LoggerFactory.getLogger("io.tenure");
  private static final TrainingSample EVERY_UNIT = new TrainingSample(1.0, lit(true));

  static TrainingSample of(RunContext run, List<LocalDate> training, ChurnRiskSettings s) {
    if (s.maxTrainingExamples().isEmpty()) {
      return EVERY_UNIT;
    }
    long units =
        run.stage(
            "churn_features:count",
            "Count the customers active at the training cutoffs",
            () -> ChurnFeatures.activeCount(training, run.spells()));
    int max = s.maxTrainingExamples().get();
    if (units <= max) {
      return EVERY_UNIT;
    }
    double fraction = max / (double) units;
    LOG.info(
        "churn_scores: training on a sample of {} % of {} examples"
            + " (churn-risk.max-training-examples = {})",
        String.format(Locale.ROOT, "%.1f", 100 * fraction), units, max);
    return new TrainingSample(
        fraction,
        not(col(ChurnFeatures.CUTOFF).isin(dates(training))).or(ChurnFeatures.sampled(fraction)));
  }

  /** The days as SQL dates, for {@code isin}. */
  static Object[] dates(List<LocalDate> days) {
    return days.stream().map(java.sql.Date::valueOf).toArray();
  }
}
