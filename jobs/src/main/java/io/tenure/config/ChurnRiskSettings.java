package io.tenure.config;

import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Churn-risk model settings (churn_scores, churn_model_metrics).
 *
 * @param model the classifier
 * @param horizonDays the label: the customer's spell ends (churn) within this many days after the
 *     cutoff
 * @param trainingCutoffs how many earlier cutoffs the model is trained on
 * @param cutoffSpacingDays days between consecutive training cutoffs
 * @param minExamplesPerClass below this many churned or retained examples in training (or in
 *     evaluation) no model is fitted: the tables are published empty and the run says why
 * @param maxIterations iterations of the optimiser (logistic regression) or trees (boosting)
 * @param maxTrainingExamples at most about this many training examples: above it, a deterministic
 *     sample of the (customer, training cutoff) units gets features and is fitted on; empty for all
 * @param balanceClasses weight examples so that both classes weigh the same (probabilities are then
 *     no longer calibrated to the base rate)
 * @param modelPath score with this saved model instead of training one ({@code score} command)
 * @param retrainEvery how often the model is trained: a run as of D scores with the model trained
 *     as of the first day of D's period (D itself, the Monday of its ISO week, the first of its
 *     month or quarter), on what was known then; a function of D alone, so that a daily run that
 *     reuses a saved model publishes what a backfill that trains it again would
 * @param fingerprint SHA-256 of every setting that decides the fitted model (inputs, time, quality,
 *     money, churn, service and these settings but the two above): a saved model trained under
 *     another fingerprint is not reused
 */
public record ChurnRiskSettings(
    Model model,
    int horizonDays,
    int trainingCutoffs,
    int cutoffSpacingDays,
    int minExamplesPerClass,
    int maxIterations,
    Optional<Integer> maxTrainingExamples,
    boolean balanceClasses,
    Optional<String> modelPath,
    Grain retrainEvery,
    String fingerprint) {

  /** The classifiers Tenure offers. */
  public enum Model {
    LOGISTIC_REGRESSION("logistic-regression"),
    GRADIENT_BOOSTED_TREES("gradient-boosted-trees");

    private final String key;

    Model(String key) {
      this.key = key;
    }

    public String key() {
      return key;
    }

    public static Model parse(String value) {
      for (Model m : values()) {
        if (m.key.equals(value.toLowerCase(Locale.ROOT))) {
          return m;
        }
      }
      throw new IllegalArgumentException(
          "unknown model '" + value + "'; expected logistic-regression or gradient-boosted-trees");
    }
  }

  public ChurnRiskSettings {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(modelPath, "modelPath");
    Objects.requireNonNull(maxTrainingExamples, "maxTrainingExamples");
    Objects.requireNonNull(retrainEvery, "retrainEvery");
    Objects.requireNonNull(fingerprint, "fingerprint");
    positive("horizon-days", horizonDays);
    positive("training-cutoffs", trainingCutoffs);
    positive("cutoff-spacing-days", cutoffSpacingDays);
    positive("min-examples-per-class", minExamplesPerClass);
    positive("max-iterations", maxIterations);
    maxTrainingExamples.ifPresent(n -> positive("max-training-examples", n));
  }

  /** A copy that scores with the model saved at {@code path}. */
  public ChurnRiskSettings scoringWith(String path) {
    return new ChurnRiskSettings(
        model,
        horizonDays,
        trainingCutoffs,
        cutoffSpacingDays,
        minExamplesPerClass,
        maxIterations,
        maxTrainingExamples,
        balanceClasses,
        Optional.of(path),
        retrainEvery,
        fingerprint);
  }

  private static void positive(String key, int value) {
    if (value < 1) {
      throw new IllegalArgumentException(key + " must be at least 1, got " + value);
    }
  }
}
