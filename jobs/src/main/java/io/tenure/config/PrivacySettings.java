package io.tenure.config;

import java.util.Objects;

/**
 * Pseudonymisation of customer ids in the outputs.
 *
 * @param pseudonymise whether every output with per-customer rows carries a keyed hash of the
 *     customer id instead of the id
 * @param secretEnv the environment variable that holds the key; the key itself is never part of the
 *     configuration
 */
public record PrivacySettings(boolean pseudonymise, String secretEnv) {
  public PrivacySettings {
    Objects.requireNonNull(secretEnv, "secretEnv");
    if (!secretEnv.matches("[A-Za-z_][A-Za-z0-9_]*")) {
      throw new IllegalArgumentException(
          "secret-env must name an environment variable, got '" + secretEnv + "'");
    }
  }
}
