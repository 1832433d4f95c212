package io.tenure.metrics;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.grouping;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.log;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.pow;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.tenure.config.Grain;
import io.tenure.config.TenureSettings.TimeWithCustomerSettings;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalInt;
import java.util.function.Function;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

/**
 * Time with customer: how long staff spend on each customer contact.
 *
 * <p>Two measures, never mixed in one row ({@code measure} names it): {@code handle} = the time
 * staff spent, handle_seconds as the source gives it; {@code elapsed} = closed_at − opened_at, the
 * time the contact was open (waiting included). Every contact counts in {@code interactions} of
 * both measures, and in the statistics of each measure it has a value for (a contact without a
 * handle time, or still open, is not timed in that measure). A contact belongs to the period in
 * which it was opened.
 *
 * <p>Statistics per period × channel × category, rolled up to period × channel, period, and all
 * periods (the rolled-up dimension reads {@code all}; {@code level} names the grouping).
 * Percentiles are {@link Percentiles}: exact lower percentiles (observed durations) by default.
 */
public final class TimeWithCustomer {
  public static final String TABLE = "time_with_customer";
  public static final String HISTOGRAM_TABLE = "time_with_customer_histogram";
  public static final String CUSTOMER_TABLE = "customer_time_with_customer";

  public static final String LEVEL = "level";
  public static final String MEASURE = "measure";
  public static final String HANDLE = "handle";
  public static final String ELAPSED = "elapsed";
  public static final String PERIOD_START = "period_start";
  public static final String CHANNEL = "channel";
  public static final String CATEGORY = "category";
  public static final String INTERACTIONS = "interactions";
  public static final String TIMED = "timed_interactions";
  public static final String MEAN = "mean_seconds";
  public static final String P50 = "p50_seconds";
  public static final String P75 = "p75_seconds";
  public static final String P90 = "p90_seconds";
  public static final String P95 = "p95_seconds";
  public static final String P99 = "p99_seconds";
  public static final String MAX = "max_seconds";
  public static final String TOTAL_HOURS = "total_hours";
  public static final String TOTAL_SECONDS = "total_seconds";
  public static final String BUCKET = "bucket";
  public static final String LOWER = "lower_seconds";
  public static final String UPPER = "upper_seconds";
  public static final String SHARE = "share";
  public static final String CUSTOMER_ID = ActivityBase.CUSTOMER_ID;

  public static final String ALL = Rollups.ALL;
  static final String DURATION = "duration_seconds";

  /** The percentiles of the statistics, in column order (p50 … p99). */
  private static final double[] LEVELS = {0.5, 0.75, 0.9, 0.95, 0.99};

  private static final String QUANTILES = "q";

  private TimeWithCustomer() {}

  /** Statistics, histogram and per-customer tables. */
  public record Result(Dataset<Row> stats, Dataset<Row> histogram, Dataset<Row> perCustomer) {}

  public static Result compute(
      Dataset<Row> interactions, TimeWithCustomerSettings settings, Grain grain, ZoneId zone) {
    // One row per contact with both measures: the statistics and the per-customer totals read it
    // as it is, the histogram one row per measure.
    Dataset<Row> contacts =
        interactions.select(
            col(CUSTOMER_ID),
            col(CHANNEL),
            col(CATEGORY),
            Periods.start(Periods.localDate(col("opened_at"), zone), grain).as(PERIOD_START),
            col("handle_seconds").cast("double").as(HANDLE),
            col("closed_at").cast("double").minus(col("opened_at").cast("double")).as(ELAPSED));
    // The histogram's rows: what it groups by (period, channel) and one row per measure.
    Dataset<Row> timed =
        contacts
            .select(
                col(CHANNEL),
                col(PERIOD_START),
                explode(array(measured(HANDLE), measured(ELAPSED))).as("m"))
            .select(
                col(CHANNEL),
                col(PERIOD_START),
                col("m." + MEASURE).as(MEASURE),
                col("m." + DURATION).as(DURATION));

    Dataset<Row> stats = stats(contacts, settings.percentileAccuracy());
    Column d = col(DURATION);
    Dataset<Row> histogram = histogram(timed.where(d.isNotNull()), settings.histogramBase());

    Dataset<Row> perCustomer = perCustomer(contacts);
    return new Result(stats, histogram, perCustomer);
  }

