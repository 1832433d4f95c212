package io.tenure.pipeline;

import io.tenure.config.TableKind;
import io.tenure.metrics.ChurnRates;
import io.tenure.metrics.CohortRetention;
import io.tenure.metrics.NpsByGroup;
import io.tenure.metrics.RetentionDrivers;
import io.tenure.metrics.ServiceKpis;
import io.tenure.metrics.TimeWithCustomer;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/** A group of output tables computed together, selectable with {@code run --only}. */
public enum MetricFamily {
  COHORT_RETENTION(
      "cohort_retention",
      Set.of(TableKind.TRANSACTIONS),
      List.of(CohortRetention.TABLE, CohortRetention.SUMMARY_TABLE)),
  CHURN_RATES(
      "churn_rates",
      Set.of(TableKind.TRANSACTIONS),
      List.of(ChurnRates.TABLE, ChurnRates.REASONS_TABLE)),
  TIME_WITH_CUSTOMER(
      "time_with_customer",
      Set.of(TableKind.INTERACTIONS),
      List.of(
          TimeWithCustomer.TABLE,
          TimeWithCustomer.HISTOGRAM_TABLE,
          TimeWithCustomer.CUSTOMER_TABLE)),
  SERVICE_KPIS(
      "service_kpis", Set.of(TableKind.INTERACTIONS), List.of(ServiceKpis.TABLE, NpsByGroup.TABLE)),
  RETENTION_DRIVERS(
      "retention_drivers",
      Set.of(TableKind.TRANSACTIONS, TableKind.INTERACTIONS),
      List.of(RetentionDrivers.TABLE));

  private final String key;
  private final Set<TableKind> needs;
  private final List<String> tables;

  MetricFamily(String key, Set<TableKind> needs, List<String> tables) {
    this.key = key;
    this.needs = needs;
    this.tables = tables;
  }

  public String key() {
    return key;
  }

  /** Input tables without which this family cannot be computed. */
  public Set<TableKind> needs() {
    return needs;
  }

  /** The output tables this family writes. */
  public List<String> tables() {
    return tables;
  }

  public static MetricFamily parse(String value) {
    String v = value.trim().toLowerCase(Locale.ROOT).replace('-', '_');
    for (MetricFamily f : values()) {
      if (f.key.equals(v) || f.tables.contains(v)) {
        return f;
      }
    }
    throw new IllegalArgumentException(
        "unknown table '"
            + value
            + "'; expected cohort_retention, churn_rates, time_with_customer, service_kpis or"
            + " retention_drivers");
  }
}
