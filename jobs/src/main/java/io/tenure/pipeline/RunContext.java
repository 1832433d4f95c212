package io.tenure.pipeline;

import static org.apache.spark.sql.functions.col;

import io.tenure.config.TableKind;
import io.tenure.config.TenureSettings;
import io.tenure.io.InputReader;
import io.tenure.io.Pseudonymiser;
import io.tenure.io.PublishedTables;
import io.tenure.io.WorkArea;
import io.tenure.metrics.ActivityBase;
import io.tenure.metrics.EarlierPeriods;
import io.tenure.metrics.LifecycleSpells;
import io.tenure.metrics.Periods;
import io.tenure.pipeline.family.TableFamily;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Optional;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * What the families of one run read: the settings, the as-of date, the inputs as known at its end,
 * and the intermediates several families share, each built once, on first use, and kept in the
 * run's work area (the activity per customer and period or day, the lifecycle spells).
 */
public final class RunContext {
  private final SparkSession spark;
  private final TenureSettings settings;
  private final PreparedInputs inputs;
  private final WorkArea work;
  private final Optional<Pseudonymiser> pseudonymiser;
  private final Optional<InputChanges> changes;
  private final Optional<IncrementalInputs.Kept> kept;
  private ActivityBase activityBase;
  private Dataset<Row> spells;

  RunContext(
      SparkSession spark,
      TenureSettings settings,
      PreparedInputs inputs,
      WorkArea work,
      Optional<Pseudonymiser> pseudonymiser,
      Optional<InputChanges> changes,
      Optional<IncrementalInputs.Kept> kept) {
    this.spark = spark;
    this.settings = settings;
    this.inputs = inputs;
    this.work = work;
    this.pseudonymiser = pseudonymiser;
    this.changes = changes;
    this.kept = kept;
  }

  public SparkSession spark() {
    return spark;
  }

  public TenureSettings settings() {
    return settings;
  }

  public LocalDate asOf() {
    return inputs.asOf();
  }

  /**
   * Clean transactions; without a transactions input (an interaction log alone) an empty table:
   * nobody has purchased, so active customers are 0 and every contact's cohort is "none".
   */
  public Dataset<Row> transactions() {
    return inputs
        .clean(TableKind.TRANSACTIONS)
        .orElseGet(() -> InputReader.emptyCanonical(spark, TableKind.TRANSACTIONS));
  }

  public Optional<Dataset<Row>> cancellations() {
    return inputs.clean(TableKind.CANCELLATIONS);
  }

  /** Clean interactions; only families that need them ask. */
  public Dataset<Row> interactions() {
    return inputs.clean(TableKind.INTERACTIONS).orElseThrow();
  }

  /** Clean interactions, or an empty table without that input (nobody has contacted service). */
  public Dataset<Row> interactionsOrEmpty() {
    return inputs
        .clean(TableKind.INTERACTIONS)
        .orElseGet(() -> InputReader.emptyCanonical(spark, TableKind.INTERACTIONS));
  }

  /**
   * The as-of date of the run an incremental run continues (whose state it started from); empty in
   * a full run.
   */
  public Optional<LocalDate> previousRun() {
    return changes.map(InputChanges::previousAsOf);
  }

  /**
   * {@code table} as the {@linkplain #previousRun() previous run} published it, when no row of
   * {@code reads} dated before {@code day} changed since and that run computed the table under the
   * same configuration: for a table that reads nothing from {@code day} on, the same table. Empty
   * otherwise (then compute it).
   */
  public Optional<Dataset<Row>> unchangedSince(
      OutputTable table, Set<TableKind> reads, LocalDate day) {
    return changes
        .filter(c -> c.noneBefore(reads, day, settings.zone()))
        .flatMap(c -> computedBefore(table, c));
  }

  /**
   * For a table whose rows are periods that read no input row dated after their end (but for what
   * they recompute from their own columns, such as completeness): {@code table} as the {@linkplain
   * #previousRun() previous run} computed it under the same configuration, with the first day from
   * which rows of {@code reads} can differ, so that the family recomputes only the periods from
   * there. Empty in a full run, when any row may have changed, or when that run did not compute the
   * table (then compute every period).
   */
  public Optional<EarlierPeriods> earlierPeriods(OutputTable table, Set<TableKind> reads) {
    return changes.flatMap(
        c ->
            c.firstChangedDay(reads, settings.zone())
                .flatMap(
                    day -> computedBefore(table, c).map(rows -> new EarlierPeriods(rows, day))));
  }

  /**
   * Stages a period table: computed whole, or from the period holding {@code changedFrom} on with
   * the earlier periods of the {@linkplain #earlierPeriods previous run} (the manifest says so).
   */
  public Dataset<Row> stagePeriods(
      TableFamily.Staging staging,
      OutputTable table,
      Dataset<Row> rows,
      Optional<LocalDate> changedFrom) {
    return changedFrom.isPresent()
        ? staging.stageRecomputed(
            table, rows, previousRun().orElseThrow(), settings.grain().start(changedFrom.get()))
        : staging.stage(table, rows);
  }

