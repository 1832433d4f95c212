package io.tenure.metrics;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.percentile_approx;

import java.util.Arrays;
import java.util.OptionalInt;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.catalyst.expressions.aggregate.PercentileDisc;

/**
 * Percentiles as docs/metrics.md defines them: the exact lower percentile, the smallest observed
 * value v with at least p·n values ≤ v (SQL's {@code percentile_disc}), by default; Spark's {@code
 * percentile_approx} (rank error at most 2 n / accuracy) only when an accuracy is configured.
 */
public final class Percentiles {
  private Percentiles() {}

  /**
   * An aggregate holding the percentiles {@code levels} of {@code value} as an array, in order.
   *
   * @param accuracy empty = exact
   */
  public static Column of(Column value, OptionalInt accuracy, double... levels) {
    Column ps = array(Arrays.stream(levels).mapToObj(p -> lit(p)).toArray(Column[]::new));
    if (accuracy.isPresent()) {
      return percentile_approx(value, ps, lit(accuracy.getAsInt()));
    }
    // One aggregate for all levels (one count map per group), where the SQL form
    // percentile_disc(p) WITHIN GROUP (ORDER BY x) would keep one per level. The Column API has no
    // percentile_disc; the catalyst expression is the one that SQL form builds.
    return new Column(
        new PercentileDisc(value.expr(), ps.expr(), false, 0, 0, false).toAggregateExpression());
  }
}
