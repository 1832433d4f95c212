package io.tenure.config;

import java.util.Objects;

/**
 * Survival settings (survival_curves, survival_summary).
 *
 * @param timeUnit the unit lifetimes are counted in: whole days, weeks (7 days), calendar months or
 *     quarters
 * @param rmstHorizon the restricted mean lifetime is the area under the curve up to this many units
 */
public record SurvivalSettings(Grain timeUnit, int rmstHorizon) {
  public SurvivalSettings {
    Objects.requireNonNull(timeUnit, "timeUnit");
    if (rmstHorizon < 1) {
      throw new IllegalArgumentException("rmst-horizon must be at least 1, got " + rmstHorizon);
    }
  }
}