  /**
   * The statistics of both measures from one row per contact: one rollup over period × channel ×
   * category aggregates the two measures side by side, then each group row becomes one row per
   * measure. (A rollup over exploded measure rows would feed every grouping set twice the rows,
   * plus a grand total over both measures that is thrown away.) The percentiles come from {@link
   * RollupLists}, joined to the group rows.
   */
  private static Dataset<Row> stats(Dataset<Row> contacts, OptionalInt accuracy) {
    SideBySide both =
        SideBySide.of(
            d ->
                List.of(
                    Map.entry(TIMED, count(d)),
                    Map.entry(MEAN, avg(d)),
                    Map.entry(MAX, max(d)),
                    Map.entry(TOTAL_HOURS, coalesce(sum(d), lit(0.0)).divide(3600.0))),
            QUANTILES);
    List<RollupLists.Wanted> wanted =
        List.of(
            new RollupLists.Percentile(HANDLE, HANDLE + "_" + QUANTILES, LEVELS),
            new RollupLists.Percentile(ELAPSED, ELAPSED + "_" + QUANTILES, LEVELS));
    List<Column> aggregates = new ArrayList<>(both.aggregates());
    aggregates.addAll(Rollups.flags(PERIOD_START, CHANNEL, CATEGORY));
    Dataset<Row> groups =
        contacts
            .rollup(col(PERIOD_START), col(CHANNEL), col(CATEGORY))
            .agg(count(lit(1)).as(INTERACTIONS), aggregates.toArray(Column[]::new));
    Dataset<Row> percentiles =
        RollupLists.of(contacts, PERIOD_START, CHANNEL, CATEGORY, accuracy, wanted);
    return RollupLists.join(groups, percentiles, PERIOD_START, CHANNEL, CATEGORY)
        .select(
            Rollups.level(col(Rollups.G_PERIOD), col(Rollups.G_CHANNEL), col(Rollups.G_CATEGORY))
                .as(LEVEL),
            col(PERIOD_START),
            Rollups.rolled(CHANNEL, Rollups.G_CHANNEL),
            Rollups.rolled(CATEGORY, Rollups.G_CATEGORY),
            col(INTERACTIONS),
            both.measureRows())
        .select(
            col(LEVEL),
            col("m." + MEASURE).as(MEASURE),
            col(PERIOD_START),
            col(CHANNEL),
            col(CATEGORY),
            col(INTERACTIONS),
            col("m." + TIMED).as(TIMED),
            col("m." + MEAN).as(MEAN),
            col("m." + QUANTILES).getItem(0).as(P50),
            col("m." + QUANTILES).getItem(1).as(P75),
            col("m." + QUANTILES).getItem(2).as(P90),
            col("m." + QUANTILES).getItem(3).as(P95),
            col("m." + QUANTILES).getItem(4).as(P99),
            col("m." + MAX).as(MAX),
            col("m." + TOTAL_HOURS).as(TOTAL_HOURS));
  }

  /**
   * Each customer's totals per period and measure, aggregated with both measures side by side and
   * then split into one row per measure: nearly every (customer, period) is its own group where
   * contacts are spread thin, so grouping per measure would hash twice the keys. Shuffled by
   * customer before the aggregate, whose partial step would reduce nothing (docs/benchmarks.md).
   */
  private static Dataset<Row> perCustomer(Dataset<Row> contacts) {
    SideBySide both =
        SideBySide.of(
            d ->
                List.of(
                    Map.entry(TIMED, count(d)),
                    Map.entry(TOTAL_SECONDS, coalesce(sum(d), lit(0.0))),
                    Map.entry(MEAN, avg(d))));
    return contacts
        .where(col(CUSTOMER_ID).isNotNull()) // anonymous contacts have no customer row
        .repartition(col(CUSTOMER_ID))
        .groupBy(CUSTOMER_ID, PERIOD_START)
        .agg(count(lit(1)).as(INTERACTIONS), both.aggregates().toArray(Column[]::new))
        .select(col(CUSTOMER_ID), col(PERIOD_START), col(INTERACTIONS), both.measureRows())
        .select(
            col(CUSTOMER_ID),
            col(PERIOD_START),
            col("m." + MEASURE).as(MEASURE),
            col(INTERACTIONS),
            col("m." + TIMED).as(TIMED),
            col("m." + TOTAL_SECONDS).as(TOTAL_SECONDS),
            col("m." + MEAN).as(MEAN));
  }

