package io.tenure.metrics;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.tenure.config.Grain;
import java.time.ZoneId;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The shared base that metrics read instead of re-joining raw inputs: one row per customer and
 * reporting period with their purchases and refunds, and one row per customer with their first
 * purchase and optional attributes. The features that look at days read each transaction with its
 * local day ({@link #transactionActivity}).
 *
 * <p>The tables that count periods (cohorts, the churn periods' money, active customers) read the
 * periods: where purchases fall on distinct days (most real data) a daily row is hardly fewer than
 * the transactions, a period row is one per customer and period (docs/benchmarks.md).
 *
 * @param customerPeriods customer_id, period_start (of {@code grain}), purchases, purchase_units,
 *     refunds, refund_units, net_revenue_units (purchase_units − refund_units); money in {@link
 *     Outputs#units units}
 * @param grain the period of {@code customerPeriods}
 * @param customers customer_id, first_purchase_date (null for a customer who never purchased),
 *     signup_date, segment, country; one row per customer
 * @param firstChannels customer_id, first_channel (the channel of the first purchase), for the
 *     customers who purchased; apart because it costs a sort of every purchase
 */
public record ActivityBase(
    Dataset<Row> customerPeriods, Grain grain, Dataset<Row> customers, Dataset<Row> firstChannels) {

  public static final String CUSTOMER_ID = "customer_id";
  public static final String ACTIVITY_DATE = "activity_date";
  public static final String PERIOD_START = "period_start";
  public static final String PURCHASES = "purchases";
  public static final String PURCHASE_UNITS = "purchase_units";
  public static final String REFUNDS = "refunds";
  public static final String REFUND_UNITS = "refund_units";
  public static final String NET_REVENUE_UNITS = "net_revenue_units";
  public static final String FIRST_PURCHASE_DATE = "first_purchase_date";
  public static final String FIRST_CHANNEL = "first_channel";
  public static final String SIGNUP_DATE = "signup_date";
  public static final String SEGMENT = "segment";
  public static final String COUNTRY = "country";

  /** The first purchase time of each customer in {@code firstPurchases}' layout. */
  public static final String FIRST_PURCHASE_AT = "first_purchase_at";

  /**
   * Builds the base from clean transactions (canonical columns) and, when configured, clean
   * customers (unique customer ids, as validation leaves them).
   */
  public static ActivityBase build(
      Dataset<Row> transactions, Optional<Dataset<Row>> customerTable, ZoneId zone, Grain grain) {
    return build(transactions, customerTable, firstPurchases(transactions), zone, grain);
  }

  /**
   * As {@link #build(Dataset, Optional, ZoneId, Grain)}, with each customer's first purchase
   * already known (validation computes it for its rules; equal to {@link #firstPurchases} of the
   * clean transactions), so that the customers base needs no second aggregate over every purchase.
   *
   * @param firstPurchases customer_id, {@value #FIRST_PURCHASE_AT}: one row per customer who
   *     purchased
   */
  public static ActivityBase build(
      Dataset<Row> transactions,
      Optional<Dataset<Row>> customerTable,
      Dataset<Row> firstPurchases,
      ZoneId zone,
      Grain grain) {
    Dataset<Row> periods = periods(transactions, zone, grain);
    Column isPurchase = col("kind").equalTo("purchase");

    Dataset<Row> firsts =
        firstPurchases.select(
            col(CUSTOMER_ID),
            Periods.localDate(col(FIRST_PURCHASE_AT), zone).as(FIRST_PURCHASE_DATE));
    // The first purchase decides the first channel; ties on time break on transaction id.
    Dataset<Row> firstChannels =
        transactions
            .where(isPurchase)
            .groupBy(CUSTOMER_ID)
            .agg(min(struct(col("occurred_at"), col("transaction_id"), col("channel"))).as("first"))
            .select(col(CUSTOMER_ID), col("first.channel").as(FIRST_CHANNEL));

    Dataset<Row> customers;
    if (customerTable.isPresent()) {
      // Customer ids are unique here: validation quarantines repeated ones.
      Dataset<Row> attrs =
          customerTable
              .get()
              .select(
                  col(CUSTOMER_ID),
                  Periods.localDate(col("signup_at"), zone).as(SIGNUP_DATE),
                  col(SEGMENT),
                  col(COUNTRY));
      customers =
          firsts
              .join(attrs, firsts.col(CUSTOMER_ID).equalTo(attrs.col(CUSTOMER_ID)), "full")
              .select(
                  coalesce(firsts.col(CUSTOMER_ID), attrs.col(CUSTOMER_ID)).as(CUSTOMER_ID),
                  col(FIRST_PURCHASE_DATE),
                  col(SIGNUP_DATE),
                  col(SEGMENT),
                  col(COUNTRY));
    } else {
      customers =
          firsts
              .withColumn(SIGNUP_DATE, lit(null).cast("date"))
              .withColumn(SEGMENT, lit(null).cast("string"))
              .withColumn(COUNTRY, lit(null).cast("string"));
    }
    return new ActivityBase(periods, grain, customers, firstChannels);
  }

  /**
   * One row per transaction with its local day: customer_id, activity_date, and the columns of
   * {@link #customerPeriods} for that transaction alone (purchases and refunds 0 or 1). Features
   * that only sum these or take their extremes read it instead of a daily aggregate: where
   * purchases fall on distinct days that aggregate would shuffle and keep as many rows.
   */
  public static Dataset<Row> transactionActivity(Dataset<Row> transactions, ZoneId zone) {
    return perTransaction(
        transactions, Periods.localDate(col("occurred_at"), zone).as(ACTIVITY_DATE));
  }

  private static Dataset<Row> perTransaction(Dataset<Row> transactions, Column key) {
    Column isPurchase = col("kind").equalTo("purchase");
    Column units = Outputs.units(col("amount"));
    return transactions.select(
        col(CUSTOMER_ID),
        key,
        when(isPurchase, 1L).otherwise(0L).as(PURCHASES),
        when(isPurchase, units).otherwise(0L).as(PURCHASE_UNITS),
        when(isPurchase, 0L).otherwise(1L).as(REFUNDS),
        when(isPurchase, 0L).otherwise(units).as(REFUND_UNITS),
        when(isPurchase, units).otherwise(units.unary_$minus()).as(NET_REVENUE_UNITS));
  }

  /**
   * Purchases and refunds per customer and period of {@code grain}, in {@link #customerPeriods}'
   * layout: a period's row reads only the transactions dated in it.
   */
  public static Dataset<Row> periods(Dataset<Row> transactions, ZoneId zone, Grain grain) {
    // Where purchases fall at random times nearly every transaction is its own customer-day, and
    // an aggregate before the shuffle builds a map as large as its input and spills; shuffled by
    // customer first, each customer's days are aggregated once (2 x faster at scale M on such
    // data, no slower where days repeat; docs/benchmarks.md).
    Column periodStart =
        Periods.start(Periods.localDate(col("occurred_at"), zone), grain).as(PERIOD_START);
    return perTransaction(transactions.repartition(col(CUSTOMER_ID)), periodStart)
        .groupBy(CUSTOMER_ID, PERIOD_START)
        .agg(
            sum(PURCHASES).as(PURCHASES),
            sum(PURCHASE_UNITS).as(PURCHASE_UNITS),
            sum(REFUNDS).as(REFUNDS),
            sum(REFUND_UNITS).as(REFUND_UNITS),
            sum(NET_REVENUE_UNITS).as(NET_REVENUE_UNITS));
  }

  /** Fails unless the periods are of {@code wanted}: a table must not count another grain's. */
  public void requireGrain(Grain wanted) {
    if (grain != wanted) {
      throw new IllegalArgumentException(
          "customer periods are by " + grain + ", the table needs " + wanted);
    }
  }

  /**
   * Each customer's first purchase (customer_id, {@value #FIRST_PURCHASE_AT}): the time alone, an
   * aggregate of fixed-width values that Spark hashes (one that carries text sorts every purchase).
   */
  public static Dataset<Row> firstPurchases(Dataset<Row> transactions) {
    return transactions
        .where(col("kind").equalTo("purchase"))
        .groupBy(CUSTOMER_ID)
        .agg(min(col("occurred_at")).as(FIRST_PURCHASE_AT));
  }
}
