package io.tenure.pipeline;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.substring;
import static org.apache.spark.sql.functions.when;

import io.tenure.config.TableKind;
import io.tenure.io.InputState;
import io.tenure.io.SourcePartitions;
import io.tenure.validate.KeyedRules;
import io.tenure.validate.ValidatedInput;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;

/**
 * Writes the re-read partitions of one input into the incremental state. A month that later runs
 * can still read again (it holds a day from the next run's late window on) is kept by day: a daily
 * run writes only the days it read. Once no daily run reads it again, the month is compacted into
 * one directory, so that readers open a few files per month instead of one per day.
 *
 * <p>Every directory holds exactly the days that map to it (readers take whole directories): a
 * directory that held a day read again is written anew with its other days.
 */
final class MonthlyState {
  private MonthlyState() {}

  /**
   * Writes {@code judged} (the rows of the plan's re-read partitions, if any), with the kept days
   * that must move, and records in {@code plan.kept()} where every re-read and moved day now lives
   * and which re-read days must be read again next time (a row dated after the day it was judged).
   *
   * @param known the partitions as the previous state recorded them
   * @param nextWindowStart the first day the next run reads again (this run's as-of date minus
   *     {@code late-days} - 1): its month and the later ones are kept by day
   */
  static void write(
      InputState state,
      TableKind kind,
      String runId,
      Optional<Dataset<Row>> judged,
      PartitionPlan plan,
      Map<String, InputState.Partition> known,
      SourcePartitions source,
      LocalDate nextWindowStart) {
    Map<String, InputState.Partition> partitions = plan.kept();
    String firstOpen = month(nextWindowStart.toString());
    List<String> carried = carried(partitions, known, plan.reread(), firstOpen);
    Set<String> carriedDirs = new TreeSet<>();
    carried.forEach(d -> carriedDirs.add(partitions.get(d).dir()));
    if (judged.isEmpty() && carried.isEmpty()) {
      return;
    }
    Optional<Dataset<Row>> moved =
        carried.isEmpty()
            ? Optional.empty()
            : Optional.of(
                state
                    .read(new ArrayList<>(carriedDirs))
                    .where(col(KeyedRules.PART).isin(carried.toArray())));
    Dataset<Row> rows =
        judged
            .map(j -> moved.map(m -> j.unionByName(m, true)).orElse(j))
            .orElseGet(moved::orElseThrow);
    Column monthOf = substring(col(KeyedRules.PART), 1, 7);
    Map<String, String> written =
        state.write(
            kind,
            runId,
            rows,
            when(monthOf.geq(lit(firstOpen)), col(KeyedRules.PART)).otherwise(monthOf));
    List<String> recheck =
        written.isEmpty()
            ? List.of()
            : state
                .read(new ArrayList<>(written.values()))
                // "in_the_future" (the event) and "<time>_in_the_future" (a close, a response, a
                // survey).
                .where(col(ValidatedInput.REASON).endsWith("in_the_future"))
                .select(KeyedRules.PART)
                .distinct()
                .as(Encoders.STRING())
                .collectAsList();
    for (LocalDate date : plan.reread()) {
      String d = date.toString();
      partitions.put(
          d,
          new InputState.Partition(
              written.get(key(d, firstOpen)), source.files().get(date), recheck.contains(d)));
    }
    for (String d : carried) {
      InputState.Partition p = partitions.get(d);
      partitions.put(
          d, new InputState.Partition(written.get(key(d, firstOpen)), p.files(), p.recheck()));
    }
  }

  /**
   * The kept days that must be written again: those sharing a directory with a day read again, and
   * every day of a month no longer kept by day that still has a day in a directory of its own.
   */
  static List<String> carried(
      Map<String, InputState.Partition> kept,
      Map<String, InputState.Partition> known,
      List<LocalDate> reread,
      String firstOpen) {
    Set<String> broken = new TreeSet<>();
    for (LocalDate d : reread) {
      InputState.Partition before = known.get(d.toString());
      if (before != null && before.dir() != null) {
        broken.add(before.dir());
      }
    }
    Set<String> compacted = new TreeSet<>();
    kept.forEach(
        (d, p) -> {
          if (p.dir() != null && month(d).compareTo(firstOpen) < 0 && inOwnDir(d, p)) {
            compacted.add(month(d));
          }
        });
    List<String> out = new ArrayList<>();
    kept.forEach(
        (d, p) -> {
          if (p.dir() != null && (broken.contains(p.dir()) || compacted.contains(month(d)))) {
            out.add(d);
          }
        });
    return out;
  }

  /** Whether a kept day lives in a directory of its own (kept by day). */
  private static boolean inOwnDir(String day, InputState.Partition p) {
    return p.dir().endsWith("=" + day);
  }

  /** The partition value a day is written under: itself in a month kept by day, else its month. */
  private static String key(String day, String firstOpen) {
    return month(day).compareTo(firstOpen) >= 0 ? day : month(day);
  }

  /** The month (yyyy-MM) of a partition date (yyyy-MM-dd). */
  private static String month(String date) {
    return date.substring(0, 7);
  }
}
