package io.tenure.metrics;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.ceil;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.flatten;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.grouping;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * {@link Percentiles} for every group of a period × channel × category rollup ({@link Rollups}),
 * computed apart from the rollup's other aggregates and joined to them by {@link #join}.
 *
 * <p>Exact percentiles sort each group's values: the finest groups collect their values into lists,
 * the period × channel and period groups concatenate those lists, and each sorted list gives the
 * value at rank max(1, ⌈p·n⌉) — {@code percentile_disc}'s definition. Only the all-periods group
 * keeps {@code percentile_disc}'s count per distinct value, because its list would hold every row
 * of the table; a list holds at most one period's values. Inside the rollup, {@code
 * percentile_disc} adds every row to a count map in each of its four groups: three times slower at
 * scale M (docs/benchmarks.md). With an accuracy, Spark's {@code percentile_approx} in one rollup.
 */
final class RollupPercentiles {
  private static final String G_PERIOD = Rollups.G_PERIOD;
  private static final String G_CHANNEL = Rollups.G_CHANNEL;
  private static final String G_CATEGORY = Rollups.G_CATEGORY;
  private static final String PREFIX = "_pct_";

  private RollupPercentiles() {}

  /** The percentiles {@code levels} of the column {@code value}, as an array named {@code name}. */
  record Wanted(String value, String name, double... levels) {}

  /**
   * One row per rollup group: its grouping flags ({@link Rollups#G_PERIOD} and the two others, as
   * {@code grouping()} gives them), the three dimensions (null where rolled up) and one array per
   * wanted column. Values are doubles; nulls are not counted.
   */
  static Dataset<Row> of(
      Dataset<Row> rows,
      String period,
      String channel,
      String category,
      OptionalInt accuracy,
      List<Wanted> wanted) {
    if (accuracy.isPresent()) {
      List<Column> aggregates = new ArrayList<>();
      for (Wanted w : wanted) {
        aggregates.add(Percentiles.of(col(w.value()), accuracy, w.levels()).as(w.name()));
      }
      aggregates.addAll(
          List.of(
              grouping(col(period)).as(G_PERIOD),
              grouping(col(channel)).as(G_CHANNEL),
              grouping(col(category)).as(G_CATEGORY)));
      return rows.rollup(col(period), col(channel), col(category))
          .agg(aggregates.get(0), aggregates.subList(1, aggregates.size()).toArray(Column[]::new))
          .select(keys(period, channel, category, wanted));
    }
    Column[] lists =
        wanted.stream()
            .map(w -> collect_list(col(w.value()).cast("double")).as(w.name()))
            .toArray(Column[]::new);
    Column[] merged =
        wanted.stream()
            .map(w -> flatten(collect_list(col(w.name()))).as(w.name()))
            .toArray(Column[]::new);
    Dataset<Row> finest =
        rows.groupBy(col(period), col(channel), col(category))
            .agg(lists[0], Arrays.copyOfRange(lists, 1, lists.length));
    Dataset<Row> byChannel =
        finest
            .groupBy(col(period), col(channel))
            .agg(merged[0], Arrays.copyOfRange(merged, 1, merged.length))
            .withColumn(category, lit(null).cast(rows.schema().apply(category).dataType()));
    Dataset<Row> byPeriod =
        finest
            .groupBy(col(period))
            .agg(merged[0], Arrays.copyOfRange(merged, 1, merged.length))
            .withColumn(channel, lit(null).cast(rows.schema().apply(channel).dataType()))
            .withColumn(category, lit(null).cast(rows.schema().apply(category).dataType()));
    Dataset<Row> listed =
        flagged(finest, 0, 0, 0)
            .unionByName(flagged(byChannel, 0, 0, 1))
            .unionByName(flagged(byPeriod, 0, 1, 1));
    // Sorted once per list, then read at each rank.
    List<Column> sorted = new ArrayList<>(flagsAndDimensions(period, channel, category));
    List<Column> ranked = new ArrayList<>(flagsAndDimensions(period, channel, category));
    for (Wanted w : wanted) {
      sorted.add(array_sort(col(w.name())).as(w.name()));
      ranked.add(atRanks(col(w.name()), w.levels()).as(w.name()));
    }
    Dataset<Row> exact =
        listed.select(sorted.toArray(Column[]::new)).select(ranked.toArray(Column[]::new));
    List<Column> overall = new ArrayList<>();
    for (Wanted w : wanted) {
      overall.add(Percentiles.of(col(w.value()).cast("double"), accuracy, w.levels()).as(w.name()));
    }
    Dataset<Row> all =
        flagged(
            rows.agg(overall.get(0), overall.subList(1, overall.size()).toArray(Column[]::new))
                .withColumn(period, lit(null).cast(rows.schema().apply(period).dataType()))
                .withColumn(channel, lit(null).cast(rows.schema().apply(channel).dataType()))
                .withColumn(category, lit(null).cast(rows.schema().apply(category).dataType())),
            1,
            1,
            1);
    return exact.unionByName(all.select(keys(period, channel, category, wanted)));
  }

  /**
   * {@code groups} (a rollup's rows with its grouping flags and dimensions) with the percentile
   * arrays of {@link #of} added; a group without percentile row gets nulls.
   */
  static Dataset<Row> join(
      Dataset<Row> groups,
      Dataset<Row> percentiles,
      String period,
      String channel,
      String category) {
    Dataset<Row> renamed = percentiles;
    for (String c : List.of(G_PERIOD, G_CHANNEL, G_CATEGORY, period, channel, category)) {
      renamed = renamed.withColumnRenamed(c, PREFIX + c);
    }
    Column on = lit(true);
    for (String c : List.of(G_PERIOD, G_CHANNEL, G_CATEGORY, period, channel, category)) {
      on = on.and(col(c).eqNullSafe(col(PREFIX + c)));
    }
    // A few thousand groups on either side: broadcast, never a shuffle of the rollup.
    Dataset<Row> joined =
        groups.join(org.apache.spark.sql.functions.broadcast(renamed), on, "left");
    for (String c : List.of(G_PERIOD, G_CHANNEL, G_CATEGORY, period, channel, category)) {
      joined = joined.drop(PREFIX + c);
    }
    return joined;
  }

  /**
   * The value at rank max(1, ⌈p·n⌉) of a sorted list for each p; null for an empty list, as {@code
   * percentile_disc} gives for a group without values.
   */
  private static Column atRanks(Column sorted, double[] levels) {
    Column n = size(sorted);
    Column[] at = new Column[levels.length];
    for (int i = 0; i < levels.length; i++) {
      at[i] = element_at(sorted, greatest(lit(1L), ceil(n.multiply(levels[i]))).cast("int"));
    }
    return when(n.gt(0), array(at));
  }

  private static Dataset<Row> flagged(Dataset<Row> rows, int gPeriod, int gChannel, int gCategory) {
    return rows.withColumn(G_PERIOD, lit(gPeriod).cast("tinyint"))
        .withColumn(G_CHANNEL, lit(gChannel).cast("tinyint"))
        .withColumn(G_CATEGORY, lit(gCategory).cast("tinyint"));
  }

  private static List<Column> flagsAndDimensions(String period, String channel, String category) {
    return List.of(
        col(G_PERIOD), col(G_CHANNEL), col(G_CATEGORY), col(period), col(channel), col(category));
  }

  private static Column[] keys(String period, String channel, String category, List<Wanted> w) {
    List<Column> out = new ArrayList<>(flagsAndDimensions(period, channel, category));
    w.forEach(x -> out.add(col(x.name())));
    return out.toArray(Column[]::new);
  }
}
