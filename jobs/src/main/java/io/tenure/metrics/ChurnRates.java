package io.tenure.metrics;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.date_add;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.lag;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.sequence;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.tenure.config.ChurnDenominator;
import io.tenure.config.Grain;
import io.tenure.config.TenureSettings.ChurnSettings;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;

/**
 * Churn per period, from customer lifecycles.
 *
 * <p>A customer becomes active at their first purchase ("new"). An active customer churns on the
 * day of an explicit cancellation, or on day d + N when their last purchase was on day d and they
 * made no purchase on days d+1 … d+N (N = {@code churn.inactivity-days}); whichever comes first. A
 * purchase after churn makes the customer active again ("reactivated"). An inactivity churn is only
 * recognised once d + N is on or before the as-of date. A cancellation by a customer who is not
 * active changes nothing (it is still counted in {@code cancellations}).
 *
 * <p>Per period: customers_at_start + new + reactivated − churned = customers_at_end. Counts are
 * lifecycle events, so a customer who churns twice in one period counts twice. churn_rate divides
 * by the configured denominator (default: churned customers who were active at the start /
 * customers at start); retention_rate = 1 − churned_from_start / customers_at_start whatever the
 * denominator.
 */
public final class ChurnRates {
  public static final String TABLE = "churn_rates";
  public static final String REASONS_TABLE = "churn_reasons";

  public static final String PERIOD_START = "period_start";
  public static final String PERIOD_END = "period_end";
  public static final String IS_COMPLETE = "is_complete";
  public static final String CUSTOMERS_AT_START = "customers_at_start";
  public static final String NEW = "new_customers";
  public static final String REACTIVATED = "reactivated_customers";
  public static final String CHURNED = "churned_customers";
  public static final String CUSTOMERS_AT_END = "customers_at_end";
  public static final String CHURNED_FROM_START = "churned_from_start";
  public static final String CHURNED_BY_CANCELLATION = "churned_by_cancellation";
  public static final String CHURNED_BY_INACTIVITY = "churned_by_inactivity";
  public static final String CHURN_RATE = "churn_rate";
  public static final String CHURN_DENOMINATOR = "churn_denominator";
  public static final String RETENTION_RATE = "retention_rate";
  public static final String CANCELLATIONS = "cancellations";
  public static final String REFUNDS = "refunds";
  public static final String REFUND_AMOUNT = "refund_amount";
  public static final String NET_REVENUE = "net_revenue";
  public static final String CHURNED_REVENUE = RevenueChurn.CHURNED_REVENUE;
  public static final String CHURN_TYPE = "churn_type";
  public static final String REASON = "reason";
  public static final String SHARE_OF_CHURNED = "share_of_churned";

  /** churn_type of an inactivity churn; cancellations carry their kind. */
  public static final String INACTIVITY = "inactivity";

  static final String CUSTOMER_ID = ActivityBase.CUSTOMER_ID;
  static final String SPELL = "spell";
  static final String START_DATE = "start_date";
  static final String CHURN_DATE = "churn_date";

  private ChurnRates() {}

  /** The period table and the breakdown by churn type and reason. */
  public record Result(Dataset<Row> periods, Dataset<Row> reasons) {}

  /**
   * Both tables as an earlier run computed them, and the first day from which the rows it read can
   * differ ({@link EarlierPeriods}): the periods before the one holding that day are taken from
   * them. Such a period's figures count spells that started, ended or were open at its bounds, all
   * decided by rows dated before its end: a later row can extend a spell or end it later, never
   * before the period's end.
   */
  public record Earlier(Result tables, LocalDate changedFrom) {}

