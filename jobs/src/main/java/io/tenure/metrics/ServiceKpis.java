package io.tenure.metrics;

import static org.apache.spark.sql.functions.avg;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.first;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import io.tenure.config.Grain;
import io.tenure.config.ServiceSettings;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Service KPIs per period × channel × category, rolled up like {@link TimeWithCustomer} ({@code
 * level} names the grouping; a rolled-up dimension reads {@code all}). A contact belongs to the
 * period in which it was opened. Definitions (docs/metrics.md, "Service KPIs"):
 *
 * <ul>
 *   <li>Contacts in channels that expect an answer (those with a response target; all channels when
 *       no target is configured) are <b>answered</b> when they have a first_response_at,
 *       <b>abandoned</b> when closed without one, <b>pending</b> when they have neither (still
 *       waiting at the as-of date). first_response_seconds = first_response_at − opened_at, over
 *       all contacts with a response. abandon_rate = abandoned / (answered + abandoned).
 *   <li>within_target_rate = answered within the channel's target / (answered + abandoned) over
 *       channels with a target ({@code service.response-targets}); pending contacts are not judged
 *       yet.
 *   <li>resolved = the source's resolved flag, else closed; resolution_rate = resolved / contacts;
 *       time_to_close = closed_at − opened_at over closed contacts.
 *   <li>A <b>repeat contact</b> is followed by another contact of the same customer in the same
 *       category within {@code service.repeat-contact-days} days. first_contact_resolution_rate =
 *       resolved contacts that are not repeat contacts / identified contacts; repeat_contact_rate =
 *       repeat contacts / identified contacts. Identified contacts are those with a customer:
 *       anonymous contacts (a placeholder id, {@code quality.placeholder-customer-ids}) count in
 *       every other figure, but whether they repeat is unknown.
 *   <li>CSAT: mean score, satisfied_rate = scores 4–5 / responses, survey_response_rate = responses
 *       / contacts.
 *   <li>With {@code service.business-hours}, first response and time to close are also measured in
 *       business time ({@link BusinessTime}): p50 and p90 of the seconds inside opening hours.
 *   <li>NPS and its interval as {@link Nps} defines them.
 *   <li>Handle time against a baseline: the staff time handle_seconds (time_with_customer's {@code
 *       handle} measure); the baseline of a category is its {@code service.handle-time-targets}
 *       entry, else its median handle time over all periods; share_above_baseline = contacts with a
 *       handle time longer than their category's baseline / contacts with a handle time. A
 *       baseline, not a cap.
 *   <li>contacts_per_active_customer = contacts / customers with a purchase in the period (in the
 *       whole history for the overall row).
 * </ul>
 */
public final class ServiceKpis {
  public static final String TABLE = "service_kpis";

  private static final String PERIOD_START = TimeWithCustomer.PERIOD_START;
  private static final String CHANNEL = TimeWithCustomer.CHANNEL;
  private static final String CATEGORY = TimeWithCustomer.CATEGORY;

  private ServiceKpis() {}

