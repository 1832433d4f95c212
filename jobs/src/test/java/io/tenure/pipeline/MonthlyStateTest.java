package io.tenure.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.tenure.io.InputState;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/** Which kept days an incremental run writes again beside the days it read anew. */
class MonthlyStateTest {
  private static final String NOV = "run=a/p=2024-11";
  private static final String DEC = "run=a/p=2024-12";

  @Test
  void daysOfAMonthKeptByDayStayWhereTheyAre() {
    // As of 12-18 with a 3-day window: 12-15..12-17 were read anew the day before, each in its own
    // directory; 12-16..12-18 are read again now. Nothing moves.
    Map<String, InputState.Partition> known = new TreeMap<>();
    known.put("2024-11-30", at(NOV));
    for (int d = 1; d <= 17; d++) {
      String day = String.format("2024-12-%02d", d);
      known.put(day, at("run=b/p=" + day));
    }
    assertThat(MonthlyState.carried(kept(known, 16, 17), known, reread(16, 18), "2024-12"))
        .isEmpty();
  }

  @Test
  void aDirectoryThatHeldADayReadAgainIsWrittenAnewWithItsOtherDays() {
    // The whole of December in one directory (as a state written by month keeps it), three of its
    // days read again: the other thirteen move out with them, November stays.
    Map<String, InputState.Partition> known = new TreeMap<>();
    known.put("2024-11-30", at(NOV));
    for (int d = 1; d <= 16; d++) {
      known.put(String.format("2024-12-%02d", d), at(DEC));
    }
    List<String> carried =
        MonthlyState.carried(kept(known, 14, 16), known, reread(14, 17), "2024-12");
    assertThat(carried).hasSize(13).startsWith("2024-12-01").endsWith("2024-12-13");
  }

  @Test
  void aMonthLeavingTheWindowIsGatheredIntoOneDirectory() {
    // As of 01-04 the next window starts on 01-02: December, kept by day, is compacted; November,
    // already one directory, is left alone.
    Map<String, InputState.Partition> known = new TreeMap<>();
    known.put("2024-11-30", at(NOV));
    for (int d = 1; d <= 31; d++) {
      String day = String.format("2024-12-%02d", d);
      known.put(day, at("run=c/p=" + day));
    }
    known.put("2025-01-01", at("run=c/p=2025-01-01"));
    known.put("2025-01-02", at("run=c/p=2025-01-02"));
    Map<String, InputState.Partition> kept = new TreeMap<>(known);
    kept.remove("2025-01-02");
    List<String> carried =
        MonthlyState.carried(kept, known, List.of(LocalDate.parse("2025-01-02")), "2025-01");
    assertThat(carried).hasSize(31).allMatch(d -> d.startsWith("2024-12"));
  }

  @Test
  void aDayReadAgainInAClosedMonthTakesItsMonthAlong() {
    // A day judged "in the future" is read by every run: in a month kept as one directory, the
    // month's other days are written again with it.
    Map<String, InputState.Partition> known = new TreeMap<>();
    known.put("2024-11-29", at(NOV));
    known.put("2024-11-30", at(NOV));
    known.put("2024-12-01", at(DEC));
    Map<String, InputState.Partition> kept = new TreeMap<>(known);
    kept.remove("2024-11-30");
    assertThat(MonthlyState.carried(kept, known, List.of(LocalDate.parse("2024-11-30")), "2025-01"))
        .containsExactly("2024-11-29");
  }

  private static InputState.Partition at(String dir) {
    return new InputState.Partition(dir, Map.of(), false);
  }

  /** The known partitions less the December days {@code from}..{@code to}, read again. */
  private static Map<String, InputState.Partition> kept(
      Map<String, InputState.Partition> known, int from, int to) {
    Map<String, InputState.Partition> out = new TreeMap<>(known);
    for (int d = from; d <= to; d++) {
      out.remove(String.format("2024-12-%02d", d));
    }
    return out;
  }

  private static List<LocalDate> reread(int from, int to) {
    return java.util.stream.IntStream.rangeClosed(from, to)
        .mapToObj(d -> LocalDate.of(2024, 12, d))
        .toList();
  }
}
