package io.tenure.metrics;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lead;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import io.tenure.config.Grain;
import io.tenure.config.ServiceSettings;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;

/** The contacts as {@link ServiceKpis} counts them: one row per contact with its facts. */
final class ServiceContacts {
  private static final String PERIOD_START = TimeWithCustomer.PERIOD_START;
  private static final String CHANNEL = TimeWithCustomer.CHANNEL;
  private static final String CATEGORY = TimeWithCustomer.CATEGORY;

  private ServiceContacts() {}

  /** One row per contact with the facts the KPIs count. */
  static Dataset<Row> of(
      Dataset<Row> interactions,
      ServiceSettings settings,
      java.util.OptionalInt percentileAccuracy,
      ZoneId zone,
      Grain grain) {
    Column opened = col("opened_at").cast("double");
    Column repeatWindow =
        lead(col("opened_at"), 1)
            .over(
                Window.partitionBy(col("customer_id"), col(CATEGORY))
                    .orderBy(col("opened_at"), col("interaction_id")));
    // Handle time is staff time: the elapsed open-to-close time is no handle time.
    Column duration = col("handle_seconds");
    // An aggregate per category joined back, not a window by category: that window shuffles
    // every contact into as many tasks as there are categories.
    Dataset<Row> medians =
        interactions
            .groupBy(col(CATEGORY).as("m_category"))
            .agg(
                Percentiles.of(duration, percentileAccuracy, 0.5).getItem(0).as("category_median"));
    List<Column> columns = new ArrayList<>(List.of(timings(settings, zone, grain)));
    columns.addAll(
        List.of(
            col("first_response_at"),
            col("closed_at"),
            lookup(col(CHANNEL), settings.responseTargets()).as("target"),
            Contacts.expectsResponse(settings).as("expects_response"),
            coalesce(col("resolved"), col("closed_at").isNotNull()).as("is_resolved"),
            // An anonymous contact (placeholder id) is never known to be a repeat: it is left out
            // of the repeat and first-contact-resolution rates.
            col("customer_id")
                .isNotNull()
                .and(
                    coalesce(
                        repeatWindow
                            .cast("double")
                            .minus(opened)
                            .leq(settings.repeatContactDays() * 86400.0),
                        lit(false)))
                .as("is_repeat"),
            col("csat"),
            col("nps"),
            duration.as("duration"),
            coalesce(lookup(col(CATEGORY), settings.handleTargets()), col("category_median"))
                .as("baseline")));
    return interactions
        .join(broadcast(medians), col(CATEGORY).eqNullSafe(col("m_category")), "left")
        .select(columns.toArray(Column[]::new));
  }

  /**
   * The rollup's dimensions, the customer and the durations whose percentiles the KPIs report, per
   * contact: the lists read only these, without the repeat window and the category medians.
   */
  static Column[] timings(ServiceSettings settings, ZoneId zone, Grain grain) {
    Column opened = col("opened_at").cast("double");
    return new Column[] {
      col("customer_id"),
      col(CHANNEL),
      col(CATEGORY),
      Periods.start(Periods.localDate(col("opened_at"), zone), grain).as(PERIOD_START),
      col("first_response_at").cast("double").minus(opened).as("response_s"),
      col("closed_at").cast("double").minus(opened).as("close_s"),
      businessSeconds(col("first_response_at"), settings, zone).as("response_bs"),
      businessSeconds(col("closed_at"), settings, zone).as("close_bs")
    };
  }

  /** Business seconds from opened_at to {@code to}, or null without a business calendar. */
  private static Column businessSeconds(Column to, ServiceSettings settings, ZoneId zone) {
    return settings
        .businessHours()
        .map(calendar -> BusinessTime.seconds(col("opened_at"), to, calendar, zone))
        .orElse(lit(null).cast("double"));
  }

  private static Column lookup(Column key, Map<String, Double> values) {
    Column out = lit(null).cast("double");
    for (Map.Entry<String, Double> e : values.entrySet()) {
      out = when(key.equalTo(e.getKey()), lit(e.getValue())).otherwise(out);
    }
    return out;
  }
}
