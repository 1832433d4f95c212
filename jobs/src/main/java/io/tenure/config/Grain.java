package io.tenure.config;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.time.temporal.IsoFields;
import java.time.temporal.TemporalAdjusters;
import java.util.Locale;

/**
 * The calendar period that metrics are reported by. Periods are calendar periods in the business
 * time zone: a day runs from local midnight to local midnight (23 or 25 hours on DST changes), an
 * ISO week starts on Monday, a quarter starts in January, April, July or October.
 */
public enum Grain {
  DAY("day", "1 day"),
  WEEK("week", "1 week"),
  MONTH("month", "1 month"),
  QUARTER("quarter", "3 months");

  private final String key;
  private final String interval;

  Grain(String key, String interval) {
    this.key = key;
    this.interval = interval;
  }

  /** The value used in configuration and output tables. */
  public String key() {
    return key;
  }

  /** A Spark SQL interval literal of one period, for {@code sequence(start, end, interval)}. */
  public String sqlInterval() {
    return interval;
  }

  public static Grain parse(String value) {
    for (Grain g : values()) {
      if (g.key.equals(value.toLowerCase(Locale.ROOT))) {
        return g;
      }
    }
    throw new IllegalArgumentException(
        "unknown period grain '" + value + "'; expected one of day, week, month, quarter");
  }

  /** First day of the period that contains {@code date}. */
  public LocalDate periodStart(LocalDate date) {
    return switch (this) {
      case DAY -> date;
      case WEEK -> date.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
      case MONTH -> date.withDayOfMonth(1);
      case QUARTER -> date.with(IsoFields.DAY_OF_QUARTER, 1);
    };
  }

  /** First day of the period after the one that starts at {@code periodStart}. */
  public LocalDate next(LocalDate periodStart) {
    return switch (this) {
      case DAY -> periodStart.plusDays(1);
      case WEEK -> periodStart.plusWeeks(1);
      case MONTH -> periodStart.plusMonths(1);
      case QUARTER -> periodStart.plusMonths(3);
    };
  }

  /** Number of whole periods from the period starting at {@code from} to the one at {@code to}. */
  public long periodsBetween(LocalDate from, LocalDate to) {
    return switch (this) {
      case DAY -> ChronoUnit.DAYS.between(from, to);
      case WEEK -> ChronoUnit.WEEKS.between(from, to);
      case MONTH -> ChronoUnit.MONTHS.between(from, to);
      case QUARTER -> ChronoUnit.MONTHS.between(from, to) / 3;
    };
  }
}
