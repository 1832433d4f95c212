package io.tenure.metrics;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.array_distinct;
import static org.apache.spark.sql.functions.array_sort;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.ceil;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.collect_list;
import static org.apache.spark.sql.functions.collect_set;
import static org.apache.spark.sql.functions.count_distinct;
import static org.apache.spark.sql.functions.element_at;
import static org.apache.spark.sql.functions.flatten;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.size;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalInt;
import java.util.function.Function;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.RelationalGroupedDataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;

/**
 * The aggregates of a period × channel × category rollup ({@link Rollups}) that need every value of
 * a group — exact {@link Percentiles} and distinct counts — computed apart from the rollup's other
 * aggregates and joined to its group rows by {@link #join}.
 *
 * <p>The finest groups collect their values into lists (sets for a distinct count); the period ×
 * channel and period groups concatenate those lists; a percentile is the value at rank max(1,
 * ⌈p·n⌉) of the sorted list ({@code percentile_disc}'s definition), a distinct count the size of
 * the de-duplicated list. Only the all-periods group uses Spark's aggregate ({@code
 * percentile_disc}'s count per distinct value, {@code count(DISTINCT)}), because its list would
 * hold every row of the table; a list holds at most one period's values of a group. Inside the
 * rollup, {@code percentile_disc} and {@code collect_set} add every row to a map or set in each of
 * its four groups: 1.6-2.4 times slower at scale M (docs/benchmarks.md). With an accuracy, the
 * percentiles are Spark's {@code percentile_approx}, aggregated in one rollup.
 */
final class RollupLists {
  private static final String G_PERIOD = Rollups.G_PERIOD;
  private static final String G_CHANNEL = Rollups.G_CHANNEL;
  private static final String G_CATEGORY = Rollups.G_CATEGORY;
  private static final String PREFIX = "_list_";

  private RollupLists() {}

  /** An aggregate over every value of a group, named {@code name()} in the result. */
  sealed interface Wanted permits Percentile, DistinctCount {
    String name();
  }

  /** The percentiles {@code levels} of a numeric column, as an array of doubles. */
  record Percentile(String value, String name, double... levels) implements Wanted {}

  /** The number of distinct non-null values of a column, a long. */
  record DistinctCount(String value, String name) implements Wanted {}

  /**
   * One row per rollup group: its grouping flags ({@link Rollups#G_PERIOD} and the two others, as
   * {@code grouping()} gives them), the three dimensions (null where rolled up) and one column per
   * wanted aggregate. Nulls are not counted.
   *
   * @param accuracy empty = exact percentiles; else {@code percentile_approx} with this accuracy
   */
  static Dataset<Row> of(
      Dataset<Row> rows,
      String period,
      String channel,
      String category,
      OptionalInt accuracy,
      List<Wanted> wanted) {
    Dimensions d = new Dimensions(period, channel, category, rows.schema());
    List<Wanted> listed =
        accuracy.isPresent()
            ? wanted.stream().filter(w -> w instanceof DistinctCount).toList()
            : wanted;
    List<Wanted> approximate = wanted.stream().filter(w -> !listed.contains(w)).toList();
    Dataset<Row> out = listed.isEmpty() ? null : fromLists(rows, d, listed);
    if (!approximate.isEmpty()) {
      List<Column> aggregates = new ArrayList<>();
      for (Wanted w : approximate) {
        Percentile p = (Percentile) w;
        aggregates.add(
            Percentiles.of(col(p.value()).cast("double"), accuracy, p.levels()).as(p.name()));
      }
      aggregates.addAll(Rollups.flags(period, channel, category));
      Dataset<Row> rolled =
          rows.rollup(col(period), col(channel), col(category))
              .agg(
                  aggregates.get(0),
                  aggregates.subList(1, aggregates.size()).toArray(Column[]::new))
              .select(d.keys(approximate));
      out = out == null ? rolled : join(rolled, out, period, channel, category);
    }
    return out.select(d.keys(wanted));
  }

