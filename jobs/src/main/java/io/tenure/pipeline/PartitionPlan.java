package io.tenure.pipeline;

import io.tenure.config.InputSettings;
import io.tenure.io.InputState;
import io.tenure.io.ParquetFooters;
import io.tenure.io.SourcePartitions;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
  private static final Logger LOG = LoggerFactory.getLogger("io.tenure");

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

  /**
   * What this plan read, for the manifest; logs it, and warns about files that landed too late to
   * be read (with their rows, counted from Parquet footers: other formats would have to be read).
   *
   * @param windowStart the first day of the late window
   * @param stateAsOf the as-of date of the state the run started from, if any
   */
  Map<String, Object> reported(
      InputSettings in,
      SourcePartitions source,
      Configuration conf,
      LocalDate windowStart,
      LocalDate asOf,
      Optional<String> stateAsOf) {
    String table = in.table().key();
    Map<String, Object> r = new LinkedHashMap<>();
    r.put("partitions_read", reread.size());
    r.put("partitions_from_state", source.files().size() - reread.size());
    r.put("late_files_not_read", lateFiles.size());
    Long lateRows = in.format().equals("parquet") ? ParquetFooters.rows(lateFiles, conf) : null;
    r.put("late_rows_not_read", lateRows);
    if (!lateFiles.isEmpty()) {
      LOG.warn(
          "Input {}: {} file(s){} appeared in partitions older than the late window (before {})"
              + " after they were read, e.g. {}. This run did not read them; its tables may differ"
              + " from a full run's. Rebuild: tenure run --incremental --rebuild-state --as-of {}",
          table,
          lateFiles.size(),
          lateRows == null ? "" : " with " + lateRows + " row(s)",
          windowStart,
          lateFiles.get(0),
          asOf);
    }
    LOG.info(
        "Input {}: {} partition(s) read, {} from the incremental state{}",
        table,
        reread.size(),
        source.files().size() - reread.size(),
        stateAsOf.map(d -> " of " + d).orElse(""));
    return r;
  }
}