  /** {@code table} as the previous run computed it, by the same Tenure and configuration. */
  private Optional<Dataset<Row>> computedBefore(OutputTable table, InputChanges c) {
    return PublishedTables.computedBy(
        spark,
        settings.outputPath(),
        c.previousAsOf(),
        table.name(),
        settings.digest(),
        Version.get());
  }

  /** Runs {@code body} as a logged stage (its duration in the stage log, progress while long). */
  public <T> T stage(String name, String description, java.util.function.Supplier<T> body) {
    return Stages.run(spark, name, description, body);
  }

  /**
   * Keeps {@code rows} in the run's work area (a logged stage) and returns the kept rows: for an
   * intermediate a family reads several times.
   */
  public Dataset<Row> keep(String name, String description, Dataset<Row> rows) {
    return Stages.run(spark, name + ":keep", description, () -> work.keep(name, rows));
  }

  /**
   * The activity base; its customer-periods and its customers (first purchase and attributes) are
   * kept once for every family that reads them: cohorts, churn periods and service KPIs read the
   * periods, NPS by group and survival the customers, which would otherwise aggregate every
   * purchase again.
   */
  public ActivityBase activityBase() {
    if (activityBase == null) {
      Dataset<Row> tx = transactions();
      Optional<Dataset<Row>> customerTable = inputs.clean(TableKind.CUSTOMERS);
      ActivityBase built =
          inputs
              .firstPurchases()
              .map(
                  first ->
                      ActivityBase.build(
                          tx, customerTable, first, settings.zone(), settings.grain()))
              .orElseGet(
                  () -> ActivityBase.build(tx, customerTable, settings.zone(), settings.grain()));
      Dataset<Row> periods = customerPeriods(built, tx);
      Dataset<Row> customers =
          keep(
              "customers_base",
              "Keep the customers' first purchases and attributes",
              built.customers());
      activityBase = new ActivityBase(periods, built.grain(), customers, built.firstChannels());
    }
    return activityBase;
  }

  /**
   * The activity per customer and period kept for the families: in the work area, or in an
   * incremental run's state, where only the periods from the first day whose transactions can have
   * changed are computed ({@link KeptPeriods}).
   */
  private Dataset<Row> customerPeriods(ActivityBase built, Dataset<Row> tx) {
    String description = "Keep the activity per customer and period";
    if (kept.isEmpty()) {
      return keep("customer_periods", description, built.customerPeriods());
    }
    ZoneId zone = settings.zone();
    Optional<LocalDate> changedFrom =
        changes.flatMap(c -> c.firstChangedDay(Set.of(TableKind.TRANSACTIONS), zone));
    return stage(
        "customer_periods:keep",
        description,
        () ->
            kept.get()
                .periods()
                .keep(
                    settings.grain(),
                    changedFrom,
                    start ->
                        ActivityBase.periods(
                            tx.where(col("occurred_at").geq(Periods.startOfDay(start, zone))),
                            zone,
                            settings.grain()),
                    built.customerPeriods()));
  }

  /**
   * The lifecycle spells ({@link io.tenure.metrics.LifecycleSpells#of}), kept once: churn and
   * drivers read them. An incremental run keeps them in its state and recomputes only the customers
   * whose events can have changed ({@link KeptSpells}).
   */
  public Dataset<Row> spells() {
    if (spells == null) {
      spells =
          Stages.run(
              spark,
              "spells:keep",
              "Keep the lifecycle spells",
              () ->
                  kept.map(k -> spellsInState(k.spells()))
                      .orElseGet(
                          () ->
                              work.keep(
                                  "spells",
                                  LifecycleSpells.of(
                                      transactions(),
                                      cancellations(),
                                      settings.churn().inactivityDays(),
                                      settings.zone(),
                                      asOf()))));
    }
    return spells;
  }

  private Dataset<Row> spellsInState(KeptSpells kept) {
    ZoneId zone = settings.zone();
    Set<TableKind> reads = Set.of(TableKind.TRANSACTIONS, TableKind.CANCELLATIONS);
    Dataset<Row> unmasked =
        kept.keep(
            transactions(),
            cancellations(),
            settings.churn().inactivityDays(),
            zone,
            changes.flatMap(c -> c.firstChangedDay(reads, zone)),
            work);
    return LifecycleSpells.asOf(unmasked, asOf());
  }

  /** Per-customer rows, with the customer id replaced by its pseudonym when that is on. */
  public Dataset<Row> pseudonymised(Dataset<Row> rows, String idColumn) {
    return pseudonymiser.map(p -> rows.withColumn(idColumn, p.apply(col(idColumn)))).orElse(rows);
  }
}
