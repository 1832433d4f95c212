package io.tenure.pipeline;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tenure.config.TenureSettings;
import io.tenure.validate.InputProfile;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The JSON manifest written with every run: what was read, what was written, with what config. */
final class Manifest {
  private Manifest() {}

  static String json(
      String runId,
      LocalDate asOf,
      TenureSettings settings,
      Instant startedAt,
      Duration duration,
      List<InputProfile> inputs,
      Map<String, Long> outputs,
      Map<String, Map<String, String>> provenance,
      Map<String, Object> keptOutputs,
      Map<String, String> skipped,
      Map<String, Object> reading) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("tenure_version", Version.get());
    m.put("run_id", runId);
    m.put("as_of", asOf.toString());
    m.put("started_at", startedAt.toString());
    m.put("duration_seconds", duration.toMillis() / 1000.0);
    m.put("config_digest", settings.digest());
    m.put("time_zone", settings.zone().getId());
    m.put("grain", settings.grain().key());
    Map<String, Object> in = new LinkedHashMap<>();
    for (InputProfile p : inputs) {
      Map<String, Object> t = new LinkedHashMap<>();
      t.put("path", settings.input(p.table()).map(s -> s.path()).orElse(null));
      t.put("rows_read", p.rowsRead());
      t.put("rows_used", p.rowsUsed());
      t.put("rows_quarantined", p.rowsQuarantined());
      t.put("rows_after_as_of", p.rowsAfterAsOf());
      t.put("quarantined_by_reason", p.quarantinedByReason());
      t.put("rows_excluded", p.rowsExcluded());
      t.put("excluded_by_reason", p.excludedByReason());
      in.put(p.table().key(), t);
    }
    m.put("inputs", in);
    // How the inputs were read: whole, or incrementally (partitions read, from which state).
    m.put("reading", reading);
    Map<String, Object> out = new LinkedHashMap<>();
    outputs.forEach(
        (table, rows) -> {
          Map<String, Object> t = new LinkedHashMap<>();
          t.put("rows", rows);
          t.put("path", settings.outputPath() + "/" + table + "/as_of=" + asOf);
          // Rows taken from an earlier run (an incremental run): which, and from which run.
          t.putAll(provenance.getOrDefault(table, Map.of()));
          out.put(table, t);
        });
    // Tables of this date that a run with --only did not recompute stay listed, with their run.
    keptOutputs.forEach(out::putIfAbsent);
    m.put("outputs", out);
    m.put("skipped", skipped);
    try {
      return new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(m);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }
}
