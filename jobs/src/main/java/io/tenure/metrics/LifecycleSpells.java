package io.tenure.metrics;

import static io.tenure.metrics.ChurnRates.CHURN_DATE;
import static io.tenure.metrics.ChurnRates.CHURN_TYPE;
import static io.tenure.metrics.ChurnRates.CUSTOMER_ID;
import static io.tenure.metrics.ChurnRates.INACTIVITY;
import static io.tenure.metrics.ChurnRates.REASON;
import static io.tenure.metrics.ChurnRates.SPELL;
import static io.tenure.metrics.ChurnRates.START_DATE;
import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.date_add;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.lag;
import static org.apache.spark.sql.functions.lead;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.when;

import io.tenure.config.Grain;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;

/**
 * A customer's lifecycle as spells of activity, the basis of churn ({@link ChurnRates}), revenue
 * churn and the retention drivers: one row per customer and spell (customer_id, spell, start_date,
 * churn_date, churn_type, reason).
 */
public final class LifecycleSpells {
  public static final String END_DATE = "end_date";
  public static final String END_TYPE = "end_type";
  public static final String END_REASON = "end_reason";
  public static final String LAST_EVENT_DATE = "last_event_date";

  private LifecycleSpells() {}

  /**
   * Lifecycle spells: one row per customer and period of continuous activity.
   *
   * <p>Purchases and cancellations are ordered by time (a purchase first on a tie). A purchase
   * starts a spell when it is the customer's first, when a cancellation came after the previous
   * purchase, or when more than N days passed since the previous purchase. The spell ends at the
   * first cancellation after its last purchase if that falls within N days, else N days after the
   * last purchase; an end after the as-of date is not known yet (churn_date null).
   */
  public static Dataset<Row> of(
      Dataset<Row> transactions,
      Optional<Dataset<Row>> cancellations,
      int inactivityDays,
      ZoneId zone,
      LocalDate asOf) {
    return asOf(unmasked(transactions, cancellations, inactivityDays, zone), asOf);
  }

