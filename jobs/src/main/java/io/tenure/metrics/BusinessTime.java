package io.tenure.metrics;

import static org.apache.spark.sql.functions.aggregate;
import static org.apache.spark.sql.functions.dayofweek;
import static org.apache.spark.sql.functions.from_utc_timestamp;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sequence;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.when;

import io.tenure.config.BusinessCalendar;
import java.time.DayOfWeek;
import java.time.ZoneId;
import java.util.Map;
import org.apache.spark.sql.Column;

/**
 * Seconds between two instants that fall within opening hours: for every local day (business time
 * zone) from the first to the last, the overlap of [from, to] with that day's opening interval;
 * holidays and days without hours contribute nothing. Computed with Spark's higher-order {@code
 * aggregate} over the sequence of days, per row, without a shuffle.
 */
final class BusinessTime {
  private BusinessTime() {}

  /** Business seconds from {@code from} to {@code to}; null when either is null. */
  static Column seconds(Column from, Column to, BusinessCalendar calendar, ZoneId zone) {
    // Local wall-clock times, held as timestamps in the UTC session.
    Column start = from_utc_timestamp(from, zone.getId());
    Column end = from_utc_timestamp(to, zone.getId());
    Column startS = start.cast("double");
    Column endS = end.cast("double");
    Column days = sequence(to_date(start), to_date(end));
    Column total =
        aggregate(days, lit(0.0), (acc, day) -> acc.plus(overlap(day, startS, endS, calendar)));
    return when(from.isNull().or(to.isNull()).or(to.lt(from)), lit(null).cast("double"))
        .otherwise(total);
  }

  private static Column overlap(Column day, Column startS, Column endS, BusinessCalendar calendar) {
    Column dayStart = day.cast("timestamp").cast("double");
    Column open = lit(null).cast("double");
    Column close = lit(null).cast("double");
    for (Map.Entry<DayOfWeek, int[]> e : calendar.hours().entrySet()) {
      // Spark numbers days 1 = Sunday … 7 = Saturday.
      int sparkDay = e.getKey().getValue() % 7 + 1;
      open = when(dayofweek(day).equalTo(sparkDay), lit((double) e.getValue()[0])).otherwise(open);
      close =
          when(dayofweek(day).equalTo(sparkDay), lit((double) e.getValue()[1])).otherwise(close);
    }
    Column holiday =
        calendar.holidays().isEmpty()
            ? lit(false)
            : day.isin(calendar.holidays().stream().map(java.sql.Date::valueOf).toArray());
    Column seconds =
        greatest(
            lit(0.0),
            least(endS, dayStart.plus(close)).minus(greatest(startS, dayStart.plus(open))));
    return when(open.isNull().or(holiday), lit(0.0)).otherwise(seconds);
  }
}
