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
 * @param balanceClasses weight examples so that both classes weigh the same (probabilities are then
 *     no longer calibrated to the base rate)
 * @param modelPath score with this saved model instead of training one ({@code score} command)
 */
public record ChurnRiskSettings(
    Model model,
    int horizonDays,
    int trainingCutoffs,
    int cutoffSpacingDays,
    int minExamplesPerClass,
    int maxIterations,
    boolean balanceClasses,
    Optional<String> modelPath) {

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
    positive("horizon-days", horizonDays);
    positive("training-cutoffs", trainingCutoffs);
    positive("cutoff-spacing-days", cutoffSpacingDays);
    positive("min-examples-per-class", minExamplesPerClass);
    positive("max-iterations", maxIterations);
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
        balanceClasses,
        Optional.of(path));
  }

  private static void positive(String key, int value) {
    if (value < 1) {
      throw new IllegalArgumentException(key + " must be at least 1, got " + value);
    }
  }
}
