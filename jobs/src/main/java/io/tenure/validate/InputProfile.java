package io.tenure.validate;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;

import io.tenure.config.TableKind;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.spark.sql.Row;

/**
 * Row accounting for one input table: rows read = rows used + rows quarantined + rows after the
 * as-of date + rows excluded. A row the configuration leaves out (the row filter, a placeholder
 * customer id) counts as excluded whatever its date; a row dated after the as-of date counts there
 * even when it is also unusable: the run as of that date neither uses nor quarantines it. Built
 * from one aggregate per table (counts by reason and local event date), which is small: at most one
 * row per reason and day.
 */
public record InputProfile(
    TableKind table,
    long rowsRead,
    long rowsUsed,
    long rowsQuarantined,
    long rowsAfterAsOf,
    Map<String, Long> quarantinedByReason,
    Map<String, Long> excludedByReason,
    Optional<LocalDate> lastUsableDate) {

  public InputProfile {
    quarantinedByReason = Map.copyOf(quarantinedByReason);
    excludedByReason = Map.copyOf(excludedByReason);
    long excluded = excludedByReason.values().stream().mapToLong(Long::longValue).sum();
    if (rowsRead != rowsUsed + rowsQuarantined + rowsAfterAsOf + excluded) {
      throw new IllegalStateException("row accounting does not add up for " + table);
    }
  }

  /** Rows the configuration leaves out: neither used nor quarantined. */
  public long rowsExcluded() {
    return excludedByReason.values().stream().mapToLong(Long::longValue).sum();
  }

  /** Why rows were not used: quarantine reasons, then "excluded by ..." for left-out rows. */
  public Map<String, Long> whyUnused() {
    Map<String, Long> out = new java.util.LinkedHashMap<>(quarantinedByReason);
    excludedByReason.forEach((reason, n) -> out.put("excluded by " + reason, n));
    return out;
  }

  /** The per-(reason, day) counts of one input; the only driver-side collection of input data. */
  public record DailyCounts(TableKind table, List<Row> rows) {
    public static DailyCounts of(ValidatedInput input) {
      List<Row> rows =
          input
              .flagged()
              .groupBy(col(ValidatedInput.REASON), col(ValidatedInput.EVENT_DATE))
              .agg(count(lit(1)).as("n"))
              .collectAsList();
      return new DailyCounts(input.table(), rows);
    }

    /** The latest local event date among usable rows. */
    public Optional<LocalDate> lastUsableDate() {
      return rows.stream()
          .filter(r -> r.isNullAt(0) && !r.isNullAt(1))
          .map(r -> r.getDate(1).toLocalDate())
          .max(LocalDate::compareTo);
    }

    public InputProfile profile(LocalDate asOf) {
      long read = 0;
      long used = 0;
      long late = 0;
      Map<String, Long> reasons = new TreeMap<>();
      Map<String, Long> excluded = new TreeMap<>();
      for (Row r : rows) {
        long n = r.getLong(2);
        read += n;
        if (!r.isNullAt(0) && r.getString(0).startsWith(ValidatedInput.EXCLUDED)) {
          excluded.merge(r.getString(0).substring(ValidatedInput.EXCLUDED.length()), n, Long::sum);
          // A row dated after the as-of date belongs to a later run, whatever its problems.
        } else if (!r.isNullAt(1) && r.getDate(1).toLocalDate().isAfter(asOf)) {
          late += n;
        } else if (!r.isNullAt(0)) {
          reasons.merge(r.getString(0), n, Long::sum);
        } else {
          used += n;
        }
      }
      long quarantined = reasons.values().stream().mapToLong(Long::longValue).sum();
      return new InputProfile(
          table, read, used, quarantined, late, reasons, excluded, lastUsableDate());
    }
  }
}
