package io.tenure.metrics;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.rank;
import static org.apache.spark.sql.functions.slice;
import static org.apache.spark.sql.functions.sort_array;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.when;

import io.tenure.config.ChurnRiskSettings;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.classification.GBTClassifier;
import org.apache.spark.ml.classification.LogisticRegression;
import org.apache.spark.ml.classification.LogisticRegressionModel;
import org.apache.spark.ml.feature.StandardScaler;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.functions;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;

/**
 * The churn-risk classifier as an MLlib {@link Pipeline}: assemble the features, standardise them
 * (mean 0, standard deviation 1: logistic regression's coefficients become comparable, and a
 * customer's contribution of a feature is coefficient × standardised value), then logistic
 * regression or gradient-boosted trees. The fitted {@link PipelineModel} is what a run saves and
 * what {@code score} loads: it carries its feature names.
 */
public final class ChurnRiskModel {
  public static final String LABEL = "label";
  public static final String WEIGHT = "weight";
  public static final String PROBABILITY = "churn_probability";
  private static final String RAW = "raw_features";
  private static final String FEATURES = "features";

  /** A little ridge penalty keeps correlated features (30 and 90 days) from wild coefficients. */
  private static final double RIDGE = 0.01;

  private ChurnRiskModel() {}

  /**
   * Fits the pipeline on {@code training} (the features, {@link #LABEL} 0/1 and {@link #WEIGHT}).
   * The fit depends on the examples alone, never on how they are split into partitions or on the
   * order in which Spark's tasks finish: the same examples give the same model, bit for bit.
   */
  public static PipelineModel fit(
      Dataset<Row> training, List<String> features, ChurnRiskSettings.Model model, int iterations) {
    PipelineStage classifier =
        switch (model) {
          case LOGISTIC_REGRESSION ->
              new LogisticRegression()
                  .setFeaturesCol(FEATURES)
                  .setLabelCol(LABEL)
                  .setWeightCol(WEIGHT)
                  .setMaxIter(iterations)
                  .setRegParam(RIDGE)
                  .setStandardization(false);
          case GRADIENT_BOOSTED_TREES ->
              new GBTClassifier()
                  .setFeaturesCol(FEATURES)
                  .setLabelCol(LABEL)
                  .setWeightCol(WEIGHT)
                  .setMaxIter(iterations)
                  .setMaxDepth(4)
                  .setSeed(42L);
        };
    Pipeline pipeline =
        new Pipeline()
            .setStages(
                new PipelineStage[] {
                  new VectorAssembler()
                      .setInputCols(features.toArray(String[]::new))
                      .setOutputCol(RAW),
                  new StandardScaler()
                      .setInputCol(RAW)
                      .setOutputCol(FEATURES)
                      .setWithMean(true)
                      .setWithStd(true),
                  classifier
                });
    return pipeline.fit(inOneOrder(training, features));
  }

  /**
   * The examples in one partition, ordered by every column the fit reads. MLlib adds up each
   * partition's statistics (the scaler's moments, the gradients) and merges the partial sums in the
   * order the tasks finish, so the same examples over several tasks fit coefficients that differ in
   * their last bits from one run to the next (probabilities by about 1e-11): a re-run would not
   * publish identical scores. Examples that tie on every ordered column are interchangeable. One
   * task fits the default 250,000 examples ({@code churn-risk.max-training-examples}) in seconds.
   */
  static Dataset<Row> inOneOrder(Dataset<Row> training, List<String> features) {
    List<Column> order = new java.util.ArrayList<>();
    features.forEach(f -> order.add(col(f)));
    order.add(col(LABEL));
    order.add(col(WEIGHT));
    return training.repartition(1).sortWithinPartitions(order.toArray(Column[]::new));
  }

  /** The feature columns a fitted model reads, in its order. */
  public static List<String> features(PipelineModel model) {
    return Arrays.asList(((VectorAssembler) model.stages()[0]).getInputCols());
  }

