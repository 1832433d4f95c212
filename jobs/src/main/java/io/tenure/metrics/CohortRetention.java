package io.tenure.metrics;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.sequence;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.tenure.config.Breakdown;
import io.tenure.config.CohortAnchor;
import io.tenure.config.Grain;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;

/**
 * Cohort retention: of the customers acquired in a period (the cohort), the share that purchased
 * again k periods later.
 *
 * <ul>
 *   <li>cohort: the period of the customer's first purchase, or of {@code signup_at} with anchor
 *       {@code signup} (customers without a signup date fall back to their first purchase);
 *   <li>active_customers(c, k): cohort members with at least one purchase in period c + k; refunds
 *       alone do not make a customer active; activity before the cohort period is ignored;
 *   <li>retention_rate = active_customers / cohort_size; revenue = net revenue (purchases −
 *       refunds) of cohort members in the period; revenue_retention = revenue / revenue at k = 0,
 *       null when the period-0 revenue is not positive;
 *   <li>every cell from k = 0 to the as-of period is present (zeros included); is_complete is false
 *       for the period that contains the as-of date when that date is not its last day.
 * </ul>
 *
 * The summary pools complete cells over cohorts: retention_rate = Σ active / Σ cohort_size, which
 * weights each cohort by its size.
 */
public final class CohortRetention {
  public static final String TABLE = "cohort_retention";
  public static final String SUMMARY_TABLE = "cohort_retention_summary";

  public static final String BREAKDOWN = "breakdown";
  public static final String BREAKDOWN_VALUE = "breakdown_value";
  public static final String COHORT_START = "cohort_start";
  public static final String PERIOD_INDEX = "period_index";
  public static final String PERIOD_START = "period_start";
  public static final String COHORT_SIZE = "cohort_size";
  public static final String ACTIVE_CUSTOMERS = "active_customers";
  public static final String RETENTION_RATE = "retention_rate";
  public static final String REVENUE = "revenue";
  public static final String REVENUE_RETENTION = "revenue_retention";
  public static final String IS_COMPLETE = "is_complete";
  public static final String COHORTS = "cohorts";
  public static final String COHORT_CUSTOMERS = "cohort_customers";
  public static final String BASE_REVENUE = "base_revenue";

  /** Breakdown name and value of the rows over all customers. */
  public static final String TOTAL = "total";

  public static final String ALL = "all";
  public static final String UNKNOWN = "unknown";

  private static final String[] CELL_KEYS = {BREAKDOWN, BREAKDOWN_VALUE, COHORT_START};

  private CohortRetention() {}

  /** The cohort cells; {@link #summarize} pools the written ones. */
  public static Dataset<Row> compute(
      ActivityBase base, Grain grain, CohortAnchor anchor, Breakdown breakdown, LocalDate asOf) {
    return compute(base, grain, anchor, breakdown, asOf, Optional.empty());
  }

  /**
   * The cohort cells, those of periods before the one holding {@code earlier}'s first changed day
   * taken from that earlier run's table: a cell counts the purchases of its period by customers
   * whose first purchase (or signup) is no later, so an earlier period's cell cannot change when no
   * row dated before its end did. Completeness and the ratios are recomputed on every row.
   */
  public static Dataset<Row> compute(
      ActivityBase base,
      Grain grain,
      CohortAnchor anchor,
      Breakdown breakdown,
      LocalDate asOf,
      Optional<EarlierPeriods> earlier) {
    Optional<Column> from = earlier.map(e -> Periods.date(grain.start(e.changedFrom())));
    Column cohortDate =
        anchor == CohortAnchor.SIGNUP
            ? coalesce(col(ActivityBase.SIGNUP_DATE), col(ActivityBase.FIRST_PURCHASE_DATE))
            : col(ActivityBase.FIRST_PURCHASE_DATE);
    // One breakdown value per customer (a constant without a breakdown): the cohort is joined to
    // the activity once, and the "total" rows are sums of the per-value rows, which are tiny.
    Column value =
        breakdown == Breakdown.NONE ? lit(ALL) : coalesce(col(breakdown.column()), lit(UNKNOWN));
    Dataset<Row> customers =
        breakdown == Breakdown.FIRST_CHANNEL
            ? base.customers()
                .join(base.firstChannels(), Outputs.using(ActivityBase.CUSTOMER_ID), "left")
            : base.customers();
    Dataset<Row> members =
        customers
            .select(
                col(ActivityBase.CUSTOMER_ID),
                Periods.start(cohortDate, grain).as(COHORT_START),
                value.as(BREAKDOWN_VALUE))
            .where(col(COHORT_START).isNotNull());

    // One row per customer and period already: the join leaves a handful of cohort cells to
    // count. A shuffle join, said so: when the members fall under the broadcast threshold Spark
    // would broadcast them and then shuffle every period row for that count after a partial
    // aggregate (22 against 16 s at M uniform when this read the days; docs/benchmarks.md).
    base.requireGrain(grain);
    Dataset<Row> periods = base.customerPeriods();
    if (from.isPresent()) {
      periods = periods.where(col(ActivityBase.PERIOD_START).geq(from.get()));
    }
    Dataset<Row> activity =
        periods
            .join(members.hint("shuffle_merge"), ActivityBase.CUSTOMER_ID)
            .withColumn(
                PERIOD_INDEX,
                Periods.index(col(COHORT_START), col(ActivityBase.PERIOD_START), grain))
            .where(col(PERIOD_INDEX).geq(0))
            .groupBy(BREAKDOWN_VALUE, COHORT_START, PERIOD_INDEX)
            .agg(
                count(when(col(ActivityBase.PURCHASES).gt(0), 1)).as(ACTIVE_CUSTOMERS),
                sum(col(ActivityBase.NET_REVENUE_UNITS)).as(REVENUE));
    Dataset<Row> sizes =
        members.groupBy(BREAKDOWN_VALUE, COHORT_START).agg(count(lit(1)).as(COHORT_SIZE));

    Dataset<Row> cellActivity = withTotal(activity, breakdown, ACTIVE_CUSTOMERS, REVENUE);
    Column asOfDate = Periods.date(asOf);
    Column lastIndex = Periods.index(col(COHORT_START), Periods.start(asOfDate, grain), grain);
    // From the first recomputed period on (never after the as-of period: the first changed day is
    // no later than the as-of date).
    Column firstIndex =
        from.map(f -> greatest(lit(0), Periods.index(col(COHORT_START), f, grain))).orElse(lit(0));
    Dataset<Row> grid =
        withTotal(sizes, breakdown, COHORT_SIZE)
            .withColumn(PERIOD_INDEX, explode(sequence(firstIndex, lastIndex)));

    Dataset<Row> counted =
        grid.join(
                cellActivity,
                Outputs.using(BREAKDOWN, BREAKDOWN_VALUE, COHORT_START, PERIOD_INDEX),
                "left")
            .select(
                col(BREAKDOWN),
                col(BREAKDOWN_VALUE),
                col(COHORT_START),
                col(PERIOD_INDEX),
                col(COHORT_SIZE),
                coalesce(col(ACTIVE_CUSTOMERS), lit(0L)).as(ACTIVE_CUSTOMERS),
                Outputs.money(coalesce(col(REVENUE), lit(0L))).as(REVENUE));
    if (earlier.isPresent()) {
      counted =
          earlier
              .get()
              .table()
              .where(col(PERIOD_START).lt(from.get()))
              .select(Outputs.columns(counted.columns()))
              .unionByName(counted);
    }

    WindowSpec cohort = byCohort();
    Dataset<Row> cells =
        counted
            .withColumn(PERIOD_START, Periods.plus(col(COHORT_START), col(PERIOD_INDEX), grain))
            .withColumn(
                BASE_REVENUE, max(when(col(PERIOD_INDEX).equalTo(0), col(REVENUE))).over(cohort))
            .select(
                col(BREAKDOWN),
                col(BREAKDOWN_VALUE),
                col(COHORT_START),
                col(PERIOD_INDEX),
                col(PERIOD_START),
                col(COHORT_SIZE),
                col(ACTIVE_CUSTOMERS),
                col(ACTIVE_CUSTOMERS).divide(col(COHORT_SIZE)).as(RETENTION_RATE),
                col(REVENUE),
                Outputs.ratio(col(REVENUE), col(BASE_REVENUE)).as(REVENUE_RETENTION),
                Periods.isComplete(col(PERIOD_START), asOfDate, grain).as(IS_COMPLETE));

    return cells;
  }

