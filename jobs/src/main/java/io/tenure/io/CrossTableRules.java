package io.tenure.io;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.when;

import io.tenure.config.TableKind;
import java.util.EnumMap;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

/**
 * Row rules that need other rows: they run after every table's own rules, on the rows still usable.
 *
 * <ul>
 *   <li>{@code refund_without_purchase}: a refund with no usable purchase by the same customer at
 *       or before its time — there is nothing it can refund.
 *   <li>{@code cancellation_without_transactions}: a cancellation for a customer with no usable
 *       transaction at all — nobody Tenure counts as a customer cancelled.
 * </ul>
 */
public final class CrossTableRules {
  public static final String REFUND_WITHOUT_PURCHASE = "refund_without_purchase";
  public static final String CANCELLATION_WITHOUT_TRANSACTIONS =
      "cancellation_without_transactions";

  private static final String TRANSACTED = "_transacted";

  private CrossTableRules() {}

  /** The inputs with the cross-table rules applied; tables they do not concern are unchanged. */
  public static Map<TableKind, ValidatedInput> apply(Map<TableKind, ValidatedInput> inputs) {
    Map<TableKind, ValidatedInput> out = new EnumMap<>(inputs);
    ValidatedInput tx = refundsNeedAPurchase(inputs.get(TableKind.TRANSACTIONS));
    out.put(TableKind.TRANSACTIONS, tx);
    ValidatedInput cancellations = inputs.get(TableKind.CANCELLATIONS);
    if (cancellations != null) {
      out.put(TableKind.CANCELLATIONS, cancellationsNeedTransactions(cancellations, tx));
    }
    return out;
  }

  static ValidatedInput refundsNeedAPurchase(ValidatedInput tx) {
    Column usablePurchase = col(InputReader.REASON).isNull().and(col("kind").equalTo("purchase"));
    Column firstPurchase =
        min(when(usablePurchase, col("occurred_at"))).over(Window.partitionBy("customer_id"));
    Column orphan =
        col("kind")
            .equalTo("refund")
            .and(firstPurchase.isNull().or(col("occurred_at").lt(firstPurchase)));
    return tx.withRule(tx.flagged(), orphan, REFUND_WITHOUT_PURCHASE);
  }

  static ValidatedInput cancellationsNeedTransactions(
      ValidatedInput cancellations, ValidatedInput tx) {
    Dataset<Row> customers =
        tx.flagged()
            .where(col(InputReader.REASON).isNull())
            .select(col("customer_id").as("_tx_customer"))
            .distinct()
            .withColumn(TRANSACTED, lit(true));
    Dataset<Row> c = cancellations.flagged();
    Dataset<Row> joined =
        c.join(customers, c.col("customer_id").equalTo(customers.col("_tx_customer")), "left")
            .drop("_tx_customer");
    return cancellations
        .withRule(joined, col(TRANSACTED).isNull(), CANCELLATION_WITHOUT_TRANSACTIONS)
        .dropping(TRANSACTED);
  }
}
