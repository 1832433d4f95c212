package io.tenure.pipeline.family;

import io.tenure.config.TableKind;
import io.tenure.config.TenureSettings;
import io.tenure.metrics.EarlierPeriods;
import io.tenure.metrics.RetentionDrivers;
import io.tenure.pipeline.OutputTable;
import io.tenure.pipeline.RunContext;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** Churn by the service a customer got before each period ({@link RetentionDrivers}). */
public final class RetentionDriversFamily implements TableFamily {
  public static final OutputTable DRIVERS =
      OutputTable.of(
          RetentionDrivers.TABLE,
          "level string, period_start date, driver string, bucket string,"
              + " customer_periods bigint, churned bigint, churn_rate double,"
              + " baseline_churn_rate double, lift double, churn_rate_ci_low double,"
              + " churn_rate_ci_high double",
          List.of("level", "period_start", "driver", "bucket"),
          "per level × period × driver × bucket");

  /** Every input the table reads: the spells come from transactions and cancellations. */
  private static final Set<TableKind> READS =
      Set.of(TableKind.TRANSACTIONS, TableKind.CANCELLATIONS, TableKind.INTERACTIONS);

  @Override
  public Set<TableKind> needs() {
    return Set.of(TableKind.TRANSACTIONS, TableKind.INTERACTIONS);
  }

  @Override
  public List<OutputTable> tables() {
    return List.of(DRIVERS);
  }

  @Override
  public void compute(RunContext run, Staging staging) {
    TenureSettings s = run.settings();
    // Complete periods only: nothing from the start of the current period on is read, so while that
    // start is the same and no row before it changed, a daily run publishes yesterday's table.
    LocalDate current = s.grain().start(run.asOf().plusDays(1));
    Optional<LocalDate> previous =
        run.previousRun().filter(d -> s.grain().start(d.plusDays(1)).equals(current));
    Optional<Dataset<Row>> same =
        previous.flatMap(d -> run.unchangedSince(DRIVERS, READS, current));
    if (same.isPresent()) {
      staging.stageUnchanged(DRIVERS, same.get(), previous.get());
      return;
    }
    // Otherwise the periods from the first day that can have changed.
    Optional<EarlierPeriods> earlier = run.earlierPeriods(DRIVERS, READS);
    Dataset<Row> drivers =
        RetentionDrivers.compute(
            run.spells(),
            run.interactions(),
            run.transactions(),
            s.service(),
            s.grain(),
            s.zone(),
            run.asOf(),
            earlier);
    run.stagePeriods(staging, DRIVERS, drivers, earlier.map(EarlierPeriods::changedFrom));
  }
}
