package io.tenure.metrics;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.grouping;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import java.util.List;
import org.apache.spark.sql.Column;

/**
 * The period × channel × category rollups that time_with_customer and service_kpis share: the
 * {@code level} of a row and the {@code all} of a rolled-up dimension.
 */
final class Rollups {
  static final String ALL = "all";

  // The grouping flags of such a rollup, as grouping() gives them: 1 where rolled up.
  static final String G_PERIOD = "g_period";
  static final String G_CHANNEL = "g_channel";
  static final String G_CATEGORY = "g_category";

  private Rollups() {}

  /** The three grouping flags of a rollup over these dimensions, as aggregates. */
  static List<Column> flags(String period, String channel, String category) {
    return List.of(
        grouping(col(period)).as(G_PERIOD),
        grouping(col(channel)).as(G_CHANNEL),
        grouping(col(category)).as(G_CATEGORY));
  }

  /** The level of a period × channel × category rollup row, from its grouping flags. */
  static Column level(Column gPeriod, Column gChannel, Column gCategory) {
    return when(gPeriod.equalTo(1), lit("overall"))
        .when(gChannel.equalTo(1), lit("period"))
        .when(gCategory.equalTo(1), lit("period_channel"))
        .otherwise(lit("period_channel_category"));
  }

  /** A rollup dimension that reads {@code all} where it was rolled up. */
  static Column rolled(String name, String groupingFlag) {
    return when(col(groupingFlag).equalTo(1), lit(ALL)).otherwise(col(name)).as(name);
  }
}
