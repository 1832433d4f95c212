package io.tenure.config;

import java.math.BigDecimal;
import java.time.LocalDate;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * Data-quality settings: which rows are usable, and how much unusable data a run tolerates.
 *
 * @param maxQuarantinedFraction the run fails (exit 3) when a larger share of any input table's
 *     rows cannot be used
 * @param earliestDate rows whose event date (business zone) is before it are quarantined as {@code
 *     before_earliest_date}; empty = no lower bound
 * @param allowedValues per {@code <table>.<column>}, the accepted values of an enum-like column
 *     (normalised: lower case, spaces and hyphens as underscores); an empty list accepts any value
 * @param currency the reporting currency (upper case); empty = the one currency of the data
 * @param rates per currency code, the factor that converts an amount into the reporting currency
 * @param maxHandleSeconds a handle time above it (or not finite) is quarantined as {@code
 *     implausible_handle_seconds}
 * @param maxDaysAfterData a run whose as-of date is more days than this after the newest event
 *     stops (exit 3); empty = no limit
 * @param placeholderCustomerIds customer ids that name nobody (a shared "0" for unidentified
 *     callers): such interactions count as anonymous contacts, rows of other tables are excluded
 */
public record QualitySettings(
    double maxQuarantinedFraction,
    Optional<LocalDate> earliestDate,
    Map<String, List<String>> allowedValues,
    Optional<String> currency,
    Map<String, BigDecimal> rates,
    double maxHandleSeconds,
    Optional<Integer> maxDaysAfterData,
    Set<String> placeholderCustomerIds) {

  public QualitySettings {
    if (!(maxQuarantinedFraction >= 0 && maxQuarantinedFraction <= 1)) {
      throw new IllegalArgumentException(
          "max-quarantined-fraction must be between 0 and 1 (a fraction, 0.01 = 1 %), got "
              + maxQuarantinedFraction);
    }
    Objects.requireNonNull(earliestDate, "earliestDate");
    if (maxDaysAfterData.isPresent() && maxDaysAfterData.get() < 0) {
      throw new IllegalArgumentException(
          "max-days-after-data must be at least 0, got " + maxDaysAfterData.get());
    }
    if (!(maxHandleSeconds > 0) || Double.isInfinite(maxHandleSeconds)) {
      throw new IllegalArgumentException(
          "max-handle-time must be a positive duration, got " + maxHandleSeconds + " s");
    }
    Map<String, List<String>> values = new TreeMap<>();
    allowedValues.forEach(
        (k, v) -> values.put(k, v.stream().map(QualitySettings::enumValue).toList()));
    allowedValues = Map.copyOf(values);
    currency = currency.map(c -> c.trim().toUpperCase(Locale.ROOT));
    Map<String, BigDecimal> upper = new TreeMap<>();
    rates.forEach(
        (k, v) -> {
          if (v.signum() <= 0) {
            throw new IllegalArgumentException(
                "money.rates." + k + " must be a positive number, got " + v);
          }
          upper.put(k.trim().toUpperCase(Locale.ROOT), v);
        });
    if (!upper.isEmpty() && currency.isEmpty()) {
      throw new IllegalArgumentException(
          "money.rates needs money.currency: the currency the rates convert into");
    }
    rates = Map.copyOf(upper);
    placeholderCustomerIds = Set.copyOf(placeholderCustomerIds.stream().map(String::trim).toList());
  }

  /** The accepted values of {@code table.column}; empty = any value. */
  public List<String> allowed(TableKind table, String column) {
    return allowedValues.getOrDefault(table.key() + "." + column, List.of());
  }

  /**
   * How Tenure normalises an enum-like value before comparing it: "Self-Service" → self_service.
   */
  public static String enumValue(String raw) {
    return raw.trim().toLowerCase(Locale.ROOT).replaceAll("[\\s-]+", "_");
  }
}
