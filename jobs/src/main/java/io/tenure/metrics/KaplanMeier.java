package io.tenure.metrics;

import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.exp;
import static org.apache.spark.sql.functions.lead;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.log;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.pow;
import static org.apache.spark.sql.functions.product;
import static org.apache.spark.sql.functions.sqrt;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.udf;
import static org.apache.spark.sql.functions.when;

import org.apache.commons.math3.special.Erf;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.sql.expressions.UserDefinedFunction;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.types.DataTypes;

/**
 * Kaplan–Meier survival with Greenwood's variance, a log-log 95 % interval, median and restricted
 * mean lifetime, and a log-rank test of each group against the rest of its kind.
 *
 * <p>Input: one row per subject, {@code group_type, group_value, time} (a whole number of time
 * units ≥ 0) and {@code event} (true: the lifetime ended at {@code time}; false: censored, still
 * alive at {@code time}). A subject may appear in several groups (e.g. overall and its cohort).
 *
 * <p>For each group and each time t at which something happened: {@code at_risk} n(t) = subjects
 * with time ≥ t (a subject censored at t is still at risk at t: censoring is taken to happen after
 * the events of its time), {@code events} d(t), {@code censored}; {@code survival} S(t) = Π over
 * times u ≤ t of (1 − d(u)/n(u)); {@code std_err} = S(t) √(Σ d/(n(n−d))) (Greenwood), null once S
 * reaches 0; the interval is exp(−exp(log(−log S) ± 1.96 σ)) with σ = √(Σ d/(n(n−d))) / |log S|
 * (the log-log interval, which stays within [0, 1]), null where S is 1 or 0.
 *
 * <p>Everything is per group in Spark: subjects are counted per (group, time), and the curve is a
 * running product over the few distinct times of a group. Nothing per subject reaches the driver.
 */
public final class KaplanMeier {
  public static final String GROUP_TYPE = "group_type";
  public static final String GROUP_VALUE = "group_value";
  public static final String TIME = "time";
  public static final String EVENT = "event";
  private static final double Z = 1.959964;

  /** Upper tail of the chi-square distribution with one degree of freedom: erfc(√(x/2)). */
  private static final UserDefinedFunction CHI2_1DF_UPPER_TAIL =
      udf(
              (UDF1<Double, Double>) x -> x == null ? null : Erf.erfc(Math.sqrt(x / 2)),
              DataTypes.DoubleType)
          .withName("chi2_1df_upper_tail");

  private KaplanMeier() {}

  /**
   * The survival curve of every group: group_type, group_value, time, at_risk, events, censored,
   * survival, std_err, ci_low, ci_high.
   */
  public static Dataset<Row> curves(Dataset<Row> subjects) {
    WindowSpec group = Window.partitionBy(GROUP_TYPE, GROUP_VALUE);
    WindowSpec fromHere =
        group
            .orderBy(col(TIME).desc())
            .rowsBetween(Window.unboundedPreceding(), Window.currentRow());
    WindowSpec upToHere =
        group.orderBy(col(TIME)).rowsBetween(Window.unboundedPreceding(), Window.currentRow());
    Column n = col("at_risk").cast("double");
    Column d = col("events").cast("double");
    Dataset<Row> steps =
        counts(subjects)
            .withColumn("at_risk", sum(col("subjects")).over(fromHere))
            .withColumn(
                "survival",
                product(lit(1.0).minus(col("events").divide(col("at_risk")))).over(upToHere))
            .withColumn(
                "greenwood",
                sum(when(n.gt(d), d.divide(n.multiply(n.minus(d)))).otherwise(0.0)).over(upToHere));
    Column s = col("survival");
    Column alive = s.gt(0);
    Column sigma = sqrt(col("greenwood")).divide(abs(log(s)));
    Column inside = alive.and(s.lt(1));
    return steps.select(
        col(GROUP_TYPE),
        col(GROUP_VALUE),
        col(TIME),
        col("at_risk"),
        col("events"),
        col("censored"),
        s,
        when(alive, s.multiply(sqrt(col("greenwood")))).as("std_err"),
        when(inside, pow(s, exp(sigma.multiply(Z)))).as("ci_low"),
        when(inside, pow(s, exp(sigma.multiply(-Z)))).as("ci_high"));
  }

