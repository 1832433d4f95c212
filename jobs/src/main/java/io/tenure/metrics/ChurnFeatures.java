package io.tenure.metrics;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.date_add;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.log1p;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import io.tenure.config.ServiceSettings;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Per-customer features of the churn-risk model at cutoff days, point in time: a feature at cutoff
 * c uses only purchases, refunds, cancellations and contacts up to the end of day c, and only the
 * responses, resolutions and survey answers known by then (the as-of rules of docs/metrics.md).
 *
 * <p>The units are the customers active at the end of c (an open lifecycle spell: started by c, not
 * churned by c — the customers churn_rates counts as active), one row per customer and cutoff, with
 * the churn date of that spell as known at the run's as-of date (for labels; never a feature).
 *
 * <p>Features (all doubles, never null; docs/metrics.md, "Churn risk"): recency, tenure and
 * frequency of purchases, net revenue (log), refunds, the trend of the last 30 and 90 days against
 * the whole history, earlier spells and cancellations, and the service experience retention_drivers
 * uses ({@link ServiceExperience}) in the lookback window, with "none" encoded as 0 plus an
 * indicator where 0 is a real value (CSAT, NPS).
 */
public final class ChurnFeatures {
  public static final String CUTOFF = "cutoff";
  public static final List<String> NAMES =
      List.of(
          "recency_days",
          "tenure_days",
          "purchases",
          "purchases_per_30d",
          "net_revenue_log",
          "refunds",
          "refund_share",
          "purchases_30d",
          "purchases_90d",
          "share_last_90d",
          "previous_spells",
          "previous_cancellations",
          "contacts",
          "unresolved_contacts",
          "complaints",
          "open_complaints",
          "never_answered",
          "slowest_response_hours",
          "has_csat",
          "last_csat",
          "has_nps",
          "last_nps");

  private ChurnFeatures() {}

  /**
   * @param cutoffs the cutoff days, any order
   * @param which which of the customers active at a cutoff get features: a condition on customer_id
   *     and cutoff ({@link #sampled}), {@code lit(true)} for all
   * @param spells lifecycle spells ({@link LifecycleSpells#of})
   * @param interactions clean interactions (an empty table without the input)
   * @param transactions clean transactions (refunds in the service window)
   * @return customer_id, cutoff, churn_date, then {@link #NAMES}
   */
  public static Dataset<Row> at(
      List<LocalDate> cutoffs,
      Column which,
      Dataset<Row> spells,
      Dataset<Row> interactions,
      Dataset<Row> transactions,
      ServiceSettings service,
      ZoneId zone) {
    List<LocalDate> sorted = cutoffs.stream().sorted().distinct().toList();
    Dataset<Row> units = units(sorted, which, spells);
    return assembled(
        sorted,
        units,
        PurchaseHistory.atCutoffs(sorted, units, transactions, zone),
        interactions,
        transactions,
        service,
        zone);
  }

  /**
   * The features of the customers active at the end of {@code asOf}, as {@link #at} computes them
   * for that cutoff alone, with the purchase history read from the activity base ({@link
   * PurchaseHistory#atAsOf}) instead of every transaction: what scoring with a saved model reads.
   *
   * @param base the activity base of the transactions up to {@code asOf}
   * @param inactivityDays the inactivity window of {@code spells}
   */
  public static Dataset<Row> atAsOf(
      LocalDate asOf,
      Dataset<Row> spells,
      Dataset<Row> interactions,
      Dataset<Row> transactions,
      ActivityBase base,
      int inactivityDays,
      ServiceSettings service,
      ZoneId zone) {
    List<LocalDate> day = List.of(asOf);
    Dataset<Row> units = units(day, lit(true), spells);
    return assembled(
        day,
        units,
        PurchaseHistory.atAsOf(asOf, units, base, transactions, inactivityDays, zone),
        interactions,
        transactions,
        service,
        zone);
  }

  /**
   * The units (customer_id, cutoff, churn_date, previous_spells, previous_cancellations): the
   * customers active at the end of each cutoff that {@code which} selects.
   */
  private static Dataset<Row> units(List<LocalDate> sorted, Column which, Dataset<Row> spells) {
    // Earlier spells all ended before the current one started, so before the cutoff.
    Column endedByCancellation =
        col(ChurnRates.CHURN_TYPE).eqNullSafe(lit(ChurnRates.INACTIVITY)).unary_$bang();
    Dataset<Row> active =
        activeAt(
            sorted,
            spells.withColumn(
                "previous_cancellations",
                coalesce(
                    sum(when(endedByCancellation, 1).otherwise(0))
                        .over(
                            Window.partitionBy(ChurnRates.CUSTOMER_ID)
                                .orderBy(ChurnRates.SPELL)
                                .rowsBetween(Window.unboundedPreceding(), -1)),
                    lit(0))));
    Dataset<Row> units =
        active
            .where(which)
            .select(
                col(ChurnRates.CUSTOMER_ID),
                col(CUTOFF),
                col(ChurnRates.CHURN_DATE),
                col(ChurnRates.SPELL).minus(1).as("previous_spells"),
                col("previous_cancellations"));

    return units;
  }

