package io.tenure.metrics;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.grouping;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.sequence;
import static org.apache.spark.sql.functions.sqrt;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.tenure.config.Grain;
import io.tenure.config.ServiceSettings;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Retention drivers: how service experience before a period relates to churn in it.
 *
 * <p>The units are customer-periods: every customer active at the start of a complete period (an
 * open lifecycle spell, as in churn_rates' customers_at_start), and whether that spell ended
 * (churned) during the period. Each unit is described by its service experience in the {@code
 * service.driver-lookback-days} days before the period start — point in time: only contacts opened,
 * and resolutions and survey answers known, before the period starts:
 *
 * <ul>
 *   <li>{@code contacts}: 0, 1, 2-3, 4+ contacts;
 *   <li>{@code unresolved_contact}: no_contact, no, yes (a contact not closed as resolved before
 *       the period start);
 *   <li>{@code complaint}: no_complaint, resolved, unresolved (contacts in {@code
 *       service.complaint-categories});
 *   <li>{@code slowest_first_response}: no_contact, under_1m, 1m_10m, 10m_1h, 1h_24h, over_24h, and
 *       never_answered (a contact in a channel with a response target that had no response before
 *       the period start);
 *   <li>{@code last_csat}: none, 1-2, 3, 4-5; {@code nps_group}: none, detractor, passive, promoter
 *       (the last answer);
 *   <li>{@code returns}: no, yes (a refund in the window).
 * </ul>
 *
 * <p>Per driver and bucket, pooled over all periods ({@code level = overall}) and per period:
 * customer_periods, churned, churn_rate, the baseline churn rate of all units of the same level,
 * lift = churn_rate / baseline, and the Wilson 95 % score interval of churn_rate. These are
 * associations, not causes: a driver's lift includes whatever else differs between its buckets.
 */
public final class RetentionDrivers {
  public static final String TABLE = "retention_drivers";
  private static final double Z = 1.959964;

  /** The drivers, each the name of its bucket column in the combinations. */
  private static final List<String> DRIVERS =
      List.of(
          "contacts",
          "unresolved_contact",
          "complaint",
          "slowest_first_response",
          "last_csat",
          "nps_group",
          "returns");

  private RetentionDrivers() {}

  /**
   * @param spells churn lifecycle spells (customer_id, start_date, churn_date)
   * @param interactions clean interactions
   * @param transactions clean transactions (for refunds)
   * @param earlier with an earlier run's table, the periods before the one holding its first
   *     changed day are taken from it: a period's units, their churn and their service before it
   *     are all decided by rows dated before its end (facts count only if known before its start).
   *     The overall rows and the baselines are pooled again from every period's counts.
   */
  public static Dataset<Row> compute(
      Dataset<Row> spells,
      Dataset<Row> interactions,
      Dataset<Row> transactions,
      ServiceSettings settings,
      Grain grain,
      ZoneId zone,
      LocalDate asOf,
      Optional<EarlierPeriods> earlier) {
    Optional<LocalDate> p0 = earlier.map(e -> grain.start(e.changedFrom()));
    Dataset<Row> units = units(spells, grain, asOf, p0);
    if (p0.isPresent()) {
      // Only the events that the recomputed periods' look-backs can reach.
      Column from =
          Periods.startOfDay(Periods.date(p0.get().minusDays(settings.driverLookbackDays())), zone);
      interactions = interactions.where(col("opened_at").geq(from));
      transactions = transactions.where(col("occurred_at").geq(from));
    }
    Column start = col("period_start");
    Dataset<Row> withReturns =
        ServiceExperience.before(units, interactions, transactions, settings, zone);

    // Each unit's bucket of every driver, then the units counted per combination of buckets: the
    // drivers are exploded and rolled up over those few thousand combinations instead of over
    // every unit (seven rows per unit, each in three grouping sets).
    Dataset<Row> combinations =
        withReturns
            .groupBy(
                start,
                col("churned"),
                contactsBucket(col("n")).as("contacts"),
                when(col("n").equalTo(0), "no_contact")
                    .when(col("unresolved").gt(0), "yes")
                    .otherwise("no")
                    .as("unresolved_contact"),
                when(col("complaints").equalTo(0), "no_complaint")
                    .when(col("open_complaints").gt(0), "unresolved")
                    .otherwise("resolved")
                    .as("complaint"),
                responseBucket().as("slowest_first_response"),
                when(col("csat").isNull(), "none")
                    .when(col("csat").leq(2), "1-2")
                    .when(col("csat").equalTo(3), "3")
                    .otherwise("4-5")
                    .as("last_csat"),
                when(col("nps").isNull(), "none")
                    .when(col("nps").leq(6), "detractor")
                    .when(col("nps").leq(8), "passive")
                    .otherwise("promoter")
                    .as("nps_group"),
                when(col("refunds").gt(0), "yes").otherwise("no").as("returns"))
            .agg(count(lit(1)).as("units"));
    Column churnedUnits = when(col("churned"), col("units")).otherwise(lit(0L));
    Dataset<Row> periods =
        combinations
            .select(
                start,
                col("units"),
                churnedUnits.as("churned_units"),
                explode(
                        array(
                            DRIVERS.stream().map(RetentionDrivers::driver).toArray(Column[]::new)))
                    .as("d"))
            .groupBy(start, col("d.driver").as("driver"), col("d.bucket").as("bucket"))
            .agg(sum("units").as("customer_periods"), sum("churned_units").as("churned"));
    if (earlier.isPresent()) {
      periods =
          earlier
              .get()
              .table()
              .where(col("level").equalTo("period").and(start.lt(Periods.date(p0.get()))))
              .select(Outputs.columns(periods.columns()))
              .unionByName(periods);
    }
    // Per period and pooled over the periods; every unit has one bucket of each driver, so the
    // first driver's buckets add up to the baseline.
    Dataset<Row> byBucket =
        periods
            .rollup(col("driver"), col("bucket"), start)
            .agg(
                sum("customer_periods").as("customer_periods"),
                sum("churned").as("churned"),
                grouping(col("bucket")).as("g_bucket"))
            .where(col("g_bucket").equalTo(0));
    Dataset<Row> baseline =
        periods
            .where(col("driver").equalTo(DRIVERS.get(0)))
            .rollup(start)
            .agg(sum("customer_periods").as("base_units"), sum("churned").as("base_churned"))
            .withColumn("base_key", Outputs.periodKey(start))
            .drop("period_start");
    Dataset<Row> joined =
        byBucket
            .withColumn("base_key", Outputs.periodKey(start))
            .join(broadcast(baseline), Outputs.using("base_key"));

    Column n = col("customer_periods").cast("double");
    Column rate = Outputs.ratio(col("churned"), col("customer_periods"));
    Column base = Outputs.ratio(col("base_churned"), col("base_units"));
    Column z2n = lit(Z * Z).divide(n);
    Column centre = rate.plus(z2n.divide(2)).divide(lit(1).plus(z2n));
    Column half =
        lit(Z)
            .multiply(
                sqrt(rate.multiply(lit(1).minus(rate)).divide(n).plus(z2n.divide(n.multiply(4)))))
            .divide(lit(1).plus(z2n));
    return joined.select(
        when(start.isNull(), lit("overall")).otherwise(lit("period")).as("level"),
        start,
        col("driver"),
        col("bucket"),
        col("customer_periods"),
        col("churned"),
        rate.as("churn_rate"),
        base.as("baseline_churn_rate"),
        Outputs.ratio(rate, base).as("lift"),
        centre.minus(half).as("churn_rate_ci_low"),
        centre.plus(half).as("churn_rate_ci_high"));
  }

  /**
   * Customer-periods: customers with an open spell at the start of each complete period, and
   * whether it ended during the period.
   */
  static Dataset<Row> units(
      Dataset<Row> spells, Grain grain, LocalDate asOf, Optional<LocalDate> from) {
    Column lastComplete = Periods.start(Periods.date(asOf.plusDays(1)), grain);
    Column firstComplete = Periods.next(Periods.start(col("first"), grain), grain);
    Dataset<Row> grid =
        spells
            .agg(min(col("start_date")).as("first"))
            .select(
                // As of a day inside the first period no period is complete: no units, and no
                // sequence running backwards (which Spark rejects).
                explode(
                        when(
                            firstComplete.leq(lastComplete),
                            sequence(
                                firstComplete,
                                lastComplete,
                                expr("INTERVAL " + grain.sqlInterval()))))
                    .as("period_start"))
            // Only periods that ended by the as-of date: every unit had the full period to churn.
            .where(Periods.next(col("period_start"), grain).leq(lastComplete))
            .where(from.map(f -> col("period_start").geq(Periods.date(f))).orElse(lit(true)));
    return LifecycleSpells.openAtStart(spells, grid, grain);
  }

  private static Column driver(String name) {
    return struct(lit(name).as("driver"), col(name).as("bucket"));
  }

  private static Column contactsBucket(Column n) {
    return when(n.equalTo(0), "0").when(n.equalTo(1), "1").when(n.leq(3), "2-3").otherwise("4+");
  }

  private static Column responseBucket() {
    Column s = col("slowest");
    return when(col("n").equalTo(0), "no_contact")
        .when(col("never_answered").gt(0), "never_answered")
        .when(s.isNull(), "no_response_expected")
        .when(s.lt(60), "under_1m")
        .when(s.lt(600), "1m_10m")
        .when(s.lt(3600), "10m_1h")
        .when(s.lt(86400), "1h_24h")
        .otherwise("over_24h");
  }
}
