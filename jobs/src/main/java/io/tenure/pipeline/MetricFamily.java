package io.tenure.pipeline;

import io.tenure.config.TableKind;
import io.tenure.pipeline.family.ChurnRatesFamily;
import io.tenure.pipeline.family.ChurnRiskFamily;
import io.tenure.pipeline.family.CohortRetentionFamily;
import io.tenure.pipeline.family.RetentionDriversFamily;
import io.tenure.pipeline.family.ServiceKpisFamily;
import io.tenure.pipeline.family.SurvivalFamily;
import io.tenure.pipeline.family.TableFamily;
import io.tenure.pipeline.family.TimeWithCustomerFamily;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The registry of table families, in the order a run computes them, under the names {@code run
 * --only} accepts.
 */
public enum MetricFamily {
  COHORT_RETENTION("cohort_retention", new CohortRetentionFamily()),
  CHURN_RATES("churn_rates", new ChurnRatesFamily()),
  TIME_WITH_CUSTOMER("time_with_customer", new TimeWithCustomerFamily()),
  SERVICE_KPIS("service_kpis", new ServiceKpisFamily()),
  RETENTION_DRIVERS("retention_drivers", new RetentionDriversFamily()),
  SURVIVAL("survival", new SurvivalFamily()),
  CHURN_RISK("churn_risk", new ChurnRiskFamily());

  private final String key;
  private final TableFamily family;

  MetricFamily(String key, TableFamily family) {
    this.key = key;
    this.family = family;
  }

  public String key() {
    return key;
  }

  public TableFamily family() {
    return family;
  }

  /** Input tables without which this family cannot be computed. */
  public Set<TableKind> needs() {
    return family.needs();
  }

  /** The names of the output tables this family writes. */
  public List<String> tables() {
    return family.tables().stream().map(OutputTable::name).toList();
  }

  /** Every table a run can publish: the families' tables, then the quarantine. */
  public static List<OutputTable> allTables() {
    List<OutputTable> all =
        new java.util.ArrayList<>(
            Arrays.stream(values()).flatMap(f -> f.family.tables().stream()).toList());
    all.add(Publication.QUARANTINE);
    return all;
  }

  public static MetricFamily parse(String value) {
    String v = value.trim().toLowerCase(Locale.ROOT).replace('-', '_');
    for (MetricFamily f : values()) {
      if (f.key.equals(v) || f.tables().contains(v)) {
        return f;
      }
    }
    throw new IllegalArgumentException(
        "unknown table '"
            + value
            + "'; expected "
            + Arrays.stream(values()).map(MetricFamily::key).collect(Collectors.joining(", ")));
  }
}
