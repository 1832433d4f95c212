package io.tenure.io;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.not;

import io.tenure.config.TableKind;
import java.util.EnumMap;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Row rules that need other rows: they run after every table's own rules, on the rows still usable.
 *
 * <ul>
 *   <li>{@code refund_without_purchase}: a refund with no usable purchase by the same customer at
 *       or before its time — there is nothing it can refund.
 *   <li>{@code cancellation_without_transactions}: a cancellation for a customer with no usable
 *       transaction at all — nobody Tenure counts as a customer cancelled.
 * </ul>
 *
 * Both join narrow per-customer aggregates to the rows they concern (refunds, cancellations), so
 * that the transactions themselves are never shuffled.
 */
public final class CrossTableRules {
  public static final String REFUND_WITHOUT_PURCHASE = "refund_without_purchase";
  public static final String CANCELLATION_WITHOUT_TRANSACTIONS =
      "cancellation_without_transactions";

  private static final String CUSTOMER = "_rule_customer";
  private static final String FIRST_PURCHASE = "_first_purchase";
  private static final String TRANSACTED = "_transacted";

  private CrossTableRules() {}

  /** The inputs with the cross-table rules applied; tables they do not concern are unchanged. */
  public static Map<TableKind, ValidatedInput> apply(Map<TableKind, ValidatedInput> inputs) {
    return apply(inputs, UnaryOperator.identity());
  }

  /**
   * The same, with {@code settle} applied to every table once its rules are final, and to the
   * transactions before the cancellations rule reads them (the pipeline compacts and caches there,
   * so that the rule reads the cached transactions).
   */
  public static Map<TableKind, ValidatedInput> apply(
      Map<TableKind, ValidatedInput> inputs, UnaryOperator<ValidatedInput> settle) {
    Map<TableKind, ValidatedInput> out = new EnumMap<>(TableKind.class);
    ValidatedInput tx = settle.apply(refundsNeedAPurchase(inputs.get(TableKind.TRANSACTIONS)));
    inputs.forEach(
        (kind, input) -> {
          if (kind == TableKind.TRANSACTIONS) {
            out.put(kind, tx);
          } else if (kind == TableKind.CANCELLATIONS) {
            out.put(kind, settle.apply(cancellationsNeedTransactions(input, tx)));
          } else {
            out.put(kind, settle.apply(input));
          }
        });
    return out;
  }

  static ValidatedInput refundsNeedAPurchase(ValidatedInput tx) {
    Dataset<Row> rows = tx.flagged();
    Dataset<Row> firstPurchase =
        rows.where(col(InputReader.REASON).isNull().and(col("kind").equalTo("purchase")))
            .groupBy(col("customer_id").as(CUSTOMER))
            .agg(min(col("occurred_at")).as(FIRST_PURCHASE));
    Column isRefund = coalesce(col("kind").equalTo("refund"), lit(false));
    Dataset<Row> refunds = rows.where(isRefund);
    Column orphan = col(FIRST_PURCHASE).isNull().or(col("occurred_at").lt(col(FIRST_PURCHASE)));
    Dataset<Row> checked =
        refunds
            .join(firstPurchase, refunds.col("customer_id").equalTo(col(CUSTOMER)), "left")
            .withColumn(
                InputReader.REASON, ValidatedInput.reasonAfter(orphan, REFUND_WITHOUT_PURCHASE))
            .drop(CUSTOMER, FIRST_PURCHASE);
    return tx.withRows(rows.where(not(isRefund)).unionByName(checked));
  }

  static ValidatedInput cancellationsNeedTransactions(
      ValidatedInput cancellations, ValidatedInput tx) {
    Dataset<Row> customers =
        tx.flagged()
            .where(col(InputReader.REASON).isNull())
            .select(col("customer_id").as(CUSTOMER))
            .distinct()
            .withColumn(TRANSACTED, lit(true));
    Dataset<Row> c = cancellations.flagged();
    Dataset<Row> checked =
        c.join(customers, c.col("customer_id").equalTo(col(CUSTOMER)), "left")
            .withColumn(
                InputReader.REASON,
                ValidatedInput.reasonAfter(
                    col(TRANSACTED).isNull(), CANCELLATION_WITHOUT_TRANSACTIONS))
            .drop(CUSTOMER, TRANSACTED);
    return cancellations.withRows(checked);
  }
}