  private static Dataset<Row> fromLists(Dataset<Row> rows, Dimensions d, List<Wanted> wanted) {
    Dataset<Row> finest =
        aggregated(
            rows.groupBy(col(d.period), col(d.channel), col(d.category)),
            wanted,
            RollupLists::collected);
    Dataset<Row> byChannel =
        aggregated(finest.groupBy(col(d.period), col(d.channel)), wanted, RollupLists::merged);
    Dataset<Row> byPeriod = aggregated(finest.groupBy(col(d.period)), wanted, RollupLists::merged);
    Dataset<Row> lists =
        d.rolledUp(finest, 0, 0, 0)
            .unionByName(d.rolledUp(byChannel, 0, 0, 1))
            .unionByName(d.rolledUp(byPeriod, 0, 1, 1));
    // Each list sorted once, then read at every rank.
    List<Column> prepared = new ArrayList<>(List.of(d.keys(List.of())));
    List<Column> read = new ArrayList<>(List.of(d.keys(List.of())));
    for (Wanted w : wanted) {
      prepared.add(prepared(w).as(w.name()));
      read.add(read(w).as(w.name()));
    }
    Dataset<Row> groups =
        lists.select(prepared.toArray(Column[]::new)).select(read.toArray(Column[]::new));
    Dataset<Row> all =
        d.rolledUp(aggregated(rows.groupBy(), wanted, RollupLists::overall), 1, 1, 1);
    return groups.unionByName(all.select(d.keys(wanted)));
  }

  /**
   * {@code groups} (a rollup's rows with its grouping flags and dimensions) with the columns of
   * {@link #of} added; a group without a row there gets nulls.
   */
  static Dataset<Row> join(
      Dataset<Row> groups, Dataset<Row> lists, String period, String channel, String category) {
    List<String> keys = List.of(G_PERIOD, G_CHANNEL, G_CATEGORY, period, channel, category);
    Dataset<Row> renamed = lists;
    Column on = lit(true);
    for (String c : keys) {
      renamed = renamed.withColumnRenamed(c, PREFIX + c);
      on = on.and(col(c).eqNullSafe(col(PREFIX + c)));
    }
    // A few thousand groups on either side: broadcast, never a shuffle of the rollup.
    Dataset<Row> joined = groups.join(broadcast(renamed), on, "left");
    for (String c : keys) {
      joined = joined.drop(PREFIX + c);
    }
    return joined;
  }

  /** A finest group's list. */
  private static Column collected(Wanted w) {
    return w instanceof Percentile p
        ? collect_list(col(p.value()).cast("double"))
        : collect_set(col(((DistinctCount) w).value()));
  }

  /** A coarser group's list, from its finest groups' lists. */
  private static Column merged(Wanted w) {
    Column all = flatten(collect_list(col(w.name())));
    return w instanceof DistinctCount ? array_distinct(all) : all;
  }

  private static Column prepared(Wanted w) {
    return w instanceof Percentile ? array_sort(col(w.name())) : col(w.name());
  }

  private static Column read(Wanted w) {
    return w instanceof Percentile p
        ? atRanks(col(p.name()), p.levels())
        : size(col(w.name())).cast("long");
  }

  /** The all-periods group's aggregate over the rows. */
  private static Column overall(Wanted w) {
    return w instanceof Percentile p
        ? Percentiles.of(col(p.value()).cast("double"), OptionalInt.empty(), p.levels())
        : count_distinct(col(((DistinctCount) w).value()));
  }

  private static Dataset<Row> aggregated(
      RelationalGroupedDataset groups, List<Wanted> wanted, Function<Wanted, Column> aggregate) {
    Column[] columns =
        wanted.stream().map(w -> aggregate.apply(w).as(w.name())).toArray(Column[]::new);
    return groups.agg(columns[0], Arrays.copyOfRange(columns, 1, columns.length));
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

  /** The rollup's dimensions, and their types in the rows. */
  private record Dimensions(String period, String channel, String category, StructType rows) {
    /** The grouping flags and dimensions, then the wanted columns. */
    Column[] keys(List<Wanted> wanted) {
      List<Column> out =
          new ArrayList<>(
              List.of(
                  col(G_PERIOD),
                  col(G_CHANNEL),
                  col(G_CATEGORY),
                  col(period),
                  col(channel),
                  col(category)));
      wanted.forEach(w -> out.add(col(w.name())));
      return out.toArray(Column[]::new);
    }

    /**
     * {@code groups} with its grouping flags, and the rolled-up dimensions (flag 1) as nulls of
     * their type.
     */
    Dataset<Row> rolledUp(Dataset<Row> groups, int gPeriod, int gChannel, int gCategory) {
      String[] names = {period, channel, category};
      int[] flags = {gPeriod, gChannel, gCategory};
      String[] flagNames = {G_PERIOD, G_CHANNEL, G_CATEGORY};
      for (int i = 0; i < 3; i++) {
        if (flags[i] == 1) {
          groups = groups.withColumn(names[i], lit(null).cast(rows.apply(names[i]).dataType()));
        }
        groups = groups.withColumn(flagNames[i], lit(flags[i]).cast("tinyint"));
      }
      return groups;
    }
  }
}
