package io.tenure.metrics;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.months_between;
import static org.apache.spark.sql.functions.struct;

import io.tenure.config.CohortAnchor;
import io.tenure.config.Grain;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Customer lifetimes for survival analysis ({@link KaplanMeier}): one subject per customer who
 * purchased, in each group it belongs to.
 *
 * <p>A lifetime runs from the origin — the first purchase, or the signup date with cohort anchor
 * {@code signup} (the first purchase where a customer has none) — to the churn date of the
 * customer's first lifecycle spell (the day churn_rates counts them as churned: N days after the
 * last purchase, or the cancellation). It is an event when that churn date is known by the as-of
 * date, else censored at the as-of date. A later return does not extend it: this is the time to the
 * first churn. Lifetimes are whole units: days, weeks of 7 days, calendar months (Spark's
 * months_between, rounded down: 31 January to 28 February is one month) or quarters of 3 such
 * months; a negative one (a signup date after the churn date) counts as 0.
 *
 * <p>Groups: {@code overall} ("all"), {@code cohort} (the period of the origin, at the reporting
 * grain, as yyyy-MM-dd), and with a customers input {@code segment} and {@code country} ("unknown"
 * when missing).
 */
public final class CustomerLifetimes {
  private CustomerLifetimes() {}

  /**
   * @param spells lifecycle spells ({@link LifecycleSpells#of})
   * @param customers the activity base's customers (first purchase, signup, segment, country)
   * @param withAttributes whether segment and country come from a customers input
   */
  public static Dataset<Row> of(
      Dataset<Row> spells,
      Dataset<Row> customers,
      boolean withAttributes,
      CohortAnchor anchor,
      Grain cohortGrain,
      Grain unit,
      LocalDate asOf) {
    Dataset<Row> first =
        spells
            .where(col(ChurnRates.SPELL).equalTo(1))
            .select(
                col(ChurnRates.CUSTOMER_ID),
                col(ChurnRates.START_DATE),
                col(ChurnRates.CHURN_DATE));
    Column origin =
        anchor == CohortAnchor.SIGNUP
            ? coalesce(col(ActivityBase.SIGNUP_DATE), col(ChurnRates.START_DATE))
            : col(ChurnRates.START_DATE);
    Column end = coalesce(col(ChurnRates.CHURN_DATE), Periods.date(asOf));
    List<Column> groups = new ArrayList<>();
    groups.add(group("overall", lit("all")));
    groups.add(group("cohort", Periods.start(origin, cohortGrain).cast("string")));
    if (withAttributes) {
      groups.add(
          group("segment", coalesce(col(ActivityBase.SEGMENT), lit(CohortRetention.UNKNOWN))));
      groups.add(
          group("country", coalesce(col(ActivityBase.COUNTRY), lit(CohortRetention.UNKNOWN))));
    }
    return first
        .join(customers, ActivityBase.CUSTOMER_ID, "left")
        .select(
            greatest(lit(0), units(origin, end, unit)).cast("int").as(KaplanMeier.TIME),
            col(ChurnRates.CHURN_DATE).isNotNull().as(KaplanMeier.EVENT),
            explode(array(groups.toArray(Column[]::new))).as("g"))
        .select(
            col("g.type").as(KaplanMeier.GROUP_TYPE),
            col("g.value").as(KaplanMeier.GROUP_VALUE),
            col(KaplanMeier.TIME),
            col(KaplanMeier.EVENT));
  }

  private static Column group(String type, Column value) {
    return struct(lit(type).as("type"), value.as("value"));
  }

  /** Whole units from {@code from} to {@code to}. */
  static Column units(Column from, Column to, Grain unit) {
    Column days = datediff(to, from);
    return switch (unit) {
      case DAY -> days;
      case WEEK -> floor(days.divide(7));
      case MONTH -> floor(months_between(to, from));
      case QUARTER -> floor(months_between(to, from).divide(3));
    };
  }
}
