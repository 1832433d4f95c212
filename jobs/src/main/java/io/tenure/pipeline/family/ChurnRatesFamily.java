package io.tenure.pipeline.family;

import static org.apache.spark.sql.functions.col;

import io.tenure.config.TableKind;
import io.tenure.config.TenureSettings;
import io.tenure.errors.Errors;
import io.tenure.metrics.ChurnRates;
import io.tenure.pipeline.OutputTable;
import io.tenure.pipeline.RunContext;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.slf4j.LoggerFactory;

/** Churn per period and its reasons ({@link ChurnRates}), with the balance checked. */
public final class ChurnRatesFamily implements TableFamily {
  public static final OutputTable PERIODS =
      OutputTable.of(
          ChurnRates.TABLE,
          "period_start date, period_end date, is_complete boolean, customers_at_start bigint,"
              + " new_customers bigint, reactivated_customers bigint, churned_customers bigint,"
              + " customers_at_end bigint, churned_from_start bigint,"
              + " churned_by_cancellation bigint, churned_by_inactivity bigint, churn_rate double,"
              + " churn_denominator string, retention_rate double, cancellations bigint,"
              + " refunds bigint, refund_amount decimal(38,4), net_revenue decimal(38,4),"
              + " churned_revenue decimal(38,4), base_revenue decimal(38,4),"
              + " base_revenue_churned decimal(38,4), base_revenue_retained_gross decimal(38,4),"
              + " base_revenue_retained_net decimal(38,4), revenue_churn_rate double,"
              + " gross_revenue_retention double, net_revenue_retention double",
          List.of("period_start"),
          "one row per period from the first purchase period to the as-of period");
  public static final OutputTable REASONS =
      OutputTable.of(
          ChurnRates.REASONS_TABLE,
          "period_start date, churn_type string, reason string, churned_customers bigint,"
              + " share_of_churned double",
          List.of("period_start", "churn_type", "reason"),
          "per period × churn type × reason");

  @Override
  public Set<TableKind> needs() {
    return Set.of(TableKind.TRANSACTIONS);
  }

  @Override
  public List<OutputTable> tables() {
    return List.of(PERIODS, REASONS);
  }

  @Override
  public void compute(RunContext run, Staging staging) {
    TenureSettings s = run.settings();
    if (!s.has(TableKind.CANCELLATIONS)) {
      LoggerFactory.getLogger("io.tenure")
          .info("No cancellations input: churn is inactivity-based only");
    }
    // A daily incremental run recomputes the periods from the first day that can have changed.
    Set<TableKind> reads = Set.of(TableKind.TRANSACTIONS, TableKind.CANCELLATIONS);
    Optional<ChurnRates.Earlier> earlier =
        run.earlierPeriods(PERIODS, reads)
            .flatMap(
                p ->
                    run.earlierPeriods(REASONS, reads)
                        .map(
                            r ->
                                new ChurnRates.Earlier(
                                    new ChurnRates.Result(p.table(), r.table()), p.changedFrom())));
    ChurnRates.Result r =
        ChurnRates.compute(
            run.spells(),
            run.cancellations(),
            run.activityBase(),
            run.transactions(),
            s.churn(),
            s.grain(),
            s.zone(),
            run.asOf(),
            earlier);
    Optional<LocalDate> changedFrom = earlier.map(ChurnRates.Earlier::changedFrom);
    Dataset<Row> periods = run.stagePeriods(staging, PERIODS, r.periods(), changedFrom);
    run.stagePeriods(staging, REASONS, r.reasons(), changedFrom);
    checkBalance(periods);
  }

  /**
   * customers_at_start + new + reactivated − churned = customers_at_end, where the end is counted
   * from the spells open at the period end: two computations that must agree before anything is
   * published.
   */
  static void checkBalance(Dataset<Row> periods) {
    long broken =
        periods
            .where(
                col(ChurnRates.CUSTOMERS_AT_START)
                    .plus(col(ChurnRates.NEW))
                    .plus(col(ChurnRates.REACTIVATED))
                    .minus(col(ChurnRates.CHURNED))
                    .notEqual(col(ChurnRates.CUSTOMERS_AT_END))
                    .or(col(ChurnRates.CHURNED_FROM_START).gt(col(ChurnRates.CUSTOMERS_AT_START))))
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
