package io.tenure.config;

import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Service KPI and retention-driver settings.
 *
 * @param responseTargets per channel (normalised name), the first-response target in seconds
 * @param repeatContactDays a contact followed by another one from the same customer in the same
 *     category within this many days was not resolved at first contact
 * @param handleTargets per category, the baseline handle time in seconds; categories without one
 *     use their median
 * @param complaintCategories the interaction categories that are complaints
 * @param driverLookbackDays retention drivers look at the service experience of this many days
 *     before each period
 * @param businessHours opening hours for business-time response and resolution times; empty =
 *     wall-clock times only
 */
public record ServiceSettings(
    Map<String, Double> responseTargets,
    int repeatContactDays,
    Map<String, Double> handleTargets,
    List<String> complaintCategories,
    int driverLookbackDays,
    Optional<BusinessCalendar> businessHours) {

  public ServiceSettings {
    responseTargets = normalised(responseTargets, "response-targets");
    handleTargets = normalised(handleTargets, "handle-time-targets");
    complaintCategories = complaintCategories.stream().map(QualitySettings::enumValue).toList();
    if (repeatContactDays < 1) {
      throw new IllegalArgumentException(
          "repeat-contact-days must be at least 1, got " + repeatContactDays);
    }
    Objects.requireNonNull(businessHours, "businessHours");
    if (driverLookbackDays < 1) {
      throw new IllegalArgumentException(
          "driver-lookback-days must be at least 1, got " + driverLookbackDays);
    }
  }

  private static Map<String, Double> normalised(Map<String, Double> targets, String key) {
    Map<String, Double> out = new TreeMap<>();
    targets.forEach(
        (k, v) -> {
          if (!(Objects.requireNonNull(v) > 0)) {
            throw new IllegalArgumentException(key + "." + k + " must be positive, got " + v);
          }
          out.put(QualitySettings.enumValue(k), v);
        });
    return Map.copyOf(out);
  }
}
