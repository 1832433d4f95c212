package io.tenure.pipeline;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.tenure.config.InputSettings;
import io.tenure.config.TableKind;
import io.tenure.config.TenureSettings;
import io.tenure.io.InputReader;
import io.tenure.io.InputState;
import io.tenure.io.SourcePartitions;
import io.tenure.io.TypedInput;
import io.tenure.io.WorkArea;
import io.tenure.validate.EarlierJudgement;
import io.tenure.validate.JudgedInputs;
import io.tenure.validate.KeyedRules;
import io.tenure.validate.ValidatedInput;
import io.tenure.validate.Validation;
import java.time.Instant;
import java.time.LocalDate;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The validated inputs of an incremental run. A partitioned input is read only where it can have
 * changed since the state version the run starts from (the newest before its as-of date):
 * partitions dated on or after that version's as-of date minus {@code late-days} - 1, partitions
 * the version does not know, and partitions holding a row judged by the day of the run. The rows of
 * the other partitions come from the state, as judged by their own rules; the rules that need other
 * rows then run over all of them ({@link KeyedRules}). Inputs without a partition column are read
 * whole. Files that appeared in a partition taken from the state are not read: they are counted and
 * reported (rebuild with {@code --rebuild-state}).
 */
final class IncrementalInputs {
  private static final Logger LOG = LoggerFactory.getLogger("io.tenure");

  private final SparkSession spark;
  private final TenureSettings settings;
  private final WorkArea work;
  private final String runId;
  private final boolean rebuild;
  private final InputState state;
  private final Map<String, InputState.Table> tables = new TreeMap<>();
  private final Map<String, Object> report = new LinkedHashMap<>();
  private final JudgedState judged;
  private KeptPeriods periods;
  private KeptSpells spells;
  // Per input, the earliest event among the rows read anew (Instant.MIN: anything may have
  // changed).
  private final Map<TableKind, Instant> changedFrom = new EnumMap<>(TableKind.class);
  private Optional<InputState.Version> from = Optional.empty();
  private LocalDate asOf;

  IncrementalInputs(
      SparkSession spark, TenureSettings settings, WorkArea work, String runId, boolean rebuild) {
    this.spark = spark;
    this.settings = settings;
    this.work = work;
    this.runId = runId;
    this.rebuild = rebuild;
    this.state = new InputState(spark, settings.outputPath());
    this.judged = new JudgedState(spark, state, runId);
  }

  /** Reads and judges every configured input as of {@code date}. */
  JudgedInputs read(LocalDate date) {
    this.asOf = date;
    from = rebuild ? Optional.empty() : state.latestBefore(date);
    if (from.isPresent()
        && !from.get().fingerprint().equals(settings.incremental().fingerprint())) {
      LOG.warn(
          "Incremental state of {} was written with other input, time or quality settings:"
              + " reading every partition again",
          from.get().asOf());
      from = Optional.empty();
    }
    StateRun thisRun = new StateRun(spark, state, runId, from);
    periods = new KeptPeriods(thisRun);
    spells = new KeptSpells(thisRun);
    report.put("mode", rebuild ? "incremental (state rebuilt)" : "incremental");
    report.put("state_from_as_of", from.map(InputState.Version::asOf).orElse(null));
    Validation validation = new Validation(settings);
    Map<TableKind, ValidatedInput> keyed = new EnumMap<>(TableKind.class);
    for (TableKind kind : TableKind.values()) {
      Optional<InputSettings> in = settings.input(kind);
      if (in.isEmpty()) {
        continue;
      }
      Optional<InputState.Version> version = from;
      keyed.put(
          kind,
          Stages.run(
              spark,
              kind.key() + ":read",
              "Read " + kind.key(),
              () ->
                  in.get().partitionColumn().isPresent()
                      ? partitioned(in.get(), version, validation)
                      : whole(in.get(), validation)));
    }
    Optional<EarlierJudgement> earlier = from.flatMap(v -> judged.earlier(v, changedFrom));
    if (from.isPresent()) {
      report.put("judged_again_from", JudgedState.described(earlier, keyed.keySet()));
    }
    KeyedRules.Verdicts verdicts =
        Stages.run(
            spark,
            "inputs:judge",
            "Apply the rules across rows and tables",
            () -> {
              KeyedRules.Verdicts v =
                  KeyedRules.verdicts(keyed, judged::keepFirstPurchases, earlier);
              Map<TableKind, Dataset<Row>> kept = new EnumMap<>(TableKind.class);
              v.byTable().forEach((kind, rows) -> kept.put(kind, judged.keep(kind.key(), rows)));
              return new KeyedRules.Verdicts(kept, v.firstPurchases());
            });
    Map<TableKind, ValidatedInput> out = new EnumMap<>(TableKind.class);
    keyed.forEach(
        (kind, input) -> out.put(kind, KeyedRules.judged(input, verdicts.byTable().get(kind))));
    return new JudgedInputs(out, verdicts.firstPurchases());
  }

  /** What this run read, for the manifest. */
  Map<String, Object> report() {
    if (periods != null) {
      periods
          .computedFrom()
          .ifPresent(d -> report.put("customer_periods_computed_from", d.toString()));
      spells.recomputed().ifPresent(n -> report.put("spells_customers_recomputed", n));
    }
    return report;
  }

  /**
   * What an incremental run keeps in its state beside the rows, for the families to read.
   *
   * @param periods the activity per customer and period
   * @param spells the lifecycle spells
   */
  record Kept(KeptPeriods periods, KeptSpells spells) {}