  private static Dataset<Row> assembled(
      List<LocalDate> sorted,
      Dataset<Row> units,
      Dataset<Row> history,
      Dataset<Row> interactions,
      Dataset<Row> transactions,
      ServiceSettings service,
      ZoneId zone) {
    Dataset<Row> experience =
        ServiceExperience.before(
            units.select(
                col(ChurnRates.CUSTOMER_ID),
                col(CUTOFF),
                date_add(col(CUTOFF), 1).as("period_start")),
            interactions,
            transactions,
            service,
            zone,
            sorted.isEmpty() ? LocalDate.MIN : sorted.get(0).plusDays(1),
            sorted.isEmpty() ? LocalDate.MIN : sorted.get(sorted.size() - 1).plusDays(1));

    Dataset<Row> all =
        units
            .join(history, Outputs.using(ChurnRates.CUSTOMER_ID, CUTOFF))
            .join(experience, Outputs.using(ChurnRates.CUSTOMER_ID, CUTOFF));
    Column purchases = col("h_purchases").cast("double");
    Column tenure = datediff(col(CUTOFF), col("h_first"));
    Column p90 = coalesce(col("r_90"), lit(0L)).cast("double");
    return all.select(
        col(ChurnRates.CUSTOMER_ID),
        col(CUTOFF),
        col(ChurnRates.CHURN_DATE),
        feature("recency_days", datediff(col(CUTOFF), col("h_last"))),
        feature("tenure_days", tenure),
        feature("purchases", purchases),
        feature("purchases_per_30d", purchases.multiply(30).divide(greatest(lit(30), tenure))),
        feature(
            "net_revenue_log",
            log1p(greatest(lit(0.0), col("h_net_units").cast("double").divide(10_000.0)))),
        feature("refunds", col("h_refunds")),
        feature(
            "refund_share",
            col("h_refund_units")
                .cast("double")
                .divide(greatest(lit(1L), col("h_purchase_units")))),
        feature("purchases_30d", coalesce(col("r_30"), lit(0L))),
        feature("purchases_90d", p90),
        feature("share_last_90d", p90.divide(purchases)),
        feature("previous_spells", col("previous_spells")),
        feature("previous_cancellations", col("previous_cancellations")),
        feature("contacts", col("n")),
        feature("unresolved_contacts", col("unresolved")),
        feature("complaints", col("complaints")),
        feature("open_complaints", col("open_complaints")),
        feature("never_answered", col("never_answered")),
        feature("slowest_response_hours", coalesce(col("slowest").divide(3600.0), lit(0.0))),
        feature("has_csat", when(col("csat").isNotNull(), 1).otherwise(0)),
        feature("last_csat", coalesce(col("csat"), lit(0))),
        feature("has_nps", when(col("nps").isNotNull(), 1).otherwise(0)),
        feature("last_nps", coalesce(col("nps"), lit(0))));
  }

  /** How many customers are active at the end of the cutoffs, counted once per cutoff. */
  public static long activeCount(List<LocalDate> cutoffs, Dataset<Row> spells) {
    return activeAt(
            cutoffs.stream().sorted().distinct().toList(),
            spells.select(ChurnRates.START_DATE, ChurnRates.CHURN_DATE))
        .count();
  }

  /**
   * A deterministic sample of the (customer, cutoff) units of about {@code fraction}: a hash of
   * both, so that a rerun, an incremental run or another layout of the rows picks the same units,
   * and a customer is drawn at each cutoff independently.
   */
  public static Column sampled(double fraction) {
    long buckets = 1L << 20;
    return pmod(xxhash64(col(ChurnRates.CUSTOMER_ID), col(CUTOFF)), lit(buckets))
        .lt(lit(Math.round(fraction * buckets)));
  }

  /** The spells open at the end of each cutoff (an open spell: started by c, not churned by c). */
  private static Dataset<Row> activeAt(List<LocalDate> sorted, Dataset<Row> spells) {
    Dataset<Row> cutoffTable =
        spells
            .sparkSession()
            .createDataFrame(
                sorted.stream().map(d -> RowFactory.create(java.sql.Date.valueOf(d))).toList(),
                new StructType().add(CUTOFF, DataTypes.DateType));
    return spells.join(
        broadcast(cutoffTable),
        col(ChurnRates.START_DATE)
            .leq(col(CUTOFF))
            .and(
                col(ChurnRates.CHURN_DATE)
                    .isNull()
                    .or(col(ChurnRates.CHURN_DATE).gt(col(CUTOFF)))));
  }

  private static Column feature(String name, Column value) {
    if (!NAMES.contains(name)) {
      throw new IllegalArgumentException("not a declared feature: " + name);
    }
    return value.cast("double").as(name);
  }
}
