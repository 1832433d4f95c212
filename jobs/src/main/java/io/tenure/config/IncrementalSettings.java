package io.tenure.config;

import com.typesafe.config.Config;

/**
 * How runs with {@code --incremental} read the inputs (docs/operations.md, "Daily incremental
 * runs").
 *
 * @param lateDays partitions dated after the previous run's as-of date minus this many days are
 *     read again: rows still arriving there are absorbed
 * @param keepVersions how many state versions (the newest) are kept
 * @param fingerprint SHA-256 of everything that decides how a row is read and judged (the inputs,
 *     time zones, quality and money settings): a state written under another fingerprint is not
 *     reused
 */
public record IncrementalSettings(int lateDays, int keepVersions, String fingerprint) {
  public IncrementalSettings {
    if (lateDays < 0) {
      throw new IllegalArgumentException("late-days must be 0 or more, got " + lateDays);
    }
    if (keepVersions < 1) {
      throw new IllegalArgumentException("keep-versions must be 1 or more, got " + keepVersions);
    }
  }

  static IncrementalSettings read(Config t, ConfigReader r) {
    String fingerprint = Fingerprints.of(t, "inputs", "time", "quality", "money");
    return r.build(
        "incremental",
        () ->
            new IncrementalSettings(
                r.integer("incremental.late-days"),
                r.integer("incremental.keep-versions"),
                fingerprint));
  }
}
