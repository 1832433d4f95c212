package io.tenure.pipeline;

import io.tenure.config.TableKind;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What an incremental run's inputs can differ in from those of the run it continues (the run as of
 * {@code previousAsOf}, whose state it started from): per input, the earliest event among the rows
 * it read anew and the rows the partitions it read again held before (a row can leave a partition
 * as well as arrive). Rows before that instant are the rows that run used, judged the same way: the
 * rules across rows only ever move a verdict by an earlier row (a purchase rescues a later refund,
 * the earliest of repeated ids is kept), so a new row cannot change an older one's.
 *
 * @param changedFrom per configured input; {@link Instant#MIN} when anything may have changed (an
 *     input read whole, a withdrawn partition, a state that did not know the input)
 */
record InputChanges(LocalDate previousAsOf, Map<TableKind, Instant> changedFrom) {

  /**
   * Whether no row of {@code inputs} dated before the start of {@code day} (in {@code zone}) can
   * differ from the previous run's.
   */
  boolean noneBefore(Set<TableKind> inputs, LocalDate day, ZoneId zone) {
    Instant start = day.atStartOfDay(zone).toInstant();
    return inputs.stream()
        .allMatch(kind -> !changedFrom.getOrDefault(kind, Instant.MAX).isBefore(start));
  }

  /**
   * The first day (in {@code zone}) from which rows of {@code inputs} can differ from the previous
   * run's: the earliest event read anew, or the day after the previous as-of date when that is
   * earlier (the rows dated after it are new to this run whether read anew or not). Empty when any
   * row may have changed.
   */
  Optional<LocalDate> firstChangedDay(Set<TableKind> inputs, ZoneId zone) {
    LocalDate first = previousAsOf.plusDays(1);
    for (TableKind kind : inputs) {
      Instant from = changedFrom.getOrDefault(kind, Instant.MAX);
      if (from.equals(Instant.MIN)) {
        return Optional.empty();
      }
      if (!from.equals(Instant.MAX)) {
        LocalDate day = LocalDate.ofInstant(from, zone);
        first = day.isBefore(first) ? day : first;
      }
    }
    return Optional.of(first);
  }
}
