package io.tenure.metrics;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.date_add;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lead;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.tenure.config.Grain;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

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
   * @param customerDays the activity base's daily table
   */
  static Dataset<Row> baseFigures(Dataset<Row> spells, Dataset<Row> customerDays, Grain grain) {
    // Everything below is per customer: the daily base is shuffled once by customer, and the
    // per-period sums, the spell lookup and the pairing of P with P − 1 reuse that partitioning
    // (only the spells move to meet it, and the final per-period sums).
    Column q = col("q");
    Dataset<Row> byPeriod =
        customerDays
            .repartition(col(CUSTOMER_ID))
            .groupBy(
                col(CUSTOMER_ID), Periods.start(col(ActivityBase.ACTIVITY_DATE), grain).as("q"))
            .agg(sum(ActivityBase.NET_REVENUE_UNITS).as("units"));
    // A customer's revenue in period Q is "now" for P = Q and "before" for P = Q + 1, each time
    // for the spell open at the start of P (customers_at_start's definition): only a base customer
    // with revenue in P or P − 1 adds to any figure.
    Column nextQ = Periods.next(q, grain);
    Dataset<Row> roles =
        byPeriod
            .join(spells.select(CUSTOMER_ID, START_DATE, CHURN_DATE), Outputs.using(CUSTOMER_ID))
            .select(
                col(CUSTOMER_ID),
                explode(
                        array(
                            role(q, col("units"), lit(null).cast("long"), grain),
                            role(nextQ, lit(null).cast("long"), col("units"), grain)))
                    .as("r"))
            .where(col("r").isNotNull())
            .select(col(CUSTOMER_ID), col("r.*"));
    Dataset<Row> paired =
        roles
            .groupBy(col(CUSTOMER_ID), col(PERIOD_START))
            .agg(
                sum("now").as("now"),
                sum("before").as("before"),
                max(col("churned")).as("churned"));
    Column now = coalesce(col("now"), lit(0L));
    Column before = coalesce(col("before"), lit(0L));
    return paired
        .groupBy(col(PERIOD_START))
        .agg(
            Outputs.money(sum(before)).as(BASE_REVENUE),
            Outputs.money(sum(when(col("churned"), before).otherwise(lit(0L))))
                .as(BASE_REVENUE_CHURNED),
            Outputs.money(sum(least(now, before))).as(BASE_REVENUE_RETAINED_GROSS),
            Outputs.money(sum(now)).as(BASE_REVENUE_RETAINED_NET));
  }

  /**
   * The revenue row's role for period {@code p} when the joined spell is open at the start of
   * {@code p}, else null.
   */
  private static Column role(Column p, Column now, Column before, Grain grain) {
    Column open = col(START_DATE).lt(p).and(col(CHURN_DATE).isNull().or(col(CHURN_DATE).geq(p)));
    Column churned = coalesce(col(CHURN_DATE).lt(Periods.next(p, grain)), lit(false));
    return when(
        open,
        struct(p.as(PERIOD_START), now.as("now"), before.as("before"), churned.as("churned")));
  }

  /**
   * Revenue lost with each ended spell, summed by churn period. A day belongs to the latest spell
   * that started on or before it, so an earlier spell's revenue is never counted again when a
   * reactivated customer churns a second time, and a purchase on the churn day that starts a new
   * spell is not lost.
   */
  static Dataset<Row> churnedRevenue(
      Dataset<Row> spells, Dataset<Row> customerDays, int lookbackDays, Grain grain) {
    Column nextStart =
        lead(col(START_DATE), 1)
            .over(Window.partitionBy(col(CUSTOMER_ID)).orderBy(col(START_DATE)));
    Dataset<Row> churned =
        spells
            .select(col(CUSTOMER_ID), col(START_DATE), col(CHURN_DATE), nextStart.as("next_start"))
            .where(col(CHURN_DATE).isNotNull());
    Column day = col(ActivityBase.ACTIVITY_DATE);
    Column inWindow =
        day.gt(date_add(col(CHURN_DATE), -lookbackDays))
            .and(day.leq(col(CHURN_DATE)))
            .and(day.geq(col(START_DATE)))
            .and(col("next_start").isNull().or(day.lt(col("next_start"))));
    return churned
        .join(customerDays, Outputs.using(CUSTOMER_ID))
        .where(inWindow)
        .groupBy(Periods.start(col(CHURN_DATE), grain).as(PERIOD_START))
        .agg(Outputs.money(sum(ActivityBase.NET_REVENUE_UNITS)).as(CHURNED_REVENUE));
  }
}
