package io.tenure.pipeline;

import io.tenure.config.TableKind;
import io.tenure.config.TenureSettings;
import io.tenure.errors.Errors;
import io.tenure.io.InputReader;
import io.tenure.io.WorkArea;
import io.tenure.validate.CrossTableRules;
import io.tenure.validate.InputProfile;
import io.tenure.validate.JudgedInputs;
import io.tenure.validate.ValidatedInput;
import io.tenure.validate.Validation;
import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The first half of a run: read and validate every configured input, count its rows per reason, fix
 * the as-of date, and stop (exit 3) when the data cannot carry the run: no usable row in the main
 * input, too many unusable rows, an as-of date after today or long after the data.
 */
final class InputPreparation {
  private static final Logger LOG = LoggerFactory.getLogger("io.tenure");

  private final SparkSession spark;
  private final TenureSettings settings;

  InputPreparation(SparkSession spark, TenureSettings settings) {
    this.spark = spark;
    this.settings = settings;
  }

  /**
   * @param main the input a run cannot do without (see TenureJob#mainInput)
   * @param work where the validated inputs are kept for the run; none when the run only validates
   */
  PreparedInputs prepare(TableKind main, Optional<WorkArea> work) {
    return prepare(main, work, Optional.empty());
  }

  /**
   * @param incremental reads the inputs of an incremental run (from its state and the partitions
   *     that can have changed); empty = read every input whole
   */
  PreparedInputs prepare(
      TableKind main, Optional<WorkArea> work, Optional<IncrementalInputs> incremental) {
    JudgedInputs inputs =
        incremental.isPresent()
            ? incremental.get().read(settings.asOf().orElseThrow(Errors::incrementalNeedsAsOf))
            : readWhole(work);
    return counted(main, inputs);
  }

  private JudgedInputs readWhole(Optional<WorkArea> work) {
    InputReader reader = new InputReader(spark, settings);
    Validation validation = new Validation(settings);
    Map<TableKind, ValidatedInput> read = new EnumMap<>(TableKind.class);
    for (TableKind kind : TableKind.values()) {
      settings
          .input(kind)
          .ifPresent(
              in ->
                  read.put(
                      kind,
                      Stages.run(
                          spark,
                          kind.key() + ":read",
                          "Read " + kind.key(),
                          () -> validation.validate(reader.read(in)))));
    }
    // Counting, every metric and the quarantine read the validated rows: validating (casts, rules,
    // duplicate ids, cross-table rules) once instead of once per table pays many times over.
    return Stages.run(
        spark,
        "inputs:keep",
        "Apply the cross-table rules and keep the validated inputs",
        () -> CrossTableRules.apply(read, work));
  }

  private PreparedInputs counted(TableKind main, JudgedInputs judged) {
    Map<TableKind, ValidatedInput> inputs = judged.tables();
    Map<TableKind, InputProfile.DailyCounts> counts = new EnumMap<>(TableKind.class);
    inputs.forEach(
        (kind, v) ->
            counts.put(
                kind,
                Stages.run(
                    spark,
                    kind.key() + ":profile",
                    "Validate and count " + kind.key(),
                    () -> InputProfile.DailyCounts.of(v))));
    Optional<LocalDate> lastEvent =
        counts.entrySet().stream()
            .filter(e -> e.getKey() != TableKind.CUSTOMERS)
            .map(e -> e.getValue().lastUsableDate())
            .flatMap(Optional::stream)
            .max(LocalDate::compareTo);
    LocalDate asOf =
        settings
            .asOf()
            .or(() -> lastEvent)
            .orElseThrow(
                () ->
                    Errors.emptyInput(
                        main.key(),
                        settings.input(main).orElseThrow().path(),
                        counts.get(main).profile(LocalDate.of(9999, 12, 31)).whyUnused()));
    checkAsOf(asOf, lastEvent);
    List<InputProfile> profiles = new ArrayList<>();
    counts.values().forEach(c -> profiles.add(c.profile(asOf)));
    InputProfile mainProfile =
        profiles.stream().filter(pr -> pr.table() == main).findFirst().orElseThrow();
    if (mainProfile.rowsUsed() == 0) {
      throw Errors.emptyInput(
          main.key(),
          settings.input(main).orElseThrow().path() + " (up to as-of " + asOf + ")",
          mainProfile.whyUnused());
    }
    for (InputProfile pr : profiles) {
      checkQuarantineShare(pr);
      LOG.info(
          "Input {}: {} rows read, {} used, {} quarantined {}, {} after as-of {}, {} excluded {}",
          pr.table().key(),
          pr.rowsRead(),
          pr.rowsUsed(),
          pr.rowsQuarantined(),
          pr.quarantinedByReason(),
          pr.rowsAfterAsOf(),
          asOf,
          pr.rowsExcluded(),
          pr.excludedByReason());
    }
    return new PreparedInputs(inputs, judged.firstPurchases(), profiles, asOf, settings.zone());
  }

  /**
   * An as-of date after today describes days that have not happened; one long after the newest
   * event (a load that did not arrive) would count every customer as churned by inactivity.
   */
  private void checkAsOf(LocalDate asOf, Optional<LocalDate> lastEvent) {
    LocalDate today = LocalDate.now(settings.zone());
    if (asOf.isAfter(today)) {
      throw Errors.asOfInTheFuture(asOf, today, settings.zone());
    }
    Optional<Integer> allowed = settings.quality().maxDaysAfterData();
    if (lastEvent.isPresent() && allowed.isPresent()) {
      long days = ChronoUnit.DAYS.between(lastEvent.get(), asOf);
      if (days > allowed.get()) {
        throw Errors.asOfAfterData(asOf, lastEvent.get(), days, allowed.get());
      }
    }
  }

  private void checkQuarantineShare(InputProfile p) {
    double limit = settings.quality().maxQuarantinedFraction();
    // Only rows up to the as-of date count: a backfill is judged on the rows it uses.
    long inRange = p.rowsUsed() + p.rowsQuarantined();
    if (inRange > 0 && p.rowsQuarantined() > limit * inRange) {
      StringBuilder reasons = new StringBuilder();
      p.quarantinedByReason()
          .forEach(
              (reason, n) ->
                  reasons
                      .append(reasons.length() == 0 ? "" : ", ")
                      .append(reason)
                      .append(' ')
                      .append(n));
      throw Errors.tooManyBadRows(
          p.table().key(), p.rowsQuarantined(), inRange, limit, reasons.toString());
    }
  }
}
