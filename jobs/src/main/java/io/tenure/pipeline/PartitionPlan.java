package io.tenure.pipeline;

import io.tenure.io.InputState;
import io.tenure.io.SourcePartitions;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Which partitions of one date-partitioned input an incremental run reads again, and which it takes
 * from the state: a partition is read again when the state does not know it, asked to recheck it (a
 * row dated after the day it was judged), or it falls in the late window.
 *
 * @param reread the partition dates to read and judge again
 * @param kept the partitions taken from the state (date → partition), mutable: the run adds the
 *     re-read ones once written
 * @param lateFiles files that appeared in kept partitions after they were read (not read: a rebuild
 *     reads them)
 * @param withdrawn whether a partition the state knows is no longer in the source
 */
record PartitionPlan(
    List<LocalDate> reread,
    Map<String, InputState.Partition> kept,
    List<String> lateFiles,
    boolean withdrawn) {

  /**
   * @param known the partitions the previous state recorded (date → partition)
   * @param windowStart the first day of the late window: partitions from it on are read again
   */
  static PartitionPlan of(
      SourcePartitions source, Map<String, InputState.Partition> known, LocalDate windowStart) {
    List<LocalDate> reread = new ArrayList<>();
    Map<String, InputState.Partition> kept = new TreeMap<>();
    List<String> lateFiles = new ArrayList<>();
    for (LocalDate date : source.files().keySet()) {
      InputState.Partition p = known.get(date.toString());
      if (p == null || p.recheck() || !date.isBefore(windowStart)) {
        reread.add(date);
      } else {
        kept.put(date.toString(), p);
        source.changedSince(date, p.files()).forEach(f -> lateFiles.add(source.root() + "/" + f));
      }
    }
    boolean withdrawn =
        known.keySet().stream().anyMatch(d -> !source.files().containsKey(LocalDate.parse(d)));
    return new PartitionPlan(reread, kept, lateFiles, withdrawn);
  }
}
