package io.tenure.metrics;

import static org.apache.spark.sql.functions.add_months;
import static org.apache.spark.sql.functions.date_add;
import static org.apache.spark.sql.functions.datediff;
import static org.apache.spark.sql.functions.from_utc_timestamp;
import static org.apache.spark.sql.functions.month;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.to_utc_timestamp;
import static org.apache.spark.sql.functions.trunc;
import static org.apache.spark.sql.functions.year;

import io.tenure.config.Grain;
import java.time.ZoneId;
import org.apache.spark.sql.Column;

/**
 * Calendar arithmetic as Spark column expressions. Tenure pins the session time zone to UTC, so a
 * timestamp's local date in the business zone is {@code to_date(from_utc_timestamp(ts, zone))}: the
 * shift uses the zone's rules at that instant, which makes DST days 23 or 25 hours long.
 */
public final class Periods {
  private Periods() {}

  /** {@code date} as a literal. */
  public static Column date(java.time.LocalDate date) {
    return org.apache.spark.sql.functions.lit(java.sql.Date.valueOf(date));
  }

  /** {@code instant} as a timestamp literal. */
  public static Column instant(java.time.Instant instant) {
    return org.apache.spark.sql.functions.lit(java.sql.Timestamp.from(instant));
  }

  /** The calendar date of an instant in {@code zone}. */
  public static Column localDate(Column timestamp, ZoneId zone) {
    return to_date(from_utc_timestamp(timestamp, zone.getId()));
  }

  /**
   * The first instant of the local {@code date} in {@code zone}: {@code localDate(ts) >= date}
   * exactly when {@code ts >= startOfDay(date)}, so a filter on dates can compare instants instead
   * of converting every timestamp. A day whose midnight a DST change skips starts at its first
   * existing local time.
   */
  public static Column startOfDay(Column date, ZoneId zone) {
    return to_utc_timestamp(date.cast("timestamp"), zone.getId());
  }

  /**
   * The first instant of {@code date} in {@code zone} as a literal: as {@link #startOfDay(Column,
   * ZoneId)} for one known day. Rows filtered on it leave out whole Parquet row groups, which a
   * filter on their converted local date cannot.
   */
  public static Column startOfDay(java.time.LocalDate date, ZoneId zone) {
    return instant(date.atStartOfDay(zone).toInstant());
  }

  /** First day of the period that contains {@code date}; ISO weeks start on Monday. */
  public static Column start(Column date, Grain grain) {
    return switch (grain) {
      case DAY -> date;
      case WEEK -> trunc(date, "week");
      case MONTH -> trunc(date, "month");
      case QUARTER -> trunc(date, "quarter");
    };
  }

  /** First day of the next period, given the first day of a period. */
  public static Column next(Column periodStart, Grain grain) {
    return switch (grain) {
      case DAY -> date_add(periodStart, 1);
      case WEEK -> date_add(periodStart, 7);
      case MONTH -> add_months(periodStart, 1);
      case QUARTER -> add_months(periodStart, 3);
    };
  }

  /** The start of the period {@code index} periods after the one starting at {@code start}. */
  public static Column plus(Column start, Column index, Grain grain) {
    return switch (grain) {
      case DAY -> date_add(start, index);
      case WEEK -> date_add(start, index.multiply(7));
      case MONTH -> add_months(start, index);
      case QUARTER -> add_months(start, index.multiply(3));
    };
  }

  /** Whole periods from the period starting at {@code from} to the one starting at {@code to}. */
  public static Column index(Column from, Column to, Grain grain) {
    Column months =
        year(to).multiply(12).plus(month(to)).minus(year(from).multiply(12).plus(month(from)));
    return switch (grain) {
      case DAY -> datediff(to, from);
      case WEEK -> datediff(to, from).divide(7).cast("int");
      case MONTH -> months;
      case QUARTER -> months.divide(3).cast("int");
    };
  }

  /**
   * Whether the period starting at {@code periodStart} is fully observed as of {@code asOf} (the
   * as-of day is the last observed day).
   */
  public static Column isComplete(Column periodStart, Column asOf, Grain grain) {
    return date_add(next(periodStart, grain), -1).leq(asOf);
  }
}
