package io.tenure.config;

import java.util.Locale;

/**
 * Which customer count divides the number of churned customers in {@code churn_rate}. The industry
 * does not agree on one; see docs/metrics.md for the trade-offs.
 */
public enum ChurnDenominator {
  /** Churned customers who were active at the start / customers active at the start (default). */
  START("start"),
  /** All churn events / the mean of customers at start and at end. */
  AVERAGE("average"),
  /** All churn events / (customers at start + new + reactivated): everyone exposed to churn. */
  EXPOSED("exposed");

  private final String key;

  ChurnDenominator(String key) {
    this.key = key;
  }

  public String key() {
    return key;
  }

  public static ChurnDenominator parse(String value) {
    for (ChurnDenominator d : values()) {
      if (d.key.equals(value.toLowerCase(Locale.ROOT))) {
        return d;
      }
    }
    throw new IllegalArgumentException(
        "unknown churn denominator '" + value + "'; expected one of start, average, exposed");
  }
}
