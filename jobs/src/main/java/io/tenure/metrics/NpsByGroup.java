package io.tenure.metrics;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.date_format;
import static org.apache.spark.sql.functions.lit;

import io.tenure.config.Grain;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * NPS per customer group and period ({@link Nps} defines score and interval): per acquisition
 * cohort (the period of the customer's first purchase, {@code cohort = yyyy-MM-dd} of its start;
 * {@code none} for customers who never bought) and per segment (from the customers input; {@code
 * unknown} when the customer has none; rows only when that input is configured). An answer belongs
 * to the period in which its contact was opened; {@code period_start} null is all periods.
 */
public final class NpsByGroup {
  public static final String TABLE = "nps_by_group";

  private NpsByGroup() {}

  /**
   * @param interactions clean interactions
   * @param customers the activity base's customer table
   * @param withSegments whether the customers input (and so segments) is configured
   */
  public static Dataset<Row> compute(
      Dataset<Row> interactions,
      Dataset<Row> customers,
      boolean withSegments,
      Grain grain,
      ZoneId zone) {
    Dataset<Row> answers =
        interactions
            // Groups describe customers: an anonymous answer (placeholder id) has none.
            .where(col("nps").isNotNull().and(col("customer_id").isNotNull()))
            .select(
                col("customer_id"),
                col("nps"),
                Periods.start(Periods.localDate(col("opened_at"), zone), grain).as("period_start"));
    Dataset<Row> described =
        answers
            .join(customers, Outputs.using(ActivityBase.CUSTOMER_ID), "left")
            .select(
                col("nps"),
                col("period_start"),
                coalesce(
                        date_format(
                            Periods.start(col(ActivityBase.FIRST_PURCHASE_DATE), grain),
                            "yyyy-MM-dd"),
                        lit("none"))
                    .as("cohort"),
                coalesce(col(ActivityBase.SEGMENT), lit("unknown")).as("segment"));
    Dataset<Row> out = byGroup(described, "cohort");
    return withSegments ? out.unionByName(byGroup(described, "segment")) : out;
  }

  private static Dataset<Row> byGroup(Dataset<Row> described, String group) {
    Column[] counts = Nps.counts(col("nps"));
    List<Column> columns =
        new ArrayList<>(
            List.of(lit(group).as("group_by"), col(group).as("group_value"), col("period_start")));
    columns.addAll(List.of(Nps.columns()));
    return described
        .rollup(col(group), col("period_start"))
        .agg(counts[0], counts[1], counts[2], counts[3])
        .where(col(group).isNotNull())
        .select(columns.toArray(Column[]::new));
  }
}
