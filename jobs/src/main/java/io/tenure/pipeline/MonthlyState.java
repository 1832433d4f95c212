package io.tenure.pipeline;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.substring;

import io.tenure.config.TableKind;
import io.tenure.io.InputState;
import io.tenure.io.SourcePartitions;
import io.tenure.validate.KeyedRules;
import io.tenure.validate.ValidatedInput;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;

/**
 * Writes the re-read partitions of one input into the incremental state, which is kept by month: a
 * day's partition rewrites its month, carrying over the month's other days, so that readers open a
 * few files per month instead of one per day.
 */
final class MonthlyState {
  private MonthlyState() {}

  /**
   * Writes {@code judged} (the rows of the plan's re-read partitions) with the kept days of their
   * months, and records in {@code plan.kept()} where every re-read and carried day now lives and
   * which re-read days must be read again next time (a row dated after the day it was judged).
   */
  static void write(
      InputState state,
      TableKind kind,
      String runId,
      Dataset<Row> judged,
      PartitionPlan plan,
      SourcePartitions source) {
    Map<String, InputState.Partition> partitions = plan.kept();
    Set<String> months = new TreeSet<>();
    plan.reread().forEach(d -> months.add(month(d.toString())));
    List<String> carried = new ArrayList<>();
    Set<String> carriedDirs = new TreeSet<>();
    partitions.forEach(
        (d, p) -> {
          if (months.contains(month(d)) && p.dir() != null) {
            carried.add(d);
            carriedDirs.add(p.dir());
          }
        });
    Dataset<Row> rows = judged;
    if (!carriedDirs.isEmpty()) {
      rows =
          rows.unionByName(
              state
                  .read(new ArrayList<>(carriedDirs))
                  .where(col(KeyedRules.PART).isin(carried.toArray())),
              true);
    }
    Map<String, String> written =
        state.write(kind, runId, rows, substring(col(KeyedRules.PART), 1, 7));
    List<String> recheck =
        written.isEmpty()
            ? List.of()
            : state
                .read(new ArrayList<>(written.values()))
                .where(col(ValidatedInput.REASON).endsWith("_in_the_future"))
                .select(KeyedRules.PART)
                .distinct()
                .as(Encoders.STRING())
                .collectAsList();
    for (LocalDate date : plan.reread()) {
      String d = date.toString();
      partitions.put(
          d,
          new InputState.Partition(
              written.get(month(d)), source.files().get(date), recheck.contains(d)));
    }
    for (String d : carried) {
      InputState.Partition p = partitions.get(d);
      partitions.put(d, new InputState.Partition(written.get(month(d)), p.files(), p.recheck()));
    }
  }

  /** The month (yyyy-MM) of a partition date (yyyy-MM-dd). */
  private static String month(String date) {
    return date.substring(0, 7);
  }
}