  /**
   * @param interactions clean interactions
   * @param base the activity base (active customers: its customer-periods with a purchase, of
   *     {@code grain}; its customers with a first purchase overall)
   */
  public static Dataset<Row> compute(
      Dataset<Row> interactions,
      ActivityBase base,
      ServiceSettings settings,
      java.util.OptionalInt percentileAccuracy,
      Grain grain,
      ZoneId zone) {
    Dataset<Row> contacts =
        ServiceContacts.of(interactions, settings, percentileAccuracy, zone, grain);
    java.util.OptionalInt acc = percentileAccuracy;
    Column expects = col("expects_response");
    Column answered = expects.and(col("first_response_at").isNotNull());
    Column abandoned =
        expects.and(col("first_response_at").isNull()).and(col("closed_at").isNotNull());
    Column judged = col("target").isNotNull().and(answered.or(abandoned));
    List<Column> aggregates =
        new ArrayList<>(
            List.of(
                count(lit(1)).as("contacts"),
                count(when(answered, 1)).as("answered"),
                count(when(abandoned, 1)).as("abandoned"),
                count(
                        when(
                            expects
                                .and(col("first_response_at").isNull())
                                .and(col("closed_at").isNull()),
                            1))
                    .as("pending"),
                avg(col("response_s")).as("first_response_mean_seconds"),
                count(when(judged, 1)).as("targeted"),
                count(when(judged.and(col("response_s").leq(col("target"))), 1))
                    .as("within_target"),
                count(when(col("is_resolved"), 1)).as("resolved"),
                count(col("customer_id")).as("identified_contacts"),
                count(when(col("is_repeat"), 1)).as("repeat_contacts"),
                count(
                        when(
                            col("customer_id")
                                .isNotNull()
                                .and(col("is_resolved"))
                                .and(col("is_repeat").unary_$bang()),
                            1))
                    .as("first_contact_resolved"),
                count(col("csat")).as("csat_responses"),
                avg(col("csat")).as("csat_mean"),
                count(when(col("csat").geq(4), 1)).as("csat_satisfied"),
                count(col("duration")).as("timed_contacts"),
                count(when(col("duration").gt(col("baseline")), 1)).as("above_baseline"),
                first(col("baseline"), true).as("baseline")));
    aggregates.addAll(Rollups.flags(PERIOD_START, CHANNEL, CATEGORY));
    aggregates.addAll(List.of(Nps.counts(col("nps"))));
    Dataset<Row> groups =
        contacts
            .rollup(col(PERIOD_START), col(CHANNEL), col(CATEGORY))
            .agg(
                aggregates.get(0), aggregates.subList(1, aggregates.size()).toArray(Column[]::new));
    // The distinct customers from lists too: a distinct aggregate in the rollup would make Spark
    // expand every row and re-plan the other aggregates (7x slower at scale S), a set per group
    // in it adds every row to four sets (docs/benchmarks.md).
    List<RollupLists.Wanted> wanted =
        List.of(
            new RollupLists.DistinctCount("customer_id", "customers"),
            new RollupLists.Percentile("response_s", "rq", 0.5, 0.9, 0.99),
            new RollupLists.Percentile("close_s", "cq", 0.5, 0.9),
            new RollupLists.Percentile("response_bs", "rbq", 0.5, 0.9),
            new RollupLists.Percentile("close_bs", "cbq", 0.5, 0.9));
    Dataset<Row> agg =
        RollupLists.join(
            groups,
            RollupLists.of(
                interactions.select(ServiceContacts.timings(settings, zone, grain)),
                PERIOD_START,
                CHANNEL,
                CATEGORY,
                acc,
                wanted),
            PERIOD_START,
            CHANNEL,
            CATEGORY);

    Dataset<Row> active = activeCustomers(base, grain);
    Dataset<Row> joined =
        agg.withColumn("active_key", Outputs.periodKey(col(PERIOD_START)))
            .join(active, Outputs.using("active_key"), "left");

    List<Column> columns =
        new ArrayList<>(
            List.of(
                Rollups.level(
                        col(Rollups.G_PERIOD), col(Rollups.G_CHANNEL), col(Rollups.G_CATEGORY))
                    .as(TimeWithCustomer.LEVEL),
                col(PERIOD_START),
                Rollups.rolled(CHANNEL, Rollups.G_CHANNEL),
                Rollups.rolled(CATEGORY, Rollups.G_CATEGORY),
                col("contacts"),
                col("customers"),
                col("active_customers"),
                Outputs.ratio(col("contacts"), col("active_customers"))
                    .as("contacts_per_active_customer"),
                col("answered"),
                col("abandoned"),
                col("pending"),
                Outputs.ratio(col("abandoned"), col("answered").plus(col("abandoned")))
                    .as("abandon_rate"),
                col("first_response_mean_seconds"),
                col("rq").getItem(0).as("first_response_p50_seconds"),
                col("rq").getItem(1).as("first_response_p90_seconds"),
                col("rq").getItem(2).as("first_response_p99_seconds"),
                col("targeted").as("sla_contacts"),
                col("within_target"),
                Outputs.ratio(col("within_target"), col("targeted")).as("within_target_rate"),
                col("resolved"),
                Outputs.ratio(col("resolved"), col("contacts")).as("resolution_rate"),
                col("cq").getItem(0).as("time_to_close_p50_seconds"),
                col("cq").getItem(1).as("time_to_close_p90_seconds"),
                col("repeat_contacts"),
                Outputs.ratio(col("repeat_contacts"), col("identified_contacts"))
                    .as("repeat_contact_rate"),
                col("first_contact_resolved"),
                Outputs.ratio(col("first_contact_resolved"), col("identified_contacts"))
                    .as("first_contact_resolution_rate"),
                col("csat_responses"),
                col("csat_mean"),
                Outputs.ratio(col("csat_satisfied"), col("csat_responses"))
                    .as("csat_satisfied_rate"),
                Outputs.ratio(col("csat_responses"), col("contacts")).as("survey_response_rate")));
    columns.addAll(
        List.of(
            col("rbq").getItem(0).as("first_response_business_p50_seconds"),
            col("rbq").getItem(1).as("first_response_business_p90_seconds"),
            col("cbq").getItem(0).as("time_to_close_business_p50_seconds"),
            col("cbq").getItem(1).as("time_to_close_business_p90_seconds")));
    columns.addAll(List.of(Nps.columns()));
    columns.addAll(
        List.of(
            col("timed_contacts"),
            col("identified_contacts"),
            when(col(Rollups.G_CATEGORY).equalTo(0), col("baseline")).as("handle_baseline_seconds"),
            Outputs.ratio(col("above_baseline"), col("timed_contacts"))
                .as("share_above_baseline")));
    return joined.select(columns.toArray(Column[]::new));
  }

  /** Customers with a purchase per period, and overall, keyed like the KPI rows. */
  private static Dataset<Row> activeCustomers(ActivityBase base, Grain grain) {
    base.requireGrain(grain);
    Dataset<Row> perPeriod =
        base.customerPeriods()
            .where(col(ActivityBase.PURCHASES).gt(0))
            .groupBy(col(ActivityBase.PERIOD_START).as("active_key"))
            // One row per customer and period: a count, no distinct count.
            .agg(count(lit(1)).as("active_customers"));
    // A customer with a purchase day is one with a first purchase: the customers base counts them
    // without a second distinct count over every customer-day.
    Dataset<Row> overall =
        base.customers()
            .where(col(ActivityBase.FIRST_PURCHASE_DATE).isNotNull())
            .agg(count(lit(1)).as("active_customers"))
            .select(
                Outputs.periodKey(lit(null).cast("date")).as("active_key"),
                col("active_customers"));
    return perPeriod.unionByName(overall);
  }
}
