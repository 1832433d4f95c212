package io.tenure.pipeline;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.min;

import io.tenure.config.InputContract;
import io.tenure.config.TableKind;
import io.tenure.io.InputState;
import io.tenure.validate.KeyedRules;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

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

  /**
   * The earliest event among {@code readAnew} (one input's rows read anew) and among the rows the
   * state held in the {@code reread} partitions before they were read again (a row can leave a
   * partition as well as arrive), or Instant.MAX without one.
   */
  static Instant earliestChange(
      Dataset<Row> readAnew,
      InputState state,
      Map<String, InputState.Partition> known,
      List<LocalDate> reread,
      TableKind kind) {
    Instant arrived = earliestEvent(readAnew, kind);
    Instant held = earliestHeld(state, known, reread, kind);
    return arrived.isBefore(held) ? arrived : held;
  }

  /**
   * The earliest event among the rows the state held in {@code reread} partitions before this run
   * read them again, or Instant.MAX without one.
   */
  private static Instant earliestHeld(
      InputState state,
      Map<String, InputState.Partition> known,
      List<LocalDate> reread,
      TableKind kind) {
    List<String> days =
        reread.stream().map(LocalDate::toString).filter(known::containsKey).toList();
    List<String> dirs =
        days.stream().map(d -> known.get(d).dir()).filter(d -> d != null).distinct().toList();
    return dirs.isEmpty()
        ? Instant.MAX
        : earliestEvent(state.read(dirs).where(col(KeyedRules.PART).isin(days.toArray())), kind);
  }

  /** The earliest event time among {@code rows}, or Instant.MAX without one. */
  private static Instant earliestEvent(Dataset<Row> rows, TableKind kind) {
    Row first = rows.agg(min(col(InputContract.eventColumn(kind)))).first();
    return first.isNullAt(0) ? Instant.MAX : first.getTimestamp(0).toInstant();
  }
}
