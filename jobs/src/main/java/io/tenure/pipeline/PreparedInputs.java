package io.tenure.pipeline;

import io.tenure.config.TableKind;
import io.tenure.metrics.KnownFacts;
import io.tenure.validate.CrossTableRules;
import io.tenure.validate.InputProfile;
import io.tenure.validate.ValidatedInput;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** The inputs of a run, read, validated and counted, with the as-of date fixed. */
record PreparedInputs(
    Map<TableKind, ValidatedInput> inputs,
    Optional<Dataset<Row>> allFirstPurchases,
    List<InputProfile> profiles,
    LocalDate asOf,
    ZoneId zone) {

  /**
   * The usable rows as known at the end of the as-of day (business zone): later rows are left out,
   * and contacts lose the facts learnt after it (responses, closes, survey answers).
   */
  Optional<Dataset<Row>> clean(TableKind kind) {
    Optional<Dataset<Row>> rows = Optional.ofNullable(inputs.get(kind)).map(v -> v.clean(asOf));
    Instant knownBefore = asOf.plusDays(1).atStartOfDay(zone).toInstant();
    return kind == TableKind.INTERACTIONS ? rows.map(r -> KnownFacts.asOf(r, knownBefore)) : rows;
  }

  /**
   * Each customer's first clean purchase up to the as-of day, as validation found it for its rules
   * (empty when it did not: no transactions input).
   */
  Optional<Dataset<Row>> firstPurchases() {
    return allFirstPurchases.map(f -> CrossTableRules.firstPurchasesUpTo(f, asOf, zone));
  }
}
