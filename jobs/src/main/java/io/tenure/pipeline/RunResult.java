package io.tenure.pipeline;

import io.tenure.validate.InputProfile;
import java.time.Duration;
import java.time.LocalDate;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a run did.
 *
 * @param asOf the as-of date used
 * @param inputs row accounting per input table
 * @param outputs rows written per output table, in write order (empty for validate)
 * @param skipped metric families not computed, with the reason
 * @param manifest where the manifest was written (null for validate)
 * @param duration wall time of the run
 */
public record RunResult(
    LocalDate asOf,
    List<InputProfile> inputs,
    Map<String, Long> outputs,
    Map<String, String> skipped,
    String manifest,
    Duration duration) {
  public RunResult {
    inputs = List.copyOf(inputs);
    outputs = Collections.unmodifiableMap(new LinkedHashMap<>(outputs));
    skipped = Collections.unmodifiableMap(new LinkedHashMap<>(skipped));
  }
}
