package io.tenure.pipeline.family;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import io.tenure.config.TableKind;
import io.tenure.config.TenureSettings;
import io.tenure.metrics.CustomerLifetimes;
import io.tenure.metrics.KaplanMeier;
import io.tenure.pipeline.OutputTable;
import io.tenure.pipeline.RunContext;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** How long customers stay: Kaplan–Meier curves of lifetimes and their summary per group. */
public final class SurvivalFamily implements TableFamily {
  public static final OutputTable CURVES =
      OutputTable.of(
          "survival_curves",
          "time_unit string, group_type string, group_value string, time int, at_risk bigint,"
              + " events bigint, censored bigint, survival double, std_err double,"
              + " ci_low double, ci_high double",
          List.of("group_type", "group_value", "time"),
          "per group × lifetime (in time units) at which a customer churned or was censored");
  public static final OutputTable SUMMARY =
      OutputTable.of(
          "survival_summary",
          "time_unit string, group_type string, group_value string, customers bigint,"
              + " events bigint, censored bigint, median_time int, rmst double, rmst_horizon int,"
              + " logrank_expected double, logrank_chi2 double, logrank_p_value double",
          List.of("group_type", "group_value"),
          "per group: median and restricted mean lifetime, log-rank test against the rest");

  @Override
  public Set<TableKind> needs() {
    return Set.of(TableKind.TRANSACTIONS);
  }

  @Override
  public List<OutputTable> tables() {
    return List.of(CURVES, SUMMARY);
  }

  @Override
  public void compute(RunContext run, Staging staging) {
    TenureSettings s = run.settings();
    Dataset<Row> subjects =
        CustomerLifetimes.of(
            run.spells(),
            run.activityBase().customers(),
            s.has(TableKind.CUSTOMERS),
            s.cohort().anchor(),
            s.grain(),
            s.survival().timeUnit(),
            run.asOf());
    Column unit = lit(s.survival().timeUnit().key()).as("time_unit");
    Dataset<Row> curves =
        staging.stage(CURVES, KaplanMeier.curves(subjects).select(withUnit(unit, CURVES)));
    staging.stage(
        SUMMARY,
        KaplanMeier.summary(curves, s.survival().rmstHorizon())
            .withColumnRenamed("subjects", "customers")
            .select(withUnit(unit, SUMMARY)));
  }

  /** The table's columns in order, the unit first. */
  private static Column[] withUnit(Column unit, OutputTable table) {
    return java.util.Arrays.stream(table.schema().fieldNames())
        .map(name -> name.equals("time_unit") ? unit : col(name))
        .toArray(Column[]::new);
  }
}
