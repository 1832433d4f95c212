package io.tenure.metrics;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.date_sub;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.max_by;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.when;

import io.tenure.config.ServiceSettings;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * A customer's service experience before a day, point in time: what retention_drivers buckets and
 * the churn-risk model reads as features.
 *
 * <p>For each unit (a customer and a {@code period_start} day), over the contacts opened in the
 * {@code service.driver-lookback-days} days before that day, counting only what was known before
 * its local midnight: n (contacts), unresolved (not closed as resolved before), complaints and
 * open_complaints (categories in {@code service.complaint-categories}), never_answered (a contact
 * in a channel with a response target and no response before), slowest (the longest first response
 * in seconds among those answered before; null without one), csat and nps (the last answers known
 * before, by when they became known), refunds (refunds in the same window).
 */
public final class ServiceExperience {
  public static final List<String> COLUMNS =
      List.of(
          "n",
          "unresolved",
          "complaints",
          "open_complaints",
          "never_answered",
          "slowest",
          "csat",
          "nps",
          "refunds");

  private ServiceExperience() {}

  /**
   * @param units customer_id, period_start and any other columns, which are kept; one row per
   *     customer and period_start
   */
  public static Dataset<Row> before(
      Dataset<Row> units,
      Dataset<Row> interactions,
      Dataset<Row> transactions,
      ServiceSettings settings,
      ZoneId zone) {
    Column start = col("period_start");
    Column windowStart = date_sub(start, settings.driverLookbackDays());
    Column startTs = Periods.startOfDay(start, zone);

    // Contacts and refunds are one set of events, so that each unit is joined and aggregated once
    // (a second join for the refunds sorted and grouped every unit again).
    Dataset<Row> contacts =
        interactions.select(
            col("customer_id").as("c_customer"),
            col("opened_at"),
            col("first_response_at"),
            col("closed_at"),
            col("resolved"),
            Contacts.expectsResponse(settings).as("expects_response"),
            col("category").isin(settings.complaintCategories().toArray()).as("complaint"),
            col("csat"),
            col("nps"),
            KnownFacts.surveyKnownAt().as("survey_known_at"),
            Periods.localDate(col("opened_at"), zone).as("event_date"),
            lit(false).as("is_refund"));
    Dataset<Row> refunds =
        transactions
            .where(col("kind").equalTo("refund"))
            .select(
                col("customer_id").as("c_customer"),
                Periods.localDate(col("occurred_at"), zone).as("event_date"),
                lit(true).as("is_refund"));
    Dataset<Row> seen =
        units.join(
            contacts.unionByName(refunds, true),
            col("customer_id")
                .equalTo(col("c_customer"))
                .and(col("event_date").geq(windowStart))
                .and(col("event_date").lt(start)),
            "left");
    // A refund's contact columns are null, which every aggregate below skips.
    Column contact = col("is_refund").equalTo(false);
    // Unknown (null) means "not yet" at the period start.
    Column resolvedBefore =
        coalesce(
            col("closed_at").lt(startTs).and(coalesce(col("resolved"), lit(true))), lit(false));
    Column answeredBefore = coalesce(col("first_response_at").lt(startTs), lit(false));
    Column responseS =
        when(
            answeredBefore,
            col("first_response_at").cast("double").minus(col("opened_at").cast("double")));
    Column[] unitColumns = Outputs.columns(units.columns());
    return seen.groupBy(unitColumns)
        .agg(
            count(when(contact, 1)).as("n"),
            count(when(contact.and(resolvedBefore.unary_$bang()), 1)).as("unresolved"),
            count(when(col("complaint"), 1)).as("complaints"),
            count(when(col("complaint").and(resolvedBefore.unary_$bang()), 1))
                .as("open_complaints"),
            count(when(col("expects_response").and(answeredBefore.unary_$bang()), 1))
                .as("never_answered"),
            max(responseS).as("slowest"),
            max_by(col("csat"), lastKnown(col("csat"), startTs)).as("csat"),
            max_by(col("nps"), lastKnown(col("nps"), startTs)).as("nps"),
            count(when(col("is_refund"), 1)).as("refunds"));
  }

  /**
   * As {@link #before(Dataset, Dataset, Dataset, ServiceSettings, ZoneId)} for units whose
   * period_start days all lie from {@code first} to {@code last}: the contacts and refunds outside
   * every unit's window are left out in the scan (compared as instants, so that Parquet skips their
   * row groups) instead of being shuffled to the join and matching no unit.
   */
  public static Dataset<Row> before(
      Dataset<Row> units,
      Dataset<Row> interactions,
      Dataset<Row> transactions,
      ServiceSettings settings,
      ZoneId zone,
      LocalDate first,
      LocalDate last) {
    Column from = Periods.startOfDay(first.minusDays(settings.driverLookbackDays()), zone);
    Column to = Periods.startOfDay(last, zone);
    return before(
        units,
        interactions.where(col("opened_at").geq(from).and(col("opened_at").lt(to))),
        transactions.where(col("occurred_at").geq(from).and(col("occurred_at").lt(to))),
        settings,
        zone);
  }

  /**
   * Orders the survey answers known before {@code startTs} by when they became known (then by
   * opening); answers not known yet order as null, which max_by skips.
   */
  private static Column lastKnown(Column score, Column startTs) {
    return when(
        score.isNotNull().and(col("survey_known_at").lt(startTs)),
        struct(col("survey_known_at"), col("opened_at")));
  }
}