  /**
   * Pools complete cells over cohorts. Takes the cells table (as computed, or as written) so that
   * the pipeline can summarise the staged table instead of recomputing it.
   */
  public static Dataset<Row> summarize(Dataset<Row> cells) {
    WindowSpec cohort = byCohort();
    return cells
        .where(col(IS_COMPLETE))
        .withColumn(
            BASE_REVENUE, max(when(col(PERIOD_INDEX).equalTo(0), col(REVENUE))).over(cohort))
        .groupBy(BREAKDOWN, BREAKDOWN_VALUE, PERIOD_INDEX)
        .agg(
            count(lit(1)).as(COHORTS),
            sum(COHORT_SIZE).as(COHORT_CUSTOMERS),
            sum(ACTIVE_CUSTOMERS).as(ACTIVE_CUSTOMERS),
            sum(REVENUE).cast(Outputs.MONEY).as(REVENUE),
            sum(BASE_REVENUE).cast(Outputs.MONEY).as(BASE_REVENUE))
        .select(
            col(BREAKDOWN),
            col(BREAKDOWN_VALUE),
            col(PERIOD_INDEX),
            col(COHORTS),
            col(COHORT_CUSTOMERS),
            col(ACTIVE_CUSTOMERS),
            col(ACTIVE_CUSTOMERS).divide(col(COHORT_CUSTOMERS)).as(RETENTION_RATE),
            col(REVENUE),
            col(BASE_REVENUE),
            Outputs.ratio(col(REVENUE), col(BASE_REVENUE)).as(REVENUE_RETENTION));
  }

  /**
   * Per-breakdown-value rows (keyed by breakdown_value and cohort_start, plus more keys) labelled
   * with the breakdown, and the "total" rows that sum {@code sums} over the values. Without a
   * breakdown only the total rows.
   */
  private static Dataset<Row> withTotal(Dataset<Row> byValue, Breakdown breakdown, String... sums) {
    List<String> keys = new ArrayList<>(List.of(byValue.columns()));
    keys.removeAll(List.of(sums));
    keys.remove(BREAKDOWN_VALUE);
    List<Column> totals = new ArrayList<>();
    for (String c : sums) {
      totals.add(sum(col(c)).as(c));
    }
    Dataset<Row> total =
        byValue
            .groupBy(keys.stream().map(k -> col(k)).toArray(Column[]::new))
            .agg(totals.get(0), totals.subList(1, totals.size()).toArray(Column[]::new))
            .withColumn(BREAKDOWN, lit(TOTAL))
            .withColumn(BREAKDOWN_VALUE, lit(ALL));
    if (breakdown == Breakdown.NONE) {
      return total;
    }
    return total.unionByName(byValue.withColumn(BREAKDOWN, lit(breakdown.key())));
  }

  /** All cells of one cohort, for its period-0 revenue. */
  private static WindowSpec byCohort() {
    return Window.partitionBy(CELL_KEYS[0], CELL_KEYS[1], CELL_KEYS[2]);
  }
}
