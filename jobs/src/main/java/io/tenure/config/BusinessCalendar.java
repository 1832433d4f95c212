package io.tenure.config;

import java.time.DayOfWeek;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.format.DateTimeParseException;
import java.util.EnumMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Opening hours for measuring service times in business time: one interval per weekday in the
 * business time zone ({@code time.zone}), closed on days without one and on holidays.
 *
 * @param hours per day of week, the opening and closing second of the day (closing after opening;
 *     86400 for "24:00")
 * @param holidays days on which the service is closed all day
 */
public record BusinessCalendar(Map<DayOfWeek, int[]> hours, Set<LocalDate> holidays) {
  private static final List<String> DAYS = List.of("mon", "tue", "wed", "thu", "fri", "sat", "sun");

  public BusinessCalendar {
    if (hours.isEmpty()) {
      throw new IllegalArgumentException("business-hours.weekly needs at least one open day");
    }
    hours = Map.copyOf(new EnumMap<>(hours));
    holidays = Set.copyOf(new TreeSet<>(holidays));
  }

  /**
   * Parses {@code { mon = "09:00-17:00", ... }} (keys mon … sun; a day left out is closed) and a
   * list of yyyy-MM-dd holidays.
   */
  public static BusinessCalendar parse(Map<String, String> weekly, List<String> holidays) {
    Map<DayOfWeek, int[]> hours = new EnumMap<>(DayOfWeek.class);
    weekly.forEach(
        (day, range) -> {
          int index = DAYS.indexOf(day.toLowerCase(Locale.ROOT));
          if (index < 0) {
            throw new IllegalArgumentException(
                "business-hours.weekly."
                    + day
                    + ": the days are mon, tue, wed, thu, fri, sat, sun");
          }
          String[] parts = range.split("-");
          try {
            int open = LocalTime.parse(parts[0].trim()).toSecondOfDay();
            int close =
                parts[1].trim().equals("24:00")
                    ? 86400
                    : LocalTime.parse(parts[1].trim()).toSecondOfDay();
            if (parts.length != 2 || close <= open) {
              throw new IllegalArgumentException("closing must be after opening");
            }
            hours.put(DayOfWeek.of(index + 1), new int[] {open, close});
          } catch (DateTimeParseException | ArrayIndexOutOfBoundsException e) {
            throw new IllegalArgumentException(
                "business-hours.weekly." + day + ": expected \"HH:mm-HH:mm\", got '" + range + "'");
          } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(
                "business-hours.weekly." + day + " = '" + range + "': " + e.getMessage());
          }
        });
    Set<LocalDate> days = new TreeSet<>();
    for (String h : holidays) {
      try {
        days.add(LocalDate.parse(h.trim()));
      } catch (DateTimeParseException e) {
        throw new IllegalArgumentException(
            "business-hours.holidays: expected yyyy-MM-dd, got '" + h + "'");
      }
    }
    return new BusinessCalendar(hours, days);
  }
}
