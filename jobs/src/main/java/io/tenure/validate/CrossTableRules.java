package io.tenure.validate;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.not;

import io.tenure.config.TableKind;
import io.tenure.io.WorkArea;
import io.tenure.metrics.ActivityBase;
import io.tenure.metrics.Periods;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Row rules that need other rows: they run after every table's own rules, on the rows still usable.
 *
 * <ul>
 *   <li>{@code refund_without_purchase}: a refund with no usable purchase by the same customer at
 *       or before its time — there is nothing it can refund.
 *   <li>{@code cancellation_without_transactions}: a cancellation with no usable purchase by the
 *       same customer at or before its time — nobody Tenure counts as a customer then cancelled.
 *       Judged at the cancellation's time, so that a later purchase (after a run's as-of date)
 *       never changes what a run as of that date keeps.
 * </ul>
 *
 * Both join one narrow per-customer aggregate, the first usable purchase, to the rows they concern
 * (refunds, cancellations), so that the transactions themselves are never shuffled.
 */
public final class CrossTableRules {
  public static final String REFUND_WITHOUT_PURCHASE = "refund_without_purchase";
  public static final String CANCELLATION_WITHOUT_TRANSACTIONS =
      "cancellation_without_transactions";

  private static final String CUSTOMER = "_rule_customer";
  private static final String OTHER_CUSTOMER = "_other_customer";
  static final String FIRST_PURCHASE = "_first_purchase";
  static final Column IS_REFUND = coalesce(col("kind").equalTo("refund"), lit(false));

  private CrossTableRules() {}

  /** The inputs with the cross-table rules applied; every reader recomputes them. */
  public static Map<TableKind, ValidatedInput> apply(Map<TableKind, ValidatedInput> inputs) {
    return apply(inputs, Optional.empty()).tables();
  }

  /**
   * The inputs with the cross-table rules applied. With a work area, each table is {@linkplain
   * ValidatedInput#compacted(Column) compacted} and written there once, so that the rules, the
   * counts and every metric read the rows without recomputing them: the transactions after their
   * own rules (the cross-table rules read them), their first purchases, the refunds after their
   * rule, then every other table. The first purchases are returned too: the customers base reads
   * them instead of aggregating every purchase again.
   */
  public static JudgedInputs apply(Map<TableKind, ValidatedInput> inputs, Optional<WorkArea> work) {
    if (!inputs.containsKey(TableKind.TRANSACTIONS)) {
      // Without transactions no rule here can be judged; the families that need them are skipped.
      Map<TableKind, ValidatedInput> out = new EnumMap<>(TableKind.class);
      inputs.forEach((kind, input) -> out.put(kind, keep(kind.key(), input, lit(false), work)));
      return new JudgedInputs(out, Optional.empty());
    }
    ValidatedInput own =
        keep(TableKind.TRANSACTIONS.key(), inputs.get(TableKind.TRANSACTIONS), IS_REFUND, work);
    Dataset<Row> firstPurchases =
        work.map(w -> w.keep("first_purchases", firstPurchases(own)))
            .orElseGet(() -> firstPurchases(own));
    ValidatedInput tx = refundsNeedAPurchase(own, firstPurchases, work);
    Map<TableKind, ValidatedInput> out = new EnumMap<>(TableKind.class);
    inputs.forEach(
        (kind, input) ->
            out.put(
                kind,
                switch (kind) {
                  case TRANSACTIONS -> tx;
                  case CANCELLATIONS ->
                      keep(
                          kind.key(),
                          cancellationsNeedTransactions(input, firstPurchases),
                          lit(false),
                          work);
                  default -> keep(kind.key(), input, lit(false), work);
                }));
    return new JudgedInputs(out, Optional.of(firstPurchases));
  }

  /** The input compacted and kept in the work area, if there is one. */
  private static ValidatedInput keep(
      String name, ValidatedInput input, Column mayFailLater, Optional<WorkArea> work) {
    return work.map(w -> input.compacted(mayFailLater).kept(name, w)).orElse(input);
  }

  /** Each customer's first usable purchase (customer, time). */
  private static Dataset<Row> firstPurchases(ValidatedInput tx) {
    return firstPurchases(tx.flagged());
  }

  /** Each customer's first usable purchase among flagged transactions (customer, time). */
  static Dataset<Row> firstPurchases(Dataset<Row> transactions) {
    return transactions
        .where(col(ValidatedInput.REASON).isNull().and(col("kind").equalTo("purchase")))
        .groupBy(col("customer_id").as(CUSTOMER))
        .agg(min(col("occurred_at")).as(FIRST_PURCHASE));
  }