  /**
   * Both measures aggregated side by side in one group row ({@link #aggregates}), and the column
   * that splits that row into one row per measure ({@link #measureRows}, a struct {@code m} with
   * {@code measure} and each aggregate under its field name).
   */
  private record SideBySide(List<Column> aggregates, Column measureRows) {
    /**
     * @param perMeasure a measure's aggregates by field name, given the measure's value
     * @param joined fields that are no aggregate here but columns joined to the group rows, named
     *     like the aggregates (measure_field)
     */
    static SideBySide of(
        Function<Column, List<Map.Entry<String, Column>>> perMeasure, String... joined) {
      List<Column> aggregates = new ArrayList<>();
      List<Column> rows = new ArrayList<>();
      for (String measure : List.of(HANDLE, ELAPSED)) {
        List<Column> fields = new ArrayList<>(List.of(lit(measure).as(MEASURE)));
        for (Map.Entry<String, Column> e : perMeasure.apply(col(measure))) {
          String name = measure + "_" + e.getKey();
          aggregates.add(e.getValue().as(name));
          fields.add(col(name).as(e.getKey()));
        }
        for (String field : joined) {
          fields.add(col(measure + "_" + field).as(field));
        }
        rows.add(struct(fields.toArray(Column[]::new)));
      }
      return new SideBySide(aggregates, explode(array(rows.toArray(Column[]::new))).as("m"));
    }
  }

  /**
   * Log-spaced buckets with ratio {@code base}: bucket 0 holds [0, base) seconds, bucket k ≥ 1
   * holds [base^k, base^(k+1)). Per period × channel, period, and overall.
   */
  static Dataset<Row> histogram(Dataset<Row> timed, double base) {
    Column d = col(DURATION);
    Column guess = floor(log(base, d));
    // log() is inexact near bucket bounds (log2(8) may be 2.9999…); correct by one either way.
    Column k =
        when(d.lt(base), lit(0L))
            .when(pow(lit(base), guess.plus(1)).leq(d), guess.plus(1))
            .when(pow(lit(base), guess).gt(d), guess.minus(1))
            .otherwise(guess);
    // Counted per finest group first, so that the rollup expands a few thousand groups instead of
    // every timed contact. Measure and bucket lead the rollup so that every kept grouping set has
    // both: (measure, bucket, period, channel), (measure, bucket, period) and (measure, bucket).
    Dataset<Row> levels =
        timed
            .groupBy(col(MEASURE), k.cast("int").as(BUCKET), col(PERIOD_START), col(CHANNEL))
            .agg(count(lit(1)).as(INTERACTIONS))
            .rollup(col(MEASURE), col(BUCKET), col(PERIOD_START), col(CHANNEL))
            .agg(
                sum(col(INTERACTIONS)).as(INTERACTIONS),
                grouping(col(PERIOD_START)).as("g_period"),
                grouping(col(CHANNEL)).as("g_channel"),
                grouping(col(BUCKET)).as("g_bucket"))
            .where(col("g_bucket").equalTo(0));
    return levels
        .select(
            when(col("g_period").equalTo(1), lit("overall"))
                .when(col("g_channel").equalTo(1), lit("period"))
                .otherwise(lit("period_channel"))
                .as(LEVEL),
            col(MEASURE),
            col(PERIOD_START),
            when(col("g_channel").equalTo(1), lit(ALL)).otherwise(col(CHANNEL)).as(CHANNEL),
            col(BUCKET),
            when(col(BUCKET).equalTo(0), lit(0.0)).otherwise(pow(lit(base), col(BUCKET))).as(LOWER),
            pow(lit(base), col(BUCKET).plus(1)).as(UPPER),
            col(INTERACTIONS))
        .withColumn(
            SHARE,
            col(INTERACTIONS)
                .divide(
                    sum(col(INTERACTIONS))
                        .over(
                            Window.partitionBy(
                                col(LEVEL), col(MEASURE), col(PERIOD_START), col(CHANNEL)))));
  }

  private static Column measured(String measure) {
    return struct(lit(measure).as(MEASURE), col(measure).as(DURATION));
  }
}
