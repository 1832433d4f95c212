package io.tenure.metrics;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import io.tenure.testing.SparkExtension;
import java.util.List;
import java.util.OptionalInt;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Exact percentiles and distinct counts per rollup group from lists, against SQL's {@code
 * percentile_disc} and {@code count(DISTINCT)} over the same groups, and on a group small enough to
 * rank by hand.
 */
@ExtendWith(SparkExtension.class)
class RollupListsTest {
  private static final List<RollupLists.Wanted> WANTED =
      List.of(
          new RollupLists.Percentile("v", "q", 0.01, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 1.0),
          new RollupLists.Percentile("w", "r", 0.5),
          new RollupLists.DistinctCount("c", "d"));

  private static Dataset<Row> percentiles(Dataset<Row> rows) {
    return RollupLists.of(rows, "p", "ch", "cat", OptionalInt.empty(), WANTED);
  }

  /** One group of four values, 40, 10, 30, 20, of customers A, B, A, null; w null everywhere. */
  private static Dataset<Row> fourValues(SparkSession spark) {
    return spark.sql(
        "select date '2024-01-01' p, 'phone' ch, 'billing' cat, v, cast(null as double) w, c"
            + " from values (40.0d, 'A'), (10.0d, 'B'), (30.0d, 'A'), (20.0d, null) as t(v, c)");
  }

  /** The rows of the finest level first, the all-periods row last. */
  private static List<Row> byLevel(Dataset<Row> percentiles) {
    return percentiles.orderBy("g_period", "g_channel", "g_category").collectAsList();
  }

  @Test
  void ranksOfOneSmallGroupByHand(SparkSession spark) {
    // Sorted 10 20 30 40, n = 4; rank max(1, ⌈p·4⌉): p 0.01 → 1, 0.25 → 1, 0.5 → 2, 0.75 → 3,
    // 0.9 → 4, 0.95 → 4, 0.99 → 4, 1.0 → 4. The same at every level: there is one group.
    List<Row> out = byLevel(percentiles(fourValues(spark)));
    assertThat(out).hasSize(4); // finest, period × channel, period, all periods
    for (Row r : out) {
      assertThat(r.getList(r.fieldIndex("q")))
          .containsExactly(10.0, 10.0, 20.0, 30.0, 40.0, 40.0, 40.0, 40.0);
      assertThat(r.isNullAt(r.fieldIndex("r"))).isTrue(); // no w at all: null, as percentile_disc
      assertThat(r.getLong(r.fieldIndex("d"))).isEqualTo(2L); // A and B
    }
    assertThat(out.get(3).isNullAt(out.get(3).fieldIndex("p"))).isTrue();
    assertThat(out.get(2).isNullAt(out.get(2).fieldIndex("ch"))).isTrue();
  }

  @Test
  void anAccuracyUsesPercentileApproxOverTheSameGroups(SparkSession spark) {
    // With 10,000 as accuracy the summary of four values holds every value, so the approximate
    // percentiles are the exact ones, in the same layout.
    Dataset<Row> approx =
        RollupLists.of(fourValues(spark), "p", "ch", "cat", OptionalInt.of(10_000), WANTED);
    assertThat(approx.columns()).containsExactly(percentiles(fourValues(spark)).columns());
    List<Row> out = byLevel(approx);
    assertThat(out).hasSize(4);
    for (Row r : out) {
      assertThat(r.getList(r.fieldIndex("q")))
          .containsExactly(10.0, 10.0, 20.0, 30.0, 40.0, 40.0, 40.0, 40.0);
      assertThat(r.getLong(r.fieldIndex("d"))).isEqualTo(2L); // exact in either mode
    }
  }

  @Test
  void equalsPercentileDiscOnEveryGroupOfTheRollup(SparkSession spark) {
    // Groups of every size from 1 to 60 (one per category within a period × channel), values with
    // ties and nulls, a group whose w is null everywhere.
    Dataset<Row> rows =
        spark
            .range(0, 60)
            .selectExpr("id as g")
            .selectExpr("g", "explode(sequence(1, cast(g + 1 as int))) as i")
            .selectExpr(
                "date_add(date '2024-01-01', cast(g % 3 as int) * 31) as p",
                "case when g % 2 = 0 then 'phone' else 'chat' end as ch",
                "concat('c', g) as cat",
                "cast((i * 7 + g * 13) % 23 as double) as v",
                "case when g = 5 or i % 4 = 0 then null"
                    + " else cast((i * 11 + g) % 17 as double) end as w",
                // Customers shared across the groups of a period, some contacts anonymous.
                "case when i % 5 = 0 then null else concat('k', (i * 3 + g) % 29) end as c");
    rows.createOrReplaceTempView("rp_rows");
    Dataset<Row> sql =
        spark.sql(
            "select cast(grouping(p) as tinyint) g_period, cast(grouping(ch) as tinyint)"
                + " g_channel, cast(grouping(cat) as tinyint) g_category, p, ch, cat,"
                + " array(percentile_disc(0.01) within group (order by v),"
                + " percentile_disc(0.25) within group (order by v),"
                + " percentile_disc(0.5) within group (order by v),"
                + " percentile_disc(0.75) within group (order by v),"
                + " percentile_disc(0.9) within group (order by v),"
                + " percentile_disc(0.95) within group (order by v),"
                + " percentile_disc(0.99) within group (order by v),"
                + " percentile_disc(1.0) within group (order by v)) q,"
                + " case when count(w) > 0 then"
                + " array(percentile_disc(0.5) within group (order by w)) end r,"
                + " count(distinct c) d"
                + " from rp_rows group by rollup(p, ch, cat)");
    Dataset<Row> ours = percentiles(rows);
    assertThat(ours.count()).isEqualTo(sql.count()).isEqualTo(60 + 6 + 3 + 1);
    assertThat(ours.exceptAll(sql).count()).isZero();
    assertThat(sql.exceptAll(ours).count()).isZero();
    // The all-null group has null percentiles, not a missing row.
    assertThat(
            ours.where(col("cat").equalTo("c5"))
                .select(col("r").isNull())
                .as(org.apache.spark.sql.Encoders.BOOLEAN())
                .collectAsList())
        .containsExactly(true);
  }
}
