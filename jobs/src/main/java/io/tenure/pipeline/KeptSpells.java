package io.tenure.pipeline;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;

import io.tenure.io.WorkArea;
import io.tenure.metrics.ActivityBase;
import io.tenure.metrics.LifecycleSpells;
import io.tenure.metrics.Periods;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lifecycle spells of an incremental run, kept in its state with every end, known or not
 * ({@link LifecycleSpells#unmasked}), so that the next run recomputes only the customers whose
 * events can have changed: those with a purchase or cancellation dated on or after the first day
 * whose rows can differ, and those whose kept spells have a last event from that day on (a row that
 * left the inputs). Every other customer's events are the ones the earlier run read, so their
 * spells are the earlier run's. Kept by inactivity days and Tenure version.
 */
final class KeptSpells {
  private static final Logger LOG = LoggerFactory.getLogger("io.tenure");
  private static final String NAME = "spells";
  private static final String TOUCHED = "_touched_customer";

  /** Above this many customers to recompute, every customer is recomputed: one shuffle, no list. */
  static final long MAX_RECOMPUTED = 500_000;

  private final StateRun run;
  private String key;
  private String dir;
  private Optional<Long> recomputed = Optional.empty();

  KeptSpells(StateRun run) {
    this.run = run;
  }

  /**
   * This run's spells ({@link LifecycleSpells#unmasked}), written into its state.
   *
   * @param changedFrom the first day from which purchases or cancellations can differ from the
   *     earlier run's; empty when any may have
   * @param work where the customers to recompute are kept while they are read twice
   */
  Dataset<Row> keep(
      Dataset<Row> transactions,
      Optional<Dataset<Row>> cancellations,
      int inactivityDays,
      ZoneId zone,
      Optional<LocalDate> changedFrom,
      WorkArea work) {
    key = NAME + "/" + inactivityDays + "/" + Version.get();
    Optional<Dataset<Row>> before =
        changedFrom
            .flatMap(d -> run.earlier().flatMap(v -> v.judged(key)))
            .map(run.spark().read()::parquet);
    Dataset<Row> spells =
        LifecycleSpells.unmasked(transactions, cancellations, inactivityDays, zone);
    if (before.isPresent()) {
      Dataset<Row> touched =
          work.keep(
              "spells_touched",
              touched(transactions, cancellations, before.get(), changedFrom.get(), zone));
      long n = touched.count();
      if (n <= MAX_RECOMPUTED) {
        recomputed = Optional.of(n);
        LOG.info(
            "Lifecycle spells: {} customers with events from {} recomputed, the others taken from"
                + " the state of {}",
            n,
            changedFrom.get(),
            run.earlier().get().asOf());
        Dataset<Row> ids = broadcast(touched);
        spells =
            LifecycleSpells.unmasked(
                    of(transactions, ids, "left_semi"),
                    cancellations.map(c -> of(c, ids, "left_semi")),
                    inactivityDays,
                    zone)
                .unionByName(of(before.get(), ids, "left_anti"));
      } else {
        LOG.info(
            "Lifecycle spells: {} customers with events from {}, more than {}: every customer's"
                + " spells computed",
            n,
            changedFrom.get(),
            MAX_RECOMPUTED);
      }
    }
    dir = run.state().writeJudged(NAME, run.runId(), spells);
    return run.spark().read().schema(spells.schema()).parquet(dir);
  }

  /** Customers recomputed when the others came from the earlier run's state. */
  Optional<Long> recomputed() {
    return recomputed;
  }

  /** What this run kept, by name, for its state version. */
  Map<String, String> dirs() {
    return dir == null ? Map.of() : Map.of(key, dir);
  }

  /** The customers whose spells can differ from {@code before}'s. */
  private static Dataset<Row> touched(
      Dataset<Row> transactions,
      Optional<Dataset<Row>> cancellations,
      Dataset<Row> before,
      LocalDate from,
      ZoneId zone) {
    Column since = Periods.startOfDay(from, zone);
    Dataset<Row> ids =
        transactions
            .where(col("kind").equalTo("purchase").and(col("occurred_at").geq(since)))
            .select(col(ActivityBase.CUSTOMER_ID).as(TOUCHED))
            .unionByName(
                before
                    .where(col(LifecycleSpells.LAST_EVENT_DATE).geq(Periods.date(from)))
                    .select(col(ActivityBase.CUSTOMER_ID).as(TOUCHED)));
    if (cancellations.isPresent()) {
      ids =
          ids.unionByName(
              cancellations
                  .get()
                  .where(col("cancelled_at").geq(since))
                  .select(col(ActivityBase.CUSTOMER_ID).as(TOUCHED)));
    }
    return ids.distinct();
  }

  /** The rows of {@code rows} whose customer is (or is not) among {@code ids}. */
  private static Dataset<Row> of(Dataset<Row> rows, Dataset<Row> ids, String how) {
    return rows.join(ids, rows.col(ActivityBase.CUSTOMER_ID).equalTo(ids.col(TOUCHED)), how);
  }
}
