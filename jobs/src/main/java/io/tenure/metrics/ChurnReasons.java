package io.tenure.metrics;

import static io.tenure.metrics.ChurnRates.CHURNED;
import static io.tenure.metrics.ChurnRates.CHURN_DATE;
import static io.tenure.metrics.ChurnRates.CHURN_TYPE;
import static io.tenure.metrics.ChurnRates.PERIOD_START;
import static io.tenure.metrics.ChurnRates.REASON;
import static io.tenure.metrics.ChurnRates.SHARE_OF_CHURNED;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;

import io.tenure.config.Grain;
import java.time.LocalDate;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

/**
 * churn_reasons: the spells that ended in each period, by churn type (inactivity, or the
 * cancellation's kind) and reason, with each one's share of the period's churned customers.
 */
final class ChurnReasons {
  private ChurnReasons() {}

  /**
   * @param spells lifecycle spells; with {@code earlier}, at least those that ended on or after its
   *     first recomputed period
   * @param earlier the table as an earlier run computed it, whose rows of periods before {@code
   *     from} are taken
   */
  static Dataset<Row> of(
      Dataset<Row> spells, Grain grain, Optional<Dataset<Row>> earlier, Optional<LocalDate> from) {
    Dataset<Row> reasons =
        spells
            .where(col(CHURN_DATE).isNotNull())
            .groupBy(
                Periods.start(col(CHURN_DATE), grain).as(PERIOD_START),
                col(CHURN_TYPE),
                col(REASON))
            .agg(count(lit(1)).as(CHURNED))
            .withColumn(
                SHARE_OF_CHURNED,
                col(CHURNED).divide(sum(CHURNED).over(Window.partitionBy(PERIOD_START))))
            .select(PERIOD_START, CHURN_TYPE, REASON, CHURNED, SHARE_OF_CHURNED);
    if (earlier.isEmpty()) {
      return reasons;
    }
    return earlier
        .get()
        .where(col(PERIOD_START).lt(Periods.date(from.orElseThrow())))
        .unionByName(reasons.where(col(PERIOD_START).geq(Periods.date(from.get()))));
  }
}