  /** Where this run keeps its shared intermediates (after {@link #read}). */
  Kept kept() {
    return new Kept(periods, spells);
  }

  /**
   * What changed since the run of the state version this run started from (empty without one): a
   * row of an input can differ from what that run used only at or after the input's instant.
   */
  Optional<InputChanges> changes() {
    return from.map(v -> new InputChanges(v.date(), Map.copyOf(changedFrom)));
  }

  /** Records the state of this run, once its tables are published. */
  void publishState() {
    state.publish(
        new InputState.Version(
            asOf.toString(), runId, settings.incremental().fingerprint(), tables, keptDirs()),
        settings.incremental().keepVersions());
  }

  /** What this run derived and kept beside the rows, by name. */
  private Map<String, String> keptDirs() {
    Map<String, String> all = new TreeMap<>(judged.dirs());
    all.putAll(periods.dirs());
    all.putAll(spells.dirs());
    return all;
  }

  /**
   * The state's rows without those of partitions that are no longer in the source (a full run would
   * not see them); their directory still holds them.
   */
  private static Dataset<Row> withoutDropped(
      Dataset<Row> rows, java.util.Set<String> known, SourcePartitions source) {
    List<String> dropped =
        known.stream().filter(d -> !source.files().containsKey(LocalDate.parse(d))).toList();
    return dropped.isEmpty()
        ? rows
        : rows.where(
            org.apache.spark.sql.functions.not(col(KeyedRules.PART).isin(dropped.toArray())));
  }

  private ValidatedInput whole(InputSettings in, Validation validation) {
    changedFrom.put(in.table(), Instant.MIN); // read whole: no telling what is new
    ValidatedInput own =
        validation.validateOwn(new InputReader(spark, settings).read(in), java.util.Set.of());
    Dataset<Row> rows = work.keep(in.table().key(), KeyedRules.keyed(own, lit("")).flagged());
    return KeyedRules.of(in, rows);
  }

  private ValidatedInput partitioned(
      InputSettings in, Optional<InputState.Version> from, Validation validation) {
    TableKind kind = in.table();
    String column = in.partitionColumn().orElseThrow();
    SourcePartitions source = SourcePartitions.list(in, spark.sparkContext().hadoopConfiguration());
    Optional<InputState.Table> before =
        from.map(v -> v.tables().get(kind.key())).filter(t -> column.equals(t.partitionColumn()));
    Map<String, InputState.Partition> known =
        before.map(InputState.Table::partitions).orElse(Map.of());
    LocalDate windowStart =
        from.map(v -> v.date().minusDays(settings.incremental().lateDays() - 1L))
            .orElse(LocalDate.MIN);
    PartitionPlan plan = PartitionPlan.of(source, known, windowStart);
    List<LocalDate> reread = plan.reread();
    Map<String, InputState.Partition> partitions = plan.kept();
    changedFrom.put(kind, before.isEmpty() || plan.withdrawn() ? Instant.MIN : Instant.MAX);
    TreeSet<String> currencies =
        new TreeSet<>(before.map(InputState.Table::currencies).orElse(List.of()));
    Optional<Dataset<Row>> judgedRows = Optional.empty();
    if (!reread.isEmpty()) {
      TypedInput typed =
          new InputReader(spark, settings).read(in, Optional.of(source.paths(reread)));
      boolean mixedBefore = currencies.size() > 1;
      currencies.addAll(Validation.currenciesIn(typed.rows()));
      if (before.isPresent() && mixedBefore != currencies.size() > 1) {
        // A row without a currency is judged by whether the table mixes currencies: that changed,
        // so the rows kept in the state were judged under the other rule.
        LOG.info(
            "Input {}: currencies are now mixed ({}): reading every partition",
            kind.key(),
            currencies);
        return partitioned(in, Optional.empty(), validation);
      }
      ValidatedInput own = validation.validateOwn(typed, currencies);
      ValidatedInput keyed =
          KeyedRules.keyed(own, col(TypedInput.RAW).getField(column).cast("string"));
      if (changedFrom.get(kind).equals(Instant.MAX)) {
        // A row can change others by arriving and by leaving: a partition read again may no
        // longer hold a row it held.
        changedFrom.put(
            kind, InputChanges.earliestChange(keyed.flagged(), state, known, reread, kind));
      }
      judgedRows = Optional.of(keyed.flagged());
    }
    MonthlyState.write(
        state,
        kind,
        runId,
        judgedRows,
        plan,
        known,
        source,
        asOf.minusDays(settings.incremental().lateDays() - 1L));
    List<String> dirs =
        partitions.values().stream()
            .map(InputState.Partition::dir)
            .filter(d -> d != null)
            .distinct()
            .toList();
    tables.put(kind.key(), new InputState.Table(column, List.copyOf(currencies), partitions));
    report.put(
        kind.key(),
        plan.reported(
            in,
            source,
            spark.sparkContext().hadoopConfiguration(),
            windowStart,
            asOf,
            from.map(InputState.Version::asOf)));
    Dataset<Row> rows =
        dirs.isEmpty()
            ? KeyedRules.keyed(
                    validation.validateOwn(
                        new InputReader(spark, settings).read(in), java.util.Set.of()),
                    lit(""))
                .flagged()
                .limit(0)
            : withoutDropped(state.read(dirs), known.keySet(), source);
    return KeyedRules.of(in, rows);
  }
}
