package io.tenure.pipeline;

import static org.apache.spark.sql.functions.col;

import io.tenure.config.TableKind;
import io.tenure.config.TenureSettings;
import io.tenure.errors.Errors;
import io.tenure.io.CrossTableRules;
import io.tenure.io.InputProfile;
import io.tenure.io.InputReader;
import io.tenure.io.OutputWriter;
import io.tenure.io.Pseudonymiser;
import io.tenure.io.Quarantine;
import io.tenure.io.ReadFailures;
import io.tenure.io.RunLock;
import io.tenure.io.ValidatedInput;
import io.tenure.io.WorkArea;
import io.tenure.metrics.ActivityBase;
import io.tenure.metrics.ChurnRates;
import io.tenure.metrics.CohortRetention;
import io.tenure.metrics.KnownFacts;
import io.tenure.metrics.NpsByGroup;
import io.tenure.metrics.RetentionDrivers;
import io.tenure.metrics.ServiceKpis;
import io.tenure.metrics.TimeWithCustomer;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One Tenure run: read and validate the inputs, build the shared activity base, compute the
 * selected metric families, stage every table, check the invariants, then publish atomically.
 */
public final class TenureJob {
  private static final Logger LOG = LoggerFactory.getLogger("io.tenure");
  private static final Set<MetricFamily> DAILY_BASE_READERS =
      EnumSet.of(
          MetricFamily.COHORT_RETENTION, MetricFamily.CHURN_RATES, MetricFamily.SERVICE_KPIS);

  private final SparkSession spark;
  private final TenureSettings settings;
  private final Set<MetricFamily> selected;
  private final Map<String, String> skipped;
  private final Optional<Pseudonymiser> pseudonymiser;

  public TenureJob(SparkSession spark, TenureSettings settings, Set<MetricFamily> selected) {
    this(spark, settings, selected, System::getenv);
  }

  /**
   * @param environment reads environment variables (the pseudonymisation key); tests pass a map
   */
  public TenureJob(
      SparkSession spark,
      TenureSettings settings,
      Set<MetricFamily> selected,
      UnaryOperator<String> environment) {
    this.spark = spark;
    this.pseudonymiser = Pseudonymiser.from(settings.privacy(), environment);
    this.settings = settings;
    this.selected =
        selected.isEmpty() ? EnumSet.allOf(MetricFamily.class) : EnumSet.copyOf(selected);
    this.skipped = skipped(settings, this.selected);
    if (skipped.size() == this.selected.size()) {
      throw Errors.usage(
          "None of the selected tables can be computed: "
              + skipped.entrySet().stream()
                  .map(e -> e.getKey() + ": " + e.getValue())
                  .collect(java.util.stream.Collectors.joining("; "))
              + ". Configure the input, or select other tables with --only.");
    }
  }

  /** Reads and checks the inputs, writes nothing. */
  public RunResult validate() {
    Instant started = Instant.now();
    Prepared p = explained(() -> prepare(Optional.empty()));
    return new RunResult(
        p.asOf, p.profiles, Map.of(), skipped, null, Duration.between(started, Instant.now()));
  }

  /** Computes and publishes all selected tables for the as-of date. */
  public RunResult execute() {
    Instant started = Instant.now();
    String token = UUID.randomUUID().toString().substring(0, 8);
    // Runs of one output path are exclusive: everything below writes under it.
    try (RunLock lock = RunLock.acquire(spark, settings.outputPath(), token, settings.lock());
        WorkArea work = new WorkArea(spark, settings.outputPath())) {
      return execute(started, token, lock, work);
    }
  }

  private RunResult execute(Instant started, String token, RunLock lock, WorkArea work) {
    Prepared p = explained(() -> prepare(Optional.of(work)));
    work.dated(p.asOf);
    String runId = p.asOf + "-" + token;
    OutputWriter writer = new OutputWriter(spark, settings.outputPath(), p.asOf, runId);
    writer.recover();
    try {
      Map<String, Long> outputs = explained(() -> doExecute(p, writer, work));
      Duration duration = Duration.between(started, Instant.now());
      String json =
          Manifest.json(
              runId,
              p.asOf,
              settings,
              started,
              duration,
              p.profiles,
              outputs,
              writer.keptFromEarlierRun(outputs.keySet()),
              skipped);
      lock.verify();
      String manifest =
          Stages.run(spark, "publish", "Publish outputs", () -> writer.publish(json).toString());
      return new RunResult(p.asOf, p.profiles, outputs, skipped, manifest, duration);
    } catch (RuntimeException e) {
      writer.abort();
      throw e;
    }
  }

  /**
   * Runs {@code body}; a failure to read an input file becomes the input error naming it, and any
   * other failure (Spark reports task failures as checked exceptions) a clear exit-1 error.
   */
  private <T> T explained(java.util.function.Supplier<T> body) {
    try {
      return body.get();
    } catch (Exception e) {
      throw ReadFailures.explain(e, settings.inputs().values())
          .orElseGet(() -> Errors.runFailed(e));
    }
  }