  /**
   * One row per group: group_type, group_value, subjects, events, censored, median_time (the first
   * time at which S ≤ 0.5; null while S stays above), rmst and rmst_horizon (the restricted mean:
   * the area under S from 0 to the horizon, which is {@code horizon} or the group's last observed
   * time if that is earlier), and the log-rank test of the group against the other groups of its
   * type: logrank_expected (events expected if the group survived like all of its type),
   * logrank_chi2 and logrank_p_value (one degree of freedom; null for a type with one group).
   *
   * @param curves the output of {@link #curves}
   */
  public static Dataset<Row> summary(Dataset<Row> curves, int horizon) {
    WindowSpec group = Window.partitionBy(GROUP_TYPE, GROUP_VALUE);
    Dataset<Row> bounded =
        curves
            .withColumn("first_time", min(col(TIME)).over(group))
            // Past the last observed time S is unknown, unless it reached 0.
            .withColumn(
                "tau",
                when(min(col("survival")).over(group).equalTo(0), lit(horizon))
                    .otherwise(least(lit(horizon), max(col(TIME)).over(group))));
    Column tau = col("tau");
    Column next = coalesce(lead(col(TIME), 1).over(group.orderBy(TIME)), tau);
    // S is 1 from 0 to the first time, then S(t) from each time t to the next.
    Column area =
        when(col(TIME).lt(tau), col("survival").multiply(least(next, tau).minus(col(TIME))))
            .otherwise(0.0);
    Dataset<Row> perGroup =
        bounded
            .withColumn("area", area)
            .groupBy(GROUP_TYPE, GROUP_VALUE)
            .agg(
                sum(col("events")).as("events"),
                sum(col("censored")).as("censored"),
                min(when(col("survival").leq(0.5), col(TIME))).as("median_time"),
                sum(col("area")).plus(min(least(col("first_time"), tau))).as("rmst"),
                max(tau).as("rmst_horizon"));
    return perGroup
        .join(logRank(curves), Outputs.using(GROUP_TYPE, GROUP_VALUE), "left")
        .select(
            col(GROUP_TYPE),
            col(GROUP_VALUE),
            col("events").plus(col("censored")).as("subjects"),
            col("events"),
            col("censored"),
            col("median_time"),
            col("rmst").cast("double").as("rmst"),
            col("rmst_horizon").cast("int").as("rmst_horizon"),
            col("logrank_expected"),
            col("logrank_chi2"),
            CHI2_1DF_UPPER_TAIL.apply(col("logrank_chi2")).as("logrank_p_value"));
  }

  /**
   * The log-rank statistic of each group against the rest of its type, summed over the times at
   * which any subject of the type had an event: O = Σ d_g, E = Σ d n_g / n, V = Σ n_g (n − n_g) d
   * (n − d) / (n² (n − 1)), χ² = (O − E)² / V. With two groups this is the usual two-sample test.
   */
  static Dataset<Row> logRank(Dataset<Row> curves) {
    // The curves already count each group's subjects per time: no second pass over subjects.
    Dataset<Row> perGroup =
        curves.select(
            col(GROUP_TYPE),
            col(GROUP_VALUE),
            col(TIME),
            col("events").plus(col("censored")).as("subjects"),
            col("events"));
    Dataset<Row> perType =
        perGroup
            .groupBy(GROUP_TYPE, TIME)
            .agg(sum(col("subjects")).as("t_subjects"), sum(col("events")).as("t_events"))
            .withColumn(
                "t_at_risk",
                sum(col("t_subjects"))
                    .over(
                        Window.partitionBy(GROUP_TYPE)
                            .orderBy(col(TIME).desc())
                            .rowsBetween(Window.unboundedPreceding(), Window.currentRow())));
    Dataset<Row> eventTimes =
        perType.where(col("t_events").gt(0)).select(GROUP_TYPE, TIME, "t_events", "t_at_risk");
    // Every group at every event time of its type (with no subjects of its own there), so that its
    // number at risk can be counted at times when only other groups had events.
    Dataset<Row> grid =
        perGroup
            .select(GROUP_TYPE, GROUP_VALUE)
            .distinct()
            .join(eventTimes.select(GROUP_TYPE, TIME), GROUP_TYPE)
            .withColumn("subjects", lit(0L))
            .withColumn("events", lit(0L));
    Dataset<Row> atRisk =
        perGroup
            .select(GROUP_TYPE, GROUP_VALUE, TIME, "subjects", "events")
            .unionByName(grid)
            .groupBy(GROUP_TYPE, GROUP_VALUE, TIME)
            .agg(sum(col("subjects")).as("subjects"), sum(col("events")).as("events"))
            .withColumn(
                "g_at_risk",
                sum(col("subjects"))
                    .over(
                        Window.partitionBy(GROUP_TYPE, GROUP_VALUE)
                            .orderBy(col(TIME).desc())
                            .rowsBetween(Window.unboundedPreceding(), Window.currentRow())))
            .join(broadcast(eventTimes), Outputs.using(GROUP_TYPE, TIME));
    Column n = col("t_at_risk").cast("double");
    Column d = col("t_events").cast("double");
    Column ng = col("g_at_risk").cast("double");
    Dataset<Row> sums =
        atRisk
            .groupBy(GROUP_TYPE, GROUP_VALUE)
            .agg(
                sum(col("events")).cast("double").as("observed"),
                sum(d.multiply(ng).divide(n)).as("logrank_expected"),
                sum(when(
                            n.gt(1),
                            ng.multiply(n.minus(ng))
                                .multiply(d)
                                .multiply(n.minus(d))
                                .divide(n.multiply(n).multiply(n.minus(1))))
                        .otherwise(0.0))
                    .as("variance"));
    Column diff = col("observed").minus(col("logrank_expected"));
    return sums.select(
        col(GROUP_TYPE),
        col(GROUP_VALUE),
        col("logrank_expected"),
        when(col("variance").gt(1e-12), diff.multiply(diff).divide(col("variance")))
            .as("logrank_chi2"));
  }

  /** Subjects, events and censored per group and time. */
  private static Dataset<Row> counts(Dataset<Row> subjects) {
    return subjects
        .groupBy(GROUP_TYPE, GROUP_VALUE, TIME)
        .agg(
            count(lit(1)).as("subjects"),
            count(when(col(EVENT), 1)).as("events"),
            count(when(col(EVENT).unary_$bang(), 1)).as("censored"));
  }
}