  /**
   * The first purchases of {@code earlier} that {@code kept} accepts, with those of {@code recent}
   * for the customers it has none for: each customer's earliest when every recent purchase is later
   * than every kept one. Only the few recent customers are sent to every task; the earlier first
   * purchases (one per customer) are never shuffled.
   */
  static Dataset<Row> earliestOf(Dataset<Row> earlier, Dataset<Row> recent, Column kept) {
    Dataset<Row> stays = earlier.where(kept);
    Dataset<Row> known = firstPurchasesOf(stays, recent, CUSTOMER);
    Dataset<Row> knownIds = known.select(col(CUSTOMER).as(OTHER_CUSTOMER));
    return stays.unionByName(
        recent.join(
            broadcast(knownIds), col(CUSTOMER).equalTo(knownIds.col(OTHER_CUSTOMER)), "left_anti"));
  }

  /**
   * The first purchases of the customers of {@code rows} (their column {@code customer}), for
   * judging a few rows without shuffling every customer's first purchase.
   */
  static Dataset<Row> firstPurchasesOf(
      Dataset<Row> firstPurchases, Dataset<Row> rows, String customer) {
    Dataset<Row> ids = rows.select(col(customer).as(OTHER_CUSTOMER)).distinct();
    return firstPurchases.join(
        broadcast(ids), firstPurchases.col(CUSTOMER).equalTo(ids.col(OTHER_CUSTOMER)), "left_semi");
  }

  /**
   * The customers of {@code firstPurchases} (as {@link #firstPurchases(Dataset)} computes them,
   * over every date) whose first purchase is on or before {@code asOf} in {@code zone}, in {@link
   * ActivityBase#firstPurchases}' layout. Purchases are judged by their own rules and the repeated
   * ids only, so these are the first purchases of the clean transactions up to {@code asOf}: a
   * customer whose first purchase is later has none by then.
   */
  public static Dataset<Row> firstPurchasesUpTo(
      Dataset<Row> firstPurchases, LocalDate asOf, ZoneId zone) {
    return firstPurchases
        .where(Periods.localDate(col(FIRST_PURCHASE), zone).leq(Periods.date(asOf)))
        .select(
            col(CUSTOMER).as(ActivityBase.CUSTOMER_ID),
            col(FIRST_PURCHASE).as(ActivityBase.FIRST_PURCHASE_AT));
  }

  /** The refunds among flagged transactions. */
  static Dataset<Row> refunds(Dataset<Row> transactions) {
    return transactions.where(IS_REFUND);
  }

  /** Flags the refunds before their customer's first usable purchase. */
  static Dataset<Row> judgeRefunds(Dataset<Row> refunds, Dataset<Row> firstPurchases) {
    Column orphan = col(FIRST_PURCHASE).isNull().or(col("occurred_at").lt(col(FIRST_PURCHASE)));
    return refunds
        .join(firstPurchases, refunds.col("customer_id").equalTo(col(CUSTOMER)), "left")
        .withColumn(
            ValidatedInput.REASON, ValidatedInput.reasonAfter(orphan, REFUND_WITHOUT_PURCHASE))
        .drop(CUSTOMER, FIRST_PURCHASE);
  }

  /** Flags the cancellations before their customer's first usable purchase. */
  static Dataset<Row> judgeCancellations(Dataset<Row> c, Dataset<Row> firstPurchases) {
    return c.join(firstPurchases, c.col("customer_id").equalTo(col(CUSTOMER)), "left")
        .withColumn(
            ValidatedInput.REASON,
            ValidatedInput.reasonAfter(
                col(FIRST_PURCHASE).isNull().or(col("cancelled_at").lt(col(FIRST_PURCHASE))),
                CANCELLATION_WITHOUT_TRANSACTIONS))
        .drop(CUSTOMER, FIRST_PURCHASE);
  }

  /**
   * Flags refunds before the customer's first usable purchase. Only the refunds are joined to the
   * per-customer first purchase; the other rows pass through untouched.
   */
  static ValidatedInput refundsNeedAPurchase(
      ValidatedInput tx, Dataset<Row> firstPurchases, Optional<WorkArea> work) {
    Dataset<Row> rows = tx.flagged();
    Dataset<Row> checked = judgeRefunds(refunds(rows), firstPurchases);
    ValidatedInput refundsChecked =
        keep(TableKind.TRANSACTIONS.key() + "_refunds", tx.withRows(checked), lit(false), work);
    return tx.withRows(rows.where(not(IS_REFUND)).unionByName(refundsChecked.flagged()));
  }

  /**
   * Flags cancellations before the customer's first usable purchase (a usable refund needs an
   * earlier usable purchase, so no usable transaction precedes them).
   */
  static ValidatedInput cancellationsNeedTransactions(
      ValidatedInput cancellations, Dataset<Row> firstPurchases) {
    return cancellations.withRows(judgeCancellations(cancellations.flagged(), firstPurchases));
  }
}