  private Map<String, Long> doExecute(Prepared p, OutputWriter writer, WorkArea work) {
    Map<String, Long> outputs = new LinkedHashMap<>();
    // Without a transactions input (an interaction log alone) the service tables still run:
    // nobody has purchased, so active customers are 0 and every contact's cohort is "none".
    Dataset<Row> transactions =
        p.clean(TableKind.TRANSACTIONS)
            .orElseGet(() -> InputReader.emptyCanonical(spark, TableKind.TRANSACTIONS));
    ActivityBase built =
        ActivityBase.build(transactions, p.clean(TableKind.CUSTOMERS), settings.zone());
    // Cohort retention, churn and the service KPIs read the daily base; computing it once pays.
    boolean shared =
        selected.stream()
            .filter(DAILY_BASE_READERS::contains)
            .anyMatch(f -> !skipped.containsKey(f.key()));
    ActivityBase base =
        shared
            ? new ActivityBase(
                Stages.run(
                    spark,
                    "customer_days:keep",
                    "Keep the daily activity base",
                    () -> work.keep("customer_days", built.customerDays())),
                built.customers(),
                built.firstChannels())
            : built;
    Dataset<Row> spells = null;
    for (MetricFamily family : selected) {
      if (skipped.containsKey(family.key())) {
        LOG.warn("Skipping {}: {}", family.key(), skipped.get(family.key()));
        continue;
      }
      switch (family) {
        case COHORT_RETENTION -> {
          CohortRetention.Result r =
              CohortRetention.compute(
                  base,
                  settings.grain(),
                  settings.cohort().anchor(),
                  settings.cohort().breakdown(),
                  p.asOf);
          stage(writer, outputs, CohortRetention.TABLE, r.cells(), 1);
          // The summary pools the written cells rather than recomputing them.
          Dataset<Row> cells = writer.readStaged(CohortRetention.TABLE);
          stage(
              writer, outputs, CohortRetention.SUMMARY_TABLE, CohortRetention.summarize(cells), 1);
        }
        case CHURN_RATES -> {
          if (!settings.has(TableKind.CANCELLATIONS)) {
            LOG.info("No cancellations input: churn is inactivity-based only");
          }
          // Periods, reasons and retention drivers all read the spells; computing them once
          // pays.
          spells =
              Stages.run(
                  spark,
                  "spells:keep",
                  "Keep the lifecycle spells",
                  () -> work.keep("spells", spells(transactions, p)));
          ChurnRates.Result r =
              ChurnRates.fromSpells(
                  spells,
                  p.clean(TableKind.CANCELLATIONS),
                  base.customerDays(),
                  settings.churn(),
                  settings.grain(),
                  settings.zone(),
                  p.asOf);
          stage(writer, outputs, ChurnRates.TABLE, r.periods(), 1);
          stage(writer, outputs, ChurnRates.REASONS_TABLE, r.reasons(), 1);
          Checks.churnBalance(writer.readStaged(ChurnRates.TABLE));
        }
        case TIME_WITH_CUSTOMER -> {
          TimeWithCustomer.Result r =
              TimeWithCustomer.compute(
                  p.clean(TableKind.INTERACTIONS).orElseThrow(),
                  settings.timeWithCustomer(),
                  settings.grain(),
                  settings.zone());
          stage(writer, outputs, TimeWithCustomer.TABLE, r.stats(), 1);
          stage(writer, outputs, TimeWithCustomer.HISTOGRAM_TABLE, r.histogram(), 1);
          stage(
              writer,
              outputs,
              TimeWithCustomer.CUSTOMER_TABLE,
              pseudonymised(r.perCustomer(), TimeWithCustomer.CUSTOMER_ID),
              0);
        }
        case SERVICE_KPIS -> {
          Dataset<Row> interactions = p.clean(TableKind.INTERACTIONS).orElseThrow();
          stage(
              writer,
              outputs,
              ServiceKpis.TABLE,
              ServiceKpis.compute(
                  interactions,
                  base.customerDays(),
                  settings.service(),
                  settings.timeWithCustomer().percentileAccuracy(),
                  settings.grain(),
                  settings.zone()),
              1);
          stage(
              writer,
              outputs,
              NpsByGroup.TABLE,
              NpsByGroup.compute(
                  interactions,
                  base.customers(),
                  settings.has(TableKind.CUSTOMERS),
                  settings.grain(),
                  settings.zone()),
              1);
        }
        case RETENTION_DRIVERS -> {
          if (spells == null) {
            spells = spells(transactions, p);
          }
          stage(
              writer,
              outputs,
              RetentionDrivers.TABLE,
              RetentionDrivers.compute(
                  spells,
                  p.clean(TableKind.INTERACTIONS).orElseThrow(),
                  transactions,
                  settings.service(),
                  settings.grain(),
                  settings.zone(),
                  p.asOf),
              1);
        }
      }
    }
    Dataset<Row> quarantine = spark.createDataFrame(List.of(), Quarantine.SCHEMA);
    for (ValidatedInput in : p.inputs.values()) {
      quarantine = quarantine.unionByName(in.quarantined(p.asOf, pseudonymiser));
    }
    stage(writer, outputs, Quarantine.NAME, quarantine, 1);
    return outputs;
  }

