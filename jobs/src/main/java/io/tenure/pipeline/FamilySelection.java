package io.tenure.pipeline;

import io.tenure.config.TableKind;
import io.tenure.config.TenureSettings;
import io.tenure.errors.Errors;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The table families a run computes: those selected ({@code --only}; all by default) minus those
 * whose inputs are not configured, which are skipped with the reason. A selection that leaves
 * nothing to compute is a usage error (exit 2).
 *
 * @param selected the selected families, in registry order
 * @param skipped family key → why it cannot run
 */
record FamilySelection(Set<MetricFamily> selected, Map<String, String> skipped) {

  static FamilySelection of(TenureSettings settings, Set<MetricFamily> requested) {
    Set<MetricFamily> selected =
        requested.isEmpty() ? EnumSet.allOf(MetricFamily.class) : EnumSet.copyOf(requested);
    Map<String, String> skipped = new LinkedHashMap<>();
    for (MetricFamily f : selected) {
      for (TableKind need : f.needs()) {
        if (!settings.has(need)) {
          skipped.put(
              f.key(),
              "input '" + need.key() + "' is not configured (" + need.configPath() + ".path)");
        }
      }
    }
    if (skipped.size() == selected.size()) {
      throw Errors.usage(
          "None of the selected tables can be computed: "
              + skipped.entrySet().stream()
                  .map(e -> e.getKey() + ": " + e.getValue())
                  .collect(Collectors.joining("; "))
              + ". Configure the input, or select other tables with --only.");
    }
    return new FamilySelection(selected, java.util.Collections.unmodifiableMap(skipped));
  }

  boolean runs(MetricFamily family) {
    return selected.contains(family) && !skipped.containsKey(family.key());
  }

  /**
   * The input a run cannot do without: transactions when a family that runs needs them (or when
   * they are configured), else interactions. Without usable rows in it the run stops (exit 3).
   */
  TableKind mainInput(TenureSettings settings) {
    boolean needed =
        selected.stream()
            .filter(this::runs)
            .anyMatch(f -> f.needs().contains(TableKind.TRANSACTIONS));
    return needed || !settings.has(TableKind.INTERACTIONS)
        ? TableKind.TRANSACTIONS
        : TableKind.INTERACTIONS;
  }
}
