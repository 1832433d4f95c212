package io.tenure.testing;

import static io.tenure.testing.Rows.purchase;
import static io.tenure.testing.Rows.refund;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The shared tiny scenario of the metric tests (2024, a leap year; all times UTC noon):
 *
 * <pre>
 * A: buys Jan 10 (10)
 * B: buys Jan 5 (20)                               (cancels Jan 20 in the churn tests)
 * C: buys Jan 15 (30), Feb 1 (40), Mar 20 (50)
 * D: buys Apr 25 (60)
 * E: buys Feb 28 (70), refund Mar 1 (5), buys Mar 29 (80)
 * </pre>
 */
public final class FiveCustomers {
  private FiveCustomers() {}

  public static Dataset<Row> transactions(SparkSession spark) {
    return Rows.df(
        spark,
        Rows.TRANSACTIONS,
        purchase("A", "2024-01-10T12:00:00Z", "10"),
        purchase("B", "2024-01-05T12:00:00Z", "20"),
        purchase("C", "2024-01-15T12:00:00Z", "30"),
        purchase("C", "2024-02-01T12:00:00Z", "40"),
        purchase("C", "2024-03-20T12:00:00Z", "50"),
        purchase("D", "2024-04-25T12:00:00Z", "60"),
        purchase("E", "2024-02-28T12:00:00Z", "70"),
        refund("E", "2024-03-01T12:00:00Z", "5"),
        purchase("E", "2024-03-29T12:00:00Z", "80"));
  }
}