  /**
   * @param spells the lifecycle spells ({@link #spells}), computed and kept beforehand: every table
   *     here reads them several times, and so do the retention drivers
   * @param cancellations clean cancellations (customer_id, cancelled_at, kind, reason), if any
   * @param base the activity base: its customer-periods, of {@code grain}
   * @param transactions clean transactions, for the revenue lost with each churn (days within a
   *     look-back)
   */
  public static Result compute(
      Dataset<Row> spells,
      Optional<Dataset<Row>> cancellations,
      ActivityBase base,
      Dataset<Row> transactions,
      ChurnSettings settings,
      Grain grain,
      ZoneId zone,
      LocalDate asOf,
      Optional<Earlier> earlier) {
    base.requireGrain(grain);
    Column startPeriod = Periods.start(col(START_DATE), grain);
    Column churnPeriod = Periods.start(col(CHURN_DATE), grain);
    // From the first recomputed period P0 on: a period's figures read the spells open at its start
    // or later (churned on or after P0, or not at all), its own and the previous period's money.
    Optional<LocalDate> p0 = earlier.map(e -> grain.start(e.changedFrom()));
    Dataset<Row> allSpells = spells;
    Dataset<Row> customerPeriods = base.customerPeriods();
    Dataset<Row> baseFigureMoney = customerPeriods;
    if (p0.isPresent()) {
      Column from = Periods.date(p0.get());
      spells = spells.where(col(CHURN_DATE).isNull().or(col(CHURN_DATE).geq(from)));
      customerPeriods = customerPeriods.where(col(ActivityBase.PERIOD_START).geq(from));
      LocalDate previous = grain.start(p0.get().minusDays(1));
      baseFigureMoney =
          base.customerPeriods().where(col(ActivityBase.PERIOD_START).geq(Periods.date(previous)));
      LocalDate lookback = p0.get().minusDays(settings.revenueLookbackDays() - 1L);
      transactions =
          transactions.where(
              col("occurred_at").geq(Periods.startOfDay(Periods.date(lookback), zone)));
    }
    Dataset<Row> starts =
        spells
            .where(p0.map(d -> col(START_DATE).geq(Periods.date(d))).orElse(lit(true)))
            .groupBy(startPeriod.as(PERIOD_START))
            .agg(
                count(when(col(SPELL).equalTo(1), 1)).as(NEW),
                count(when(col(SPELL).gt(1), 1)).as(REACTIVATED));
    Dataset<Row> churns =
        spells
            .where(col(CHURN_DATE).isNotNull())
            .groupBy(churnPeriod.as(PERIOD_START))
            .agg(
                count(lit(1)).as(CHURNED),
                count(when(startPeriod.lt(churnPeriod), 1)).as(CHURNED_FROM_START),
                count(when(col(CHURN_TYPE).notEqual(INACTIVITY), 1)).as(CHURNED_BY_CANCELLATION),
                count(when(col(CHURN_TYPE).equalTo(INACTIVITY), 1)).as(CHURNED_BY_INACTIVITY));
    // State at each period end, counted from spells rather than accumulated from the event
    // counts above, so that the balance check compares two different computations.
    Column asOfDate = Periods.date(asOf);
    Column first = p0.map(d -> greatest(col("first"), Periods.date(d))).orElse(col("first"));
    Dataset<Row> grid =
        allSpells
            .agg(min(startPeriod).as("first"))
            .select(
                explode(
                        sequence(
                            first,
                            Periods.start(asOfDate, grain),
                            expr("INTERVAL " + grain.sqlInterval())))
                    .as(PERIOD_START));
    Dataset<Row> openAtEnd =
        spells
            .crossJoin(org.apache.spark.sql.functions.broadcast(grid))
            .where(
                col(START_DATE)
                    .lt(Periods.next(col(PERIOD_START), grain))
                    .and(
                        col(CHURN_DATE)
                            .isNull()
                            .or(col(CHURN_DATE).geq(Periods.next(col(PERIOD_START), grain)))))
            .groupBy(PERIOD_START)
            .agg(count(lit(1)).as(CUSTOMERS_AT_END));

    Dataset<Row> money =
        customerPeriods
            .groupBy(col(ActivityBase.PERIOD_START).as(PERIOD_START))
            .agg(
                sum(ActivityBase.REFUNDS).as(REFUNDS),
                Outputs.money(sum(ActivityBase.REFUND_UNITS)).as(REFUND_AMOUNT),
                Outputs.money(sum(ActivityBase.NET_REVENUE_UNITS)).as(NET_REVENUE));
    Dataset<Row> lost =
        RevenueChurn.churnedRevenue(
            spells, transactions, settings.revenueLookbackDays(), grain, zone);
    Dataset<Row> baseFigures = RevenueChurn.baseFigures(spells, baseFigureMoney, grain);
    Dataset<Row> cancelCounts =
        cancellations
            .map(
                c ->
                    c.groupBy(
                            Periods.start(Periods.localDate(col("cancelled_at"), zone), grain)
                                .as(PERIOD_START))
                        .agg(count(lit(1)).as(CANCELLATIONS)))
            .orElse(null);

    Dataset<Row> joined =
        grid.join(starts, Outputs.using(PERIOD_START), "left")
            .join(churns, Outputs.using(PERIOD_START), "left")
            .join(openAtEnd, Outputs.using(PERIOD_START), "left")
            .join(money, Outputs.using(PERIOD_START), "left")
            .join(lost, Outputs.using(PERIOD_START), "left")
            .join(baseFigures, Outputs.using(PERIOD_START), "left");
    joined =
        cancelCounts == null
            ? joined.withColumn(CANCELLATIONS, lit(0L))
            : joined.join(cancelCounts, Outputs.using(PERIOD_START), "left");
    for (String c :
        new String[] {
          NEW,
          REACTIVATED,
          CHURNED,
          CHURNED_FROM_START,
          CHURNED_BY_CANCELLATION,
          CHURNED_BY_INACTIVITY,
          CUSTOMERS_AT_END,
          CANCELLATIONS,
          REFUNDS
        }) {
      joined = joined.withColumn(c, coalesce(col(c), lit(0L)));
    }
    Column zeroMoney = lit(0).cast(Outputs.MONEY);
    java.util.List<String> amounts = new java.util.ArrayList<>();
    amounts.addAll(java.util.List.of(REFUND_AMOUNT, NET_REVENUE, CHURNED_REVENUE));
    amounts.addAll(java.util.List.of(RevenueChurn.MONEY_COLUMNS));
    for (String c : amounts) {
      joined = joined.withColumn(c, coalesce(col(c), zeroMoney));
    }
    if (earlier.isPresent()) {
      Column before = col(PERIOD_START).lt(Periods.date(p0.get()));
      joined =
          earlier
              .get()
              .tables()
              .periods()
              .where(before)
              .select(Outputs.columns(joined.columns()))
              .unionByName(joined);
    }

    // The grid is one row per period (hundreds at most), so an unpartitioned window is cheap.
    WindowSpec ordered = Window.orderBy(PERIOD_START);
    Column atStart = coalesce(lag(col(CUSTOMERS_AT_END), 1).over(ordered), lit(0L));
    java.util.List<Column> columns =
        new java.util.ArrayList<>(
            java.util.List.of(
                col(PERIOD_START),
                date_add(Periods.next(col(PERIOD_START), grain), -1).as(PERIOD_END),
                Periods.isComplete(col(PERIOD_START), asOfDate, grain).as(IS_COMPLETE),
                col(CUSTOMERS_AT_START),
                col(NEW),
                col(REACTIVATED),
                col(CHURNED),
                col(CUSTOMERS_AT_END),
                col(CHURNED_FROM_START),
                col(CHURNED_BY_CANCELLATION),
                col(CHURNED_BY_INACTIVITY),
                churnRate(settings.denominator()).as(CHURN_RATE),
                lit(settings.denominator().key()).as(CHURN_DENOMINATOR),
                Outputs.ratio(
                        col(CUSTOMERS_AT_START).minus(col(CHURNED_FROM_START)),
                        col(CUSTOMERS_AT_START))
                    .as(RETENTION_RATE),
                col(CANCELLATIONS),
                col(REFUNDS),
                col(REFUND_AMOUNT),
                col(NET_REVENUE),
                col(CHURNED_REVENUE)));
    columns.addAll(java.util.List.of(RevenueChurn.columns()));
    Dataset<Row> periods =
        joined.withColumn(CUSTOMERS_AT_START, atStart).select(columns.toArray(Column[]::new));

    Dataset<Row> reasons =
        ChurnReasons.of(spells, grain, earlier.map(e -> e.tables().reasons()), p0);
    return new Result(periods, reasons);
  }

  private static Column churnRate(ChurnDenominator denominator) {
    return switch (denominator) {
      case START -> Outputs.ratio(col(CHURNED_FROM_START), col(CUSTOMERS_AT_START));
      case AVERAGE ->
          Outputs.ratio(
              col(CHURNED), col(CUSTOMERS_AT_START).plus(col(CUSTOMERS_AT_END)).divide(2.0));
      case EXPOSED ->
          Outputs.ratio(
              col(CHURNED), col(CUSTOMERS_AT_START).plus(col(NEW)).plus(col(REACTIVATED)));
    };
  }
}
