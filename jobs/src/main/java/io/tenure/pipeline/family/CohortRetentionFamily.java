package io.tenure.pipeline.family;

import io.tenure.config.CohortAnchor;
import io.tenure.config.TableKind;
import io.tenure.config.TenureSettings;
import io.tenure.metrics.CohortRetention;
import io.tenure.metrics.EarlierPeriods;
import io.tenure.pipeline.OutputTable;
import io.tenure.pipeline.RunContext;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** Cohort retention cells and their summary ({@link CohortRetention}). */
public final class CohortRetentionFamily implements TableFamily {
  public static final OutputTable CELLS =
      OutputTable.of(
          CohortRetention.TABLE,
          "breakdown string, breakdown_value string, cohort_start date, period_index int,"
              + " period_start date, cohort_size bigint, active_customers bigint,"
              + " retention_rate double, revenue decimal(38,4), revenue_retention double,"
              + " is_complete boolean",
          List.of("breakdown", "breakdown_value", "cohort_start", "period_index"),
          "one row per breakdown value × cohort × period index");
  public static final OutputTable SUMMARY =
      OutputTable.of(
          CohortRetention.SUMMARY_TABLE,
          "breakdown string, breakdown_value string, period_index int, cohorts bigint,"
              + " cohort_customers bigint, active_customers bigint, retention_rate double,"
              + " revenue decimal(38,4), base_revenue decimal(38,4), revenue_retention double",
          List.of("breakdown", "breakdown_value", "period_index"),
          "per breakdown value × period index, complete cells only");

  @Override
  public Set<TableKind> needs() {
    return Set.of(TableKind.TRANSACTIONS);
  }

  @Override
  public List<OutputTable> tables() {
    return List.of(CELLS, SUMMARY);
  }

  @Override
  public void compute(RunContext run, Staging staging) {
    TenureSettings s = run.settings();
    // A daily incremental run recomputes the periods from the first day that can have changed;
    // the customers' attributes (a signup anchor, a breakdown by them) are read whole.
    Set<TableKind> reads =
        s.cohort().anchor() == CohortAnchor.SIGNUP || s.cohort().breakdown().needsCustomers()
            ? Set.of(TableKind.TRANSACTIONS, TableKind.CUSTOMERS)
            : Set.of(TableKind.TRANSACTIONS);
    Optional<EarlierPeriods> earlier = run.earlierPeriods(CELLS, reads);
    Dataset<Row> computed =
        CohortRetention.compute(
            run.activityBase(),
            s.grain(),
            s.cohort().anchor(),
            s.cohort().breakdown(),
            run.asOf(),
            earlier);
    Dataset<Row> cells =
        run.stagePeriods(staging, CELLS, computed, earlier.map(EarlierPeriods::changedFrom));
    // The summary pools the written cells rather than recomputing them.
    staging.stage(SUMMARY, CohortRetention.summarize(cells));
  }
}
