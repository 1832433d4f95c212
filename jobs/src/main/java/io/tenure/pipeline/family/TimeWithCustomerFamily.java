package io.tenure.pipeline.family;

import io.tenure.config.TableKind;
import io.tenure.config.TenureSettings;
import io.tenure.metrics.TimeWithCustomer;
import io.tenure.pipeline.OutputTable;
import io.tenure.pipeline.RunContext;
import java.util.List;
import java.util.Set;

/** Time with customer: statistics, histogram and per-customer rows ({@link TimeWithCustomer}). */
public final class TimeWithCustomerFamily implements TableFamily {
  public static final OutputTable STATS =
      OutputTable.of(
          TimeWithCustomer.TABLE,
          "level string, measure string, period_start date, channel string, category string,"
              + " interactions bigint, timed_interactions bigint, mean_seconds double,"
              + " p50_seconds double, p75_seconds double, p90_seconds double, p95_seconds double,"
              + " p99_seconds double, max_seconds double, total_hours double",
          List.of("level", "measure", "period_start", "channel", "category"),
          "per level × measure × period × channel × category");
  public static final OutputTable HISTOGRAM =
      OutputTable.of(
          TimeWithCustomer.HISTOGRAM_TABLE,
          "level string, measure string, period_start date, channel string, bucket int,"
              + " lower_seconds double, upper_seconds double, interactions bigint, share double",
          List.of("level", "measure", "period_start", "channel", "bucket"),
          "per level × measure × period × channel × bucket");
  public static final OutputTable PER_CUSTOMER =
      OutputTable.of(
              TimeWithCustomer.CUSTOMER_TABLE,
              "customer_id string, period_start date, measure string, interactions bigint,"
                  + " timed_interactions bigint, total_seconds double, mean_seconds double",
              List.of("customer_id", "period_start", "measure"),
              "per customer × period × measure")
          .partitioned();

  @Override
  public Set<TableKind> needs() {
    return Set.of(TableKind.INTERACTIONS);
  }

  @Override
  public List<OutputTable> tables() {
    return List.of(STATS, HISTOGRAM, PER_CUSTOMER);
  }

  @Override
  public void compute(RunContext run, Staging staging) {
    TenureSettings s = run.settings();
    TimeWithCustomer.Result r =
        TimeWithCustomer.compute(run.interactions(), s.timeWithCustomer(), s.grain(), s.zone());
    staging.stage(STATS, r.stats());
    staging.stage(HISTOGRAM, r.histogram());
    staging.stage(PER_CUSTOMER, run.pseudonymised(r.perCustomer(), TimeWithCustomer.CUSTOMER_ID));
  }
}