  /** logistic-regression or gradient-boosted-trees, from the fitted model. */
  public static String kind(PipelineModel model) {
    return classifier(model) instanceof LogisticRegressionModel
        ? ChurnRiskSettings.Model.LOGISTIC_REGRESSION.key()
        : ChurnRiskSettings.Model.GRADIENT_BOOSTED_TREES.key();
  }

  /**
   * Adds {@link #PROBABILITY} (the model's probability of churn within the horizon) and {@code
   * top_risk_factors}: for logistic regression, up to three features whose contribution
   * (coefficient × standardised value) raises this customer's risk most, largest first; null for
   * trees, which have no per-customer decomposition in MLlib. Every input column is kept.
   */
  public static Dataset<Row> score(PipelineModel model, Dataset<Row> rows) {
    List<String> names = features(model);
    Dataset<Row> scored =
        model
            .transform(rows)
            .withColumn(
                PROBABILITY,
                element_at(functions.vector_to_array(col("probability"), "float64"), 2));
    Column factors = lit(null).cast("array<string>");
    if (classifier(model) instanceof LogisticRegressionModel lr) {
      double[] w = lr.coefficients().toArray();
      scored = scored.withColumn("f_x", functions.vector_to_array(col(FEATURES), "float64"));
      // (−contribution, name) sorted ascending puts the largest contribution first; the positive
      // ones are a prefix of that order, as long as their count. Compiled expressions only: a
      // lambda over the features would be interpreted for every scored row.
      Column[] terms = new Column[w.length];
      Column positives = lit(0);
      for (int i = 0; i < w.length; i++) {
        Column contribution = lit(w[i]).multiply(element_at(col("f_x"), i + 1));
        terms[i] = struct(contribution.unary_$minus().as("c"), lit(names.get(i)).as("f"));
        positives = positives.plus(when(contribution.gt(0), 1).otherwise(0));
      }
      factors =
          slice(sort_array(array(terms), true), lit(1), least(lit(3), positives)).getField("f");
    }
    Dataset<Row> out = scored.withColumn("top_risk_factors", factors);
    List<String> keep = new java.util.ArrayList<>(Arrays.asList(rows.columns()));
    keep.add(PROBABILITY);
    keep.add("top_risk_factors");
    return out.select(keep.stream().map(c -> col(c)).toArray(Column[]::new));
  }

  /**
   * Adds {@code risk_decile} = 1 + ⌊10 (r − 1) / n⌋, r the rank of the probability among the n rows
   * (equal probabilities share the lowest rank, so a decile never splits them): 1 is the lowest
   * tenth, 10 the highest. Exact ranks rather than approximate quantiles, whose sketch depends on
   * how the scored rows are split into partitions, so that the deciles are a function of the
   * probabilities alone. One sort of the scored rows in a single partition (two columns per
   * customer, spilled to disk when large).
   */
  public static Dataset<Row> withDeciles(Dataset<Row> scored) {
    WindowSpec byProbability = Window.partitionBy(lit(0)).orderBy(col(PROBABILITY));
    return scored
        .withColumn("_rank", rank().over(byProbability))
        .withColumn("_n", count(lit(1)).over(Window.partitionBy(lit(0))))
        .withColumn(
            "risk_decile",
            floor(col("_rank").minus(1).multiply(10).divide(col("_n"))).cast("int").plus(1))
        .drop("_rank", "_n");
  }

  /** Example weights: 1, or with balancing each class weighing half of all examples. */
  public static Column weight(boolean balance, long positives, long negatives) {
    if (!balance) {
      return lit(1.0);
    }
    double n = positives + negatives;
    return when(col(LABEL).equalTo(1.0), lit(n / (2.0 * positives)))
        .otherwise(lit(n / (2.0 * negatives)));
  }

  private static Transformer classifier(PipelineModel model) {
    return model.stages()[model.stages().length - 1];
  }
}
