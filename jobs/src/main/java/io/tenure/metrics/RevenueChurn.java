package io.tenure.metrics;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.date_add;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.lag;
import static org.apache.spark.sql.functions.lead;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.tenure.config.Grain;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;

/**
 * Revenue churn per period, the money side of {@link ChurnRates} (docs/metrics.md, "Revenue
 * churn").
 *
 * <p><b>Lost revenue</b> ({@code churned_revenue}): for each spell that ends in the period, the
 * customer's net revenue on that spell's own days within {@code churn.revenue-lookback-days} up to
 * and including the churn date.
 *
 * <p><b>Revenue base and retention</b>, the SaaS definitions applied to purchases with one period
 * (the reporting grain) as the revenue unit. The base of period P is the customers active at its
 * start (customers_at_start); base_revenue is their net revenue in period P − 1. Then
 *
 * <ul>
 *   <li>revenue_churn_rate = base revenue of the base customers who churned in P / base_revenue;
 *   <li>gross_revenue_retention = Σ over base customers of min(revenue in P, revenue in P − 1) /
 *       base_revenue (no customer counts above what they spent before: at most 1);
 *   <li>net_revenue_retention = Σ over base customers of revenue in P / base_revenue (expansion
 *       included: above 1 when the base spends more).
 * </ul>
 *
 * Rates are null when base_revenue is not positive.
 */
final class RevenueChurn {
  static final String CHURNED_REVENUE = "churned_revenue";
  static final String BASE_REVENUE = "base_revenue";
  static final String BASE_REVENUE_CHURNED = "base_revenue_churned";
  static final String BASE_REVENUE_RETAINED_GROSS = "base_revenue_retained_gross";
  static final String BASE_REVENUE_RETAINED_NET = "base_revenue_retained_net";
  static final String REVENUE_CHURN_RATE = "revenue_churn_rate";
  static final String GROSS_REVENUE_RETENTION = "gross_revenue_retention";
  static final String NET_REVENUE_RETENTION = "net_revenue_retention";

  /** The money columns this class adds to a period row, in output order. */
  static final String[] MONEY_COLUMNS = {
    BASE_REVENUE, BASE_REVENUE_CHURNED, BASE_REVENUE_RETAINED_GROSS, BASE_REVENUE_RETAINED_NET
  };

  private static final String CUSTOMER_ID = ChurnRates.CUSTOMER_ID;
  private static final String PERIOD_START = ChurnRates.PERIOD_START;
  private static final String START_DATE = ChurnRates.START_DATE;
  private static final String CHURN_DATE = ChurnRates.CHURN_DATE;

  private RevenueChurn() {}

  /** The output columns after the per-period figures are joined in. */
  static Column[] columns() {
    return new Column[] {
      col(BASE_REVENUE),
      col(BASE_REVENUE_CHURNED),
      col(BASE_REVENUE_RETAINED_GROSS),
      col(BASE_REVENUE_RETAINED_NET),
      Outputs.ratio(col(BASE_REVENUE_CHURNED), col(BASE_REVENUE)).as(REVENUE_CHURN_RATE),
      Outputs.ratio(col(BASE_REVENUE_RETAINED_GROSS), col(BASE_REVENUE))
          .as(GROSS_REVENUE_RETENTION),
      Outputs.ratio(col(BASE_REVENUE_RETAINED_NET), col(BASE_REVENUE)).as(NET_REVENUE_RETENTION)
    };
  }

