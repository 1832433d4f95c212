package io.tenure.pipeline.family;

import io.tenure.config.TableKind;
import io.tenure.config.TenureSettings;
import io.tenure.metrics.RetentionDrivers;
import io.tenure.pipeline.OutputTable;
import io.tenure.pipeline.RunContext;
import java.util.List;
import java.util.Set;

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
    staging.stage(
        DRIVERS,
        RetentionDrivers.compute(
            run.spells(),
            run.interactions(),
            run.transactions(),
            s.service(),
            s.grain(),
            s.zone(),
            run.asOf()));
  }
}