  /**
   * The spells as {@link #of} builds them, with each spell's end whether or not it is known by an
   * as-of date ({@value #END_DATE}, {@value #END_TYPE}, {@value #END_REASON}: never null), and
   * {@value #LAST_EVENT_DATE}, the last purchase of the spell or the cancellation that ended it. A
   * customer's spells depend on their own events only, so the spells of a customer without events
   * from some day on, and whose spells have no last event from that day on, are the same whatever
   * the rows from that day on: what an incremental run reuses ({@link #asOf} makes them {@link
   * #of}'s).
   */
  public static Dataset<Row> unmasked(
      Dataset<Row> transactions,
      Optional<Dataset<Row>> cancellations,
      int inactivityDays,
      ZoneId zone) {
    Dataset<Row> purchases =
        transactions
            .where(col("kind").equalTo("purchase"))
            .select(
                col(CUSTOMER_ID),
                col("occurred_at").as("ts"),
                Periods.localDate(col("occurred_at"), zone).as("date"),
                lit(0).as("etype"),
                lit(null).cast("string").as("ckind"),
                lit(null).cast("string").as("creason"));
    Dataset<Row> events = purchases;
    if (cancellations.isPresent()) {
      events =
          events.unionByName(
              cancellations
                  .get()
                  .select(
                      col(CUSTOMER_ID),
                      col("cancelled_at").as("ts"),
                      Periods.localDate(col("cancelled_at"), zone).as("date"),
                      lit(1).as("etype"),
                      col("kind").as("ckind"),
                      col("reason").as("creason")));
    }
    // Events in time order, a purchase before a cancellation at the same instant. Because of that
    // order a spell's boundaries show in the neighbouring events alone: a purchase starts a spell
    // when the event before it is no purchase of the last N days, and ends one when the event
    // after it is a cancellation (the first one after its last purchase) or no purchase within N
    // days. One sort, two window passes, no aggregate and no join.
    WindowSpec byTime =
        Window.partitionBy(CUSTOMER_ID)
            .orderBy(col("ts"), col("etype"), col("ckind"), col("creason"));
    WindowSpec upToHere = byTime.rowsBetween(Window.unboundedPreceding(), Window.currentRow());
    // The neighbours in one select, so that Spark computes them in one window pass; the running
    // spell number and start in a second one.
    Dataset<Row> neighbours =
        events.select(
            col(CUSTOMER_ID),
            col("ts"),
            col("date"),
            col("etype"),
            col("ckind"),
            col("creason"),
            lag(col("etype"), 1).over(byTime).as("prev_type"),
            lag(col("date"), 1).over(byTime).as("prev_date"),
            lead(col("etype"), 1).over(byTime).as("next_type"),
            lead(col("date"), 1).over(byTime).as("next_date"),
            lead(col("ckind"), 1).over(byTime).as("next_kind"),
            lead(col("creason"), 1).over(byTime).as("next_reason"));
    Column isPurchase = col("etype").equalTo(0);
    Column isStart =
        isPurchase.and(
            col("prev_type")
                .isNull()
                .or(col("prev_type").equalTo(1))
                .or(datediff(col("date"), col("prev_date")).gt(inactivityDays)));
    Column isEnd =
        isPurchase.and(
            col("next_type")
                .isNull()
                .or(col("next_type").equalTo(1))
                .or(datediff(col("next_date"), col("date")).gt(inactivityDays)));
    Dataset<Row> ends =
        neighbours
            .withColumn("is_start", when(isStart, 1).otherwise(0))
            .withColumn("is_end", isEnd)
            .select(
                col("*"),
                sum(col("is_start")).over(upToHere).as(SPELL),
                max(when(col("is_start").equalTo(1), col("date"))).over(upToHere).as(START_DATE))
            .where(col("is_end"));

    Column inactiveDate = date_add(col("date"), inactivityDays);
    Column byCancel =
        coalesce(col("next_type").equalTo(1).and(col("next_date").leq(inactiveDate)), lit(false));
    return ends.select(
        col(CUSTOMER_ID),
        col(SPELL),
        col(START_DATE),
        when(byCancel, col("next_date")).otherwise(inactiveDate).as(END_DATE),
        when(byCancel, col("next_kind")).otherwise(lit(INACTIVITY)).as(END_TYPE),
        when(byCancel, col("next_reason")).otherwise(lit(INACTIVITY)).as(END_REASON),
        when(byCancel, col("next_date")).otherwise(col("date")).as(LAST_EVENT_DATE));
  }

  /**
   * {@link #unmasked} spells as of the end of {@code asOf}: an end after it is not known yet
   * (churn_date, churn_type and reason null).
   */
  public static Dataset<Row> asOf(Dataset<Row> unmasked, LocalDate asOf) {
    Column known = col(END_DATE).leq(Periods.date(asOf));
    return unmasked.select(
        col(CUSTOMER_ID),
        col(SPELL),
        col(START_DATE),
        when(known, col(END_DATE)).as(CHURN_DATE),
        when(known, col(END_TYPE)).as(CHURN_TYPE),
        when(known, col(END_REASON)).as(REASON));
  }

  /**
   * The customers active at the start of each period of {@code grid} (one row per period start):
   * those whose spell started before it and had not ended by then, with whether that spell ends
   * within the period. The same customers customers_at_start counts.
   */
  static Dataset<Row> openAtStart(Dataset<Row> spells, Dataset<Row> grid, Grain grain) {
    Column start = col(ChurnRates.PERIOD_START);
    return spells
        .join(
            broadcast(grid),
            col(START_DATE).lt(start).and(col(CHURN_DATE).isNull().or(col(CHURN_DATE).geq(start))))
        .select(
            col(CUSTOMER_ID),
            start,
            coalesce(col(CHURN_DATE).lt(Periods.next(start, grain)), lit(false)).as("churned"));
  }
}
