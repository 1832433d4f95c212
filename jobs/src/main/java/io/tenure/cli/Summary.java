package io.tenure.cli;

import io.tenure.config.TenureSettings;
import io.tenure.pipeline.RunResult;
import io.tenure.pipeline.Version;
import io.tenure.validate.InputProfile;
import java.util.Locale;
import java.util.Map;

/** The short human summary printed at the end of a run. */
final class Summary {
  private Summary() {}

  static String of(RunResult r, TenureSettings s) {
    StringBuilder b = new StringBuilder();
    b.append(
        String.format(
            Locale.ROOT,
            "Tenure %s - as of %s (%s periods, time zone %s)%n",
            Version.get(),
            r.asOf(),
            s.grain().key(),
            s.zone().getId()));
    b.append("Inputs:\n");
    for (InputProfile p : r.inputs()) {
      b.append(
          String.format(
              Locale.ROOT,
              "  %-15s %,12d read %,12d used %,10d quarantined %,10d after as-of%s%n",
              p.table().key(),
              p.rowsRead(),
              p.rowsUsed(),
              p.rowsQuarantined(),
              p.rowsAfterAsOf(),
              p.rowsExcluded() == 0
                  ? ""
                  : String.format(Locale.ROOT, " %,10d excluded", p.rowsExcluded())));
      // Every path, so that a -D override of one input never hides that the others are unchanged.
      s.input(p.table()).ifPresent(in -> b.append("      from ").append(in.path()).append('\n'));
      p.quarantinedByReason()
          .forEach(
              (reason, n) ->
                  b.append(String.format(Locale.ROOT, "      %-40s %,10d%n", reason, n)));
      p.excludedByReason()
          .forEach(
              (reason, n) ->
                  b.append(
                      String.format(
                          Locale.ROOT, "      %-40s %,10d%n", "excluded by " + reason, n)));
    }
    if (!r.outputs().isEmpty()) {
      b.append("Outputs in ").append(s.outputPath()).append(":\n");
      for (Map.Entry<String, Long> e : r.outputs().entrySet()) {
        b.append(String.format(Locale.ROOT, "  %-30s %,12d rows%n", e.getKey(), e.getValue()));
      }
    }
    r.skipped()
        .forEach(
            (family, why) ->
                b.append("Skipped ").append(family).append(": ").append(why).append('\n'));
    b.append(
        String.format(
            Locale.ROOT,
            "%s in %.1f s.%s%n",
            r.manifest() == null ? "Validated" : "Done",
            r.duration().toMillis() / 1000.0,
            r.manifest() == null ? " Nothing written." : " Manifest: " + r.manifest()));
    return b.toString();
  }
}