  private Dataset<Row> spells(Dataset<Row> transactions, Prepared p) {
    return ChurnRates.spells(
        transactions,
        p.clean(TableKind.CANCELLATIONS),
        settings.churn().inactivityDays(),
        settings.zone(),
        p.asOf);
  }

  /** Per-customer rows, with the customer id replaced by its pseudonym when that is on. */
  private Dataset<Row> pseudonymised(Dataset<Row> rows, String idColumn) {
    return pseudonymiser.map(p -> rows.withColumn(idColumn, p.apply(col(idColumn)))).orElse(rows);
  }

  private void stage(
      OutputWriter writer, Map<String, Long> outputs, String table, Dataset<Row> df, int files) {
    long rows =
        Stages.run(
            spark,
            table + ":write",
            "Compute and stage " + table,
            () -> writer.stage(table, df, files));
    LOG.info("Staged {} ({} rows)", table, rows);
    outputs.put(table, rows);
  }

  /**
   * The input a run cannot do without: transactions when a family that runs needs them (or when
   * they are configured), else interactions. Without usable rows in it the run stops (exit 3).
   */
  private TableKind mainInput() {
    boolean needed =
        selected.stream()
            .filter(f -> !skipped.containsKey(f.key()))
            .anyMatch(f -> f.needs().contains(TableKind.TRANSACTIONS));
    return needed || !settings.has(TableKind.INTERACTIONS)
        ? TableKind.TRANSACTIONS
        : TableKind.INTERACTIONS;
  }

  /** Families that cannot run because an input they need is not configured. */
  private static Map<String, String> skipped(TenureSettings settings, Set<MetricFamily> selected) {
    Map<String, String> out = new LinkedHashMap<>();
    for (MetricFamily f : selected) {
      for (TableKind need : f.needs()) {
        if (!settings.has(need)) {
          out.put(
              f.key(),
              "input '" + need.key() + "' is not configured (" + need.configPath() + ".path)");
        }
      }
    }
    return out;
  }

  /**
   * @param work where the validated inputs are kept for the run; none when the run only validates
   */
  private Prepared prepare(Optional<WorkArea> work) {
    InputReader reader = new InputReader(spark, settings);
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
                          () -> reader.read(in))));
    }
    // Counting, every metric and the quarantine read the validated rows: validating (casts, rules,
    // duplicate ids, cross-table rules) once instead of once per table pays many times over.
    Map<TableKind, ValidatedInput> inputs =
        Stages.run(
            spark,
            "inputs:keep",
            "Apply the cross-table rules and keep the validated inputs",
            () -> CrossTableRules.apply(read, work));
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
    TableKind main = mainInput();
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
    return new Prepared(inputs, profiles, asOf, settings.zone());
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
      long days = java.time.temporal.ChronoUnit.DAYS.between(lastEvent.get(), asOf);
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

  /** Inputs read and counted, with the as-of date fixed. */
  private record Prepared(
      Map<TableKind, ValidatedInput> inputs,
      List<InputProfile> profiles,
      LocalDate asOf,
      ZoneId zone) {
    /**
     * The usable rows as known at the end of the as-of day (business zone): later rows are left
     * out, and contacts lose the facts learnt after it (responses, closes, survey answers).
     */
    Optional<Dataset<Row>> clean(TableKind kind) {
      Optional<Dataset<Row>> rows = Optional.ofNullable(inputs.get(kind)).map(v -> v.clean(asOf));
      Instant knownBefore = asOf.plusDays(1).atStartOfDay(zone).toInstant();
      return kind == TableKind.INTERACTIONS ? rows.map(r -> KnownFacts.asOf(r, knownBefore)) : rows;
    }
  }

  /** Invariants checked on staged outputs before anything is published. */
  static final class Checks {
    private Checks() {}

    static void churnBalance(Dataset<Row> periods) {
      long broken =
          periods
              .where(
                  col(ChurnRates.CUSTOMERS_AT_START)
                      .plus(col(ChurnRates.NEW))
                      .plus(col(ChurnRates.REACTIVATED))
                      .minus(col(ChurnRates.CHURNED))
                      .notEqual(col(ChurnRates.CUSTOMERS_AT_END))
                      .or(
                          col(ChurnRates.CHURNED_FROM_START)
                              .gt(col(ChurnRates.CUSTOMERS_AT_START))))
              .count();
      if (broken > 0) {
        throw Errors.invariant(
            "churn_rates: customers_at_start + new + reactivated - churned != customers_at_end"
                + " (or more churned from start than at start) in "
                + broken
                + " period(s)");
      }
    }
  }
}
