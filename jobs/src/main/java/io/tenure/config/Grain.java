package io.tenure.config;

import java.time.DayOfWeek;
import java.time.LocalDate;
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

  /**
   * The first day of the period that contains {@code date} (as {@code Periods.start} computes it in
   * Spark).
   */
  public LocalDate start(LocalDate date) {
    return switch (this) {
      case DAY -> date;
      case WEEK -> date.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
      case MONTH -> date.withDayOfMonth(1);
      case QUARTER -> date.withDayOfMonth(1).withMonth((date.getMonthValue() - 1) / 3 * 3 + 1);
    };
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
}
