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
 * Exact percentiles per rollup group from sorted lists, against SQL's {@code percentile_disc} over
 * the same groups (GROUPING SETS), and on a group small enough to rank by hand.
 */
@ExtendWith(SparkExtension.class)
class RollupPercentilesTest {
  private static final List<RollupPercentiles.Wanted> WANTED =
      List.of(
          new RollupPercentiles.Wanted("v", "q", 0.01, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 1.0),
          new RollupPercentiles.Wanted("w", "r", 0.5));

  private static Dataset<Row> percentiles(Dataset<Row> rows) {
    return RollupPercentiles.of(rows, "p", "ch", "cat", OptionalInt.empty(), WANTED);
  }

  @Test
  void ranksOfOneSmallGroupByHand(SparkSession spark) {
    // Values 40, 10, 30, 20 (w null everywhere): sorted 10 20 30 40, n = 4; rank max(1, ⌈p·4⌉):
    // p 0.01 → 1, 0.25 → 1, 0.5 → 2, 0.75 → 3, 0.9 → 4, 0.95 → 4, 0.99 → 4, 1.0 → 4.
    Dataset<Row> rows =
        spark.sql(
            "select date '2024-01-01' p, 'phone' ch, 'billing' cat, v, cast(null as double) w"
                + " from values (40.0d), (10.0d), (30.0d), (20.0d) as t(v)");
    List<Row> out =
        percentiles(rows).orderBy("g_period", "g_channel", "g_category").collectAsList();
    assertThat(out).hasSize(4); // finest, period × channel, period, all periods
    for (Row r : out) {
      assertThat(r.getList(r.fieldIndex("q")))
          .containsExactly(10.0, 10.0, 20.0, 30.0, 40.0, 40.0, 40.0, 40.0);
      assertThat(r.isNullAt(r.fieldIndex("r"))).isTrue(); // no w at all: null, as percentile_disc
    }
    assertThat(out.get(3).isNullAt(out.get(3).fieldIndex("p"))).isTrue();
    assertThat(out.get(2).isNullAt(out.get(2).fieldIndex("ch"))).isTrue();
  }

  @Test
  void anAccuracyUsesPercentileApproxOverTheSameGroups(SparkSession spark) {
    // Four values in one group and 10,000 as accuracy: the summary holds every value, so the
    // approximate percentiles are the exact ones, in the same layout.
    Dataset<Row> rows =
        spark.sql(
            "select date '2024-01-01' p, 'phone' ch, 'billing' cat, v, cast(null as double) w"
                + " from values (40.0d), (10.0d), (30.0d), (20.0d) as t(v)");
    Dataset<Row> approx =
        RollupPercentiles.of(rows, "p", "ch", "cat", OptionalInt.of(10_000), WANTED);
    assertThat(approx.columns()).containsExactly(percentiles(rows).columns());
    List<Row> out = approx.orderBy("g_period", "g_channel", "g_category").collectAsList();
    assertThat(out).hasSize(4);
    for (Row r : out) {
      assertThat(r.getList(r.fieldIndex("q")))
          .containsExactly(10.0, 10.0, 20.0, 30.0, 40.0, 40.0, 40.0, 40.0);
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
                    + " else cast((i * 11 + g) % 17 as double) end as w");
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
                + " array(percentile_disc(0.5) within group (order by w)) end r"
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
