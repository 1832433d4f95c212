package io.tenure.metrics;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * The purchase history of the churn-risk units ({@link ChurnFeatures}) up to their cutoff: per
 * customer_id and cutoff, h_purchases, h_purchase_units, h_refunds, h_refund_units, h_net_units
 * (money in {@link Outputs#units units}), h_first and h_last (the local days of the first and the
 * last purchase), r_30 and r_90 (the purchases of the last 30 and 90 days up to the cutoff).
 */
final class PurchaseHistory {
  /** The days of r_30 and r_90, both formulations. */
  static final int SHORT_WINDOW_DAYS = 30;

  static final int LONG_WINDOW_DAYS = 90;

  private PurchaseHistory() {}

  /**
   * From every transaction, for units at several cutoffs: every day's activity adds to the first
   * cutoff on or after it, and a cutoff sums the buckets up to it, so each transaction is read
   * once. The purchases of the last 30 and 90 days before each cutoff ride along as one sum per
   * cutoff: those days all lie in buckets up to that cutoff.
   */
  static Dataset<Row> atCutoffs(
      List<LocalDate> sorted, Dataset<Row> units, Dataset<Row> transactions, ZoneId zone) {
    // Sums and extremes only, so each transaction counts as its own day row: a daily aggregate
    // would cost a shuffle of nearly every transaction where purchases fall on distinct days.
    // Shuffled by customer first, so that each customer's rows are aggregated in one place
    // instead of in maps as large as their input.
    Dataset<Row> activity =
        ActivityBase.transactionActivity(transactions, zone)
            .repartition(col(ActivityBase.CUSTOMER_ID));
    String cutoffArray =
        sorted.stream()
            .map(d -> "DATE'" + d + "'")
            .collect(Collectors.joining(", ", "array(", ")"));
    Column purchased = col(ActivityBase.PURCHASES).gt(0);
    Column[] within30 = new Column[sorted.size()];
    Column[] within90 = new Column[sorted.size()];
    for (int i = 0; i < sorted.size(); i++) {
      Column daysBefore = datediff(Periods.date(sorted.get(i)), col(ActivityBase.ACTIVITY_DATE));
      Column recent = purchased.and(daysBefore.geq(0));
      within30[i] =
          sum(
              when(recent.and(daysBefore.lt(SHORT_WINDOW_DAYS)), col(ActivityBase.PURCHASES))
                  .otherwise(0L));
      within90[i] =
          sum(
              when(recent.and(daysBefore.lt(LONG_WINDOW_DAYS)), col(ActivityBase.PURCHASES))
                  .otherwise(0L));
    }
    Dataset<Row> buckets =
        activity
            .withColumn("bucket", firstOnOrAfter(sorted, col(ActivityBase.ACTIVITY_DATE)))
            .groupBy(col(ActivityBase.CUSTOMER_ID).as("b_customer"), col("bucket"))
            .agg(
                sum(ActivityBase.PURCHASES).as("b_purchases"),
                sum(ActivityBase.PURCHASE_UNITS).as("b_purchase_units"),
                sum(ActivityBase.REFUNDS).as("b_refunds"),
                sum(ActivityBase.REFUND_UNITS).as("b_refund_units"),
                sum(ActivityBase.NET_REVENUE_UNITS).as("b_net_units"),
                min(when(purchased, col(ActivityBase.ACTIVITY_DATE))).as("b_first"),
                max(when(purchased, col(ActivityBase.ACTIVITY_DATE))).as("b_last"),
                array(within30).as("b_30"),
                array(within90).as("b_90"));
    // Days after the last cutoff have no bucket and join no cutoff.
    Column position =
        expr("cast(array_position(" + cutoffArray + ", " + ChurnFeatures.CUTOFF + ") as int)");
    return units
        .select(ChurnRates.CUSTOMER_ID, ChurnFeatures.CUTOFF)
        .join(
            buckets,
            col(ChurnRates.CUSTOMER_ID)
                .equalTo(col("b_customer"))
                .and(col("bucket").leq(col(ChurnFeatures.CUTOFF))))
        .groupBy(ChurnRates.CUSTOMER_ID, ChurnFeatures.CUTOFF)
        .agg(
            sum("b_purchases").as("h_purchases"),
            sum("b_purchase_units").as("h_purchase_units"),
            sum("b_refunds").as("h_refunds"),
            sum("b_refund_units").as("h_refund_units"),
            sum("b_net_units").as("h_net_units"),
            min("b_first").as("h_first"),
            max("b_last").as("h_last"),
            sum(element_at(col("b_30"), position)).as("r_30"),
            sum(element_at(col("b_90"), position)).as("r_90"));
  }

  /**
   * For units at the as-of date alone, without reading every transaction: the sums from the
   * activity per customer and period, the first purchase from the customers base, and the last
   * purchase and the recent counts from the transactions of the last max(90, {@code
   * inactivityDays}) days only. A customer active at the end of {@code asOf} has purchased within
   * {@code inactivityDays} days of it, so their last purchase is among those.
   *
   * @param base the activity base of the transactions up to {@code asOf}
   */
  static Dataset<Row> atAsOf(
      LocalDate asOf,
      Dataset<Row> units,
      ActivityBase base,
      Dataset<Row> transactions,
      int inactivityDays,
      ZoneId zone) {
    Dataset<Row> sums =
        base.customerPeriods()
            .groupBy(col(ActivityBase.CUSTOMER_ID).as("s_customer"))
            .agg(
                sum(ActivityBase.PURCHASES).as("h_purchases"),
                sum(ActivityBase.PURCHASE_UNITS).as("h_purchase_units"),
                sum(ActivityBase.REFUNDS).as("h_refunds"),
                sum(ActivityBase.REFUND_UNITS).as("h_refund_units"),
                sum(ActivityBase.NET_REVENUE_UNITS).as("h_net_units"));
    Dataset<Row> firsts =
        base.customers()
            .select(
                col(ActivityBase.CUSTOMER_ID).as("f_customer"),
                col(ActivityBase.FIRST_PURCHASE_DATE).as("h_first"));
    int days = Math.max(LONG_WINDOW_DAYS, inactivityDays);
    Column since = Periods.startOfDay(asOf.minusDays(days - 1L), zone);
    Column day = Periods.localDate(col("occurred_at"), zone);
    Column daysBefore = datediff(Periods.date(asOf), day);
    Dataset<Row> recent =
        transactions
            .where(col("kind").equalTo("purchase").and(col("occurred_at").geq(since)))
            .groupBy(col(ActivityBase.CUSTOMER_ID).as("r_customer"))
            .agg(
                max(day).as("h_last"),
                count(when(daysBefore.lt(SHORT_WINDOW_DAYS), 1)).as("r_30"),
                count(when(daysBefore.lt(LONG_WINDOW_DAYS), 1)).as("r_90"));
    Dataset<Row> ids = units.select(ChurnRates.CUSTOMER_ID, ChurnFeatures.CUTOFF);
    return ids.join(sums, ids.col(ChurnRates.CUSTOMER_ID).equalTo(col("s_customer")))
        .join(firsts, col(ChurnRates.CUSTOMER_ID).equalTo(col("f_customer")))
        .join(recent, col(ChurnRates.CUSTOMER_ID).equalTo(col("r_customer")))
        .select(
            col(ChurnRates.CUSTOMER_ID),
            col(ChurnFeatures.CUTOFF),
            col("h_purchases"),
            col("h_purchase_units"),
            col("h_refunds"),
            col("h_refund_units"),
            col("h_net_units"),
            col("h_first"),
            col("h_last"),
            col("r_30"),
            col("r_90"));
  }

  /**
   * The first of {@code sorted} on or after {@code day}, null after the last: a chain of
   * comparisons, which Spark compiles (a lambda over the cutoff array is interpreted row by row,
   * and evaluated twice where the join's not-null filter is pushed to the scan: 3 x slower at M).
   */
  private static Column firstOnOrAfter(List<LocalDate> sorted, Column day) {
    Column bucket = lit(null).cast(DataTypes.DateType);
    for (int i = sorted.size() - 1; i >= 0; i--) {
      Column cutoff = Periods.date(sorted.get(i));
      bucket = when(day.leq(cutoff), cutoff).otherwise(bucket);
    }
    return bucket;
  }
}