  /**
   * Base revenue figures per period (periods without base revenue have no row; the caller's grid
   * fills them with zeros).
   *
   * @param spells lifecycle spells (customer_id, start_date, churn_date)
   * @param customerPeriods the activity base's customer-periods, of {@code grain}
   */
  static Dataset<Row> baseFigures(Dataset<Row> spells, Dataset<Row> customerPeriods, Grain grain) {
    // Everything below is per customer: the periods are shuffled once by customer; the pairing of
    // P with P − 1 is a window over that partitioning, and only the spells move to meet it.
    Column q = col("q");
    Column units = col("units");
    WindowSpec byCustomer = Window.partitionBy(col(CUSTOMER_ID)).orderBy(q);
    Column previousIsAdjacent = Periods.next(lag(q, 1).over(byCustomer), grain).equalTo(q);
    Column nextIsAdjacent =
        coalesce(lead(q, 1).over(byCustomer).equalTo(Periods.next(q, grain)), lit(false));
    // One row per customer and period P with revenue in P or P − 1: "now" is the revenue in P,
    // "before" the revenue in P − 1.
    Dataset<Row> pairs =
        customerPeriods
            .select(
                col(CUSTOMER_ID),
                col(ActivityBase.PERIOD_START).as("q"),
                col(ActivityBase.NET_REVENUE_UNITS).as("units"))
            .select(
                col(CUSTOMER_ID),
                q,
                units,
                when(coalesce(previousIsAdjacent, lit(false)), lag(units, 1).over(byCustomer))
                    .otherwise(lit(0L))
                    .as("previous_units"),
                nextIsAdjacent.as("next_is_adjacent"))
            .select(
                col(CUSTOMER_ID),
                explode(
                        array(
                            pair(q, units, col("previous_units")),
                            when(
                                col("next_is_adjacent").unary_$bang(),
                                pair(Periods.next(q, grain), lit(0L), units))))
                    .as("p"))
            .where(col("p").isNotNull())
            .select(col(CUSTOMER_ID), col("p.*"));
    // The base of P: the customer's spell open at its start (customers_at_start's definition); a
    // customer's other spells never meet the pair. A shuffle join, never a broadcast: the spells'
    // Parquet is a few MB for millions of spells, so Spark's size estimate would collect them all
    // into a hash table on the driver, 5-25 % slower at scale M than shuffling them
    // (docs/benchmarks.md).
    Dataset<Row> spellDates =
        spells
            .select(col(CUSTOMER_ID).as("spell_customer"), col(START_DATE), col(CHURN_DATE))
            .hint("shuffle_merge");
    Column p = col(PERIOD_START);
    Column openAtStart =
        col(CUSTOMER_ID)
            .equalTo(col("spell_customer"))
            .and(col(START_DATE).lt(p))
            .and(col(CHURN_DATE).isNull().or(col(CHURN_DATE).geq(p)));
    Column churned = coalesce(col(CHURN_DATE).lt(Periods.next(p, grain)), lit(false));
    Column now = col("now");
    Column before = col("before");
    return pairs
        .join(spellDates, openAtStart)
        .groupBy(p)
        .agg(
            Outputs.money(sum(before)).as(BASE_REVENUE),
            Outputs.money(sum(when(churned, before).otherwise(lit(0L)))).as(BASE_REVENUE_CHURNED),
            Outputs.money(sum(least(now, before))).as(BASE_REVENUE_RETAINED_GROSS),
            Outputs.money(sum(now)).as(BASE_REVENUE_RETAINED_NET));
  }

  private static Column pair(Column period, Column now, Column before) {
    return struct(period.as(PERIOD_START), now.as("now"), before.as("before"));
  }

  /**
   * Revenue lost with each ended spell, summed by churn period. A day belongs to the latest spell
   * that started on or before it, so an earlier spell's revenue is never counted again when a
   * reactivated customer churns a second time, and a purchase on the churn day that starts a new
   * spell is not lost. Read from the transactions: only the days of a look-back before each churn
   * count, and a daily table would hardly be smaller than the transactions.
   *
   * @param transactions clean transactions (customer_id, occurred_at, kind, amount)
   */
  static Dataset<Row> churnedRevenue(
      Dataset<Row> spells,
      Dataset<Row> transactions,
      int lookbackDays,
      Grain grain,
      java.time.ZoneId zone) {
    Column nextStart =
        lead(col(START_DATE), 1)
            .over(Window.partitionBy(col(CUSTOMER_ID)).orderBy(col(START_DATE)));
    Dataset<Row> churned =
        spells
            .select(col(CUSTOMER_ID), col(START_DATE), col(CHURN_DATE), nextStart.as("next_start"))
            .where(col(CHURN_DATE).isNotNull());
    // The look-back as instants, computed once per spell: comparing every transaction's time
    // with them costs less than converting each to its local day.
    Dataset<Row> windows =
        churned.select(
            col(CUSTOMER_ID),
            col(CHURN_DATE),
            Periods.startOfDay(
                    greatest(date_add(col(CHURN_DATE), 1 - lookbackDays), col(START_DATE)), zone)
                .as("from"),
            Periods.startOfDay(date_add(col(CHURN_DATE), 1), zone).as("until"),
            Periods.startOfDay(col("next_start"), zone).as("next_from"));
    Column units = Outputs.units(col("amount"));
    Dataset<Row> net =
        transactions.select(
            col(CUSTOMER_ID),
            col("occurred_at"),
            when(col("kind").equalTo("purchase"), units).otherwise(units.unary_$minus()).as("net"));
    Column at = col("occurred_at");
    Column inWindow =
        at.geq(col("from"))
            .and(at.lt(col("until")))
            .and(col("next_from").isNull().or(at.lt(col("next_from"))));
    return windows
        .join(net, Outputs.using(CUSTOMER_ID))
        .where(inWindow)
        .groupBy(Periods.start(col(CHURN_DATE), grain).as(PERIOD_START))
        .agg(Outputs.money(sum("net")).as(CHURNED_REVENUE));
  }
}
