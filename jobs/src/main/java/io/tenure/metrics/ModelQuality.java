package io.tenure.metrics;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.log;
import static org.apache.spark.sql.functions.pow;
import static org.apache.spark.sql.functions.sum;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.mllib.evaluation.BinaryClassificationMetrics;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import scala.Tuple2;

/**
 * How good churn probabilities are on examples whose outcome is known ({@link ChurnRiskModel#LABEL}
 * 0/1, {@link ChurnRiskModel#PROBABILITY} p): rows of (metric, decile, value).
 *
 * <ul>
 *   <li>auc_roc, auc_pr: areas under the ROC and precision-recall curves (MLlib's
 *       BinaryClassificationMetrics, exact; AUC-PR's floor is the base rate, not 0.5);
 *   <li>log_loss = −mean(y log p + (1 − y) log(1 − p)), p clipped to [1e-15, 1 − 1e-15];
 *   <li>brier_score = mean((p − y)²);
 *   <li>base_rate = mean(y), examples, churned;
 *   <li>per probability decile (1 = lowest tenth, as {@link ChurnRiskModel#withDeciles}):
 *       calibration_examples, calibration_mean_probability, calibration_churn_rate;
 *   <li>top_decile_lift = churn rate of the highest decile / base rate.
 * </ul>
 */
public final class ModelQuality {
  public static final StructType ROW =
      new StructType()
          .add("metric", DataTypes.StringType)
          .add("decile", DataTypes.IntegerType)
          .add("value", DataTypes.DoubleType);
  private static final double EPS = 1e-15;

  private ModelQuality() {}

  /** The metrics of one model on its scored evaluation examples (a handful of driver rows). */
  public static List<Row> of(Dataset<Row> scoredRows) {
    // Read three times below (totals, the curve, the deciles): score once, and keep only the
    // label and the probability (the scoring's other outputs, such as each row's top risk
    // factors, are then never computed). In one partition, in one order: the means below add
    // doubles, and partial sums merged in the order tasks finish differ in their last bits from
    // run to run; scored in parallel all the same (the shuffle comes after the scoring).
    Dataset<Row> scored =
        scoredRows
            .select(col(ChurnRiskModel.LABEL), col(ChurnRiskModel.PROBABILITY))
            .repartition(1)
            .sortWithinPartitions(col(ChurnRiskModel.PROBABILITY), col(ChurnRiskModel.LABEL))
            .persist(org.apache.spark.storage.StorageLevel.MEMORY_AND_DISK());
    try {
      return metrics(scored);
    } finally {
      scored.unpersist();
    }
  }

  private static List<Row> metrics(Dataset<Row> scored) {
    Column y = col(ChurnRiskModel.LABEL);
    Column p = least(greatest(col(ChurnRiskModel.PROBABILITY), lit(EPS)), lit(1 - EPS));
    Row whole =
        scored
            .agg(
                count(lit(1)).as("n"),
                sum(y).as("churned"),
                avg(y.multiply(log(p))
                        .plus(lit(1).minus(y).multiply(log(lit(1).minus(p))))
                        .multiply(-1))
                    .as("log_loss"),
                avg(pow(col(ChurnRiskModel.PROBABILITY).minus(y), 2)).as("brier"))
            .first();
    long n = whole.getLong(0);
    double churned = whole.getDouble(1);
    double baseRate = churned / n;
    List<Row> out = new ArrayList<>();
    double[] areas = areas(scored);
    out.add(metric("auc_roc", areas[0]));
    out.add(metric("auc_pr", areas[1]));
    out.add(metric("log_loss", whole.getDouble(2)));
    out.add(metric("brier_score", whole.getDouble(3)));
    out.add(metric("base_rate", baseRate));
    out.add(metric("examples", (double) n));
    out.add(metric("churned", churned));

    List<Row> deciles =
        ChurnRiskModel.withDeciles(scored.select(y, col(ChurnRiskModel.PROBABILITY)))
            .groupBy("risk_decile")
            .agg(
                count(lit(1)).as("n"),
                avg(ChurnRiskModel.PROBABILITY).as("mean_p"),
                avg(y).as("rate"))
            .orderBy("risk_decile")
            .collectAsList();
    for (Row d : deciles) {
      int decile = d.getInt(0);
      out.add(RowFactory.create("calibration_examples", decile, (double) d.getLong(1)));
      out.add(RowFactory.create("calibration_mean_probability", decile, d.getDouble(2)));
      out.add(RowFactory.create("calibration_churn_rate", decile, d.getDouble(3)));
    }
    Row top = deciles.get(deciles.size() - 1);
    out.add(metric("top_decile_lift", baseRate > 0 ? top.getDouble(3) / baseRate : null));
    return out;
  }

  /**
   * {AUC-ROC, AUC-PR} from one MLlib curve: both areas share its sort of the scores and cumulative
   * counts, which two {@code BinaryClassificationEvaluator}s would each compute again. Exact areas
   * (no down-sampling): the evaluator's default of 1,000 bins cuts the sorted scores by partition,
   * so the area depended on the layout of the examples (1e-6 between two runs at scale M). The
   * areas are MLlib's trapezoids, added in the curve's order ({@link #area}).
   */
  private static double[] areas(Dataset<Row> scored) {
    BinaryClassificationMetrics curve =
        new BinaryClassificationMetrics(
            scored
                .select(col(ChurnRiskModel.PROBABILITY), col(ChurnRiskModel.LABEL))
                .toJavaRDD()
                .map(r -> new Tuple2<Object, Object>(r.getDouble(0), r.getDouble(1)))
                .rdd(),
            0);
    try {
      return new double[] {area(curve.roc()), area(curve.pr())};
    } finally {
      curve.unpersist();
    }
  }

  /**
   * The area under a curve by the trapezoidal rule, as MLlib's {@code areaUnderROC} and {@code
   * areaUnderPR} compute it, but added point after point in the curve's order: MLlib adds its
   * partitions' partial areas in the order their tasks finish, which moved the last bits of an area
   * between two runs of the same scores. The points stream to the driver a partition at a time.
   */
  private static double area(RDD<Tuple2<Object, Object>> curve) {
    double area = 0.0;
    Tuple2<Object, Object> previous = null;
    for (java.util.Iterator<Tuple2<Object, Object>> points = curve.toJavaRDD().toLocalIterator();
        points.hasNext(); ) {
      Tuple2<Object, Object> point = points.next();
      if (previous != null) {
        double x0 = (Double) previous._1();
        double y0 = (Double) previous._2();
        area += ((Double) point._1() - x0) * ((Double) point._2() + y0) / 2.0;
      }
      previous = point;
    }
    return area;
  }

  private static Row metric(String name, Double value) {
    return RowFactory.create(name, null, value);
  }
}
