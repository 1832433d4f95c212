package io.tenure.pipeline.family;

import io.tenure.config.TableKind;
import io.tenure.config.TenureSettings;
import io.tenure.metrics.NpsByGroup;
import io.tenure.metrics.ServiceKpis;
import io.tenure.pipeline.OutputTable;
import io.tenure.pipeline.RunContext;
import java.util.List;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/** Service KPIs ({@link ServiceKpis}) and NPS per customer group ({@link NpsByGroup}). */
public final class ServiceKpisFamily implements TableFamily {
  public static final OutputTable KPIS =
      OutputTable.of(
          ServiceKpis.TABLE,
          "level string, period_start date, channel string, category string, contacts bigint,"
              + " customers bigint, active_customers bigint, contacts_per_active_customer double,"
              + " answered bigint, abandoned bigint, pending bigint, abandon_rate double,"
              + " first_response_mean_seconds double, first_response_p50_seconds double,"
              + " first_response_p90_seconds double, first_response_p99_seconds double,"
              + " sla_contacts bigint, within_target bigint, within_target_rate double,"
              + " resolved bigint, resolution_rate double, time_to_close_p50_seconds double,"
              + " time_to_close_p90_seconds double, repeat_contacts bigint,"
              + " repeat_contact_rate double, first_contact_resolved bigint,"
              + " first_contact_resolution_rate double, csat_responses bigint, csat_mean double,"
              + " csat_satisfied_rate double, survey_response_rate double,"
              + " first_response_business_p50_seconds double,"
              + " first_response_business_p90_seconds double,"
              + " time_to_close_business_p50_seconds double,"
              + " time_to_close_business_p90_seconds double, nps_responses bigint,"
              + " promoters bigint, passives bigint, detractors bigint, nps double,"
              + " nps_ci_low double, nps_ci_high double, timed_contacts bigint,"
              + " identified_contacts bigint, handle_baseline_seconds double,"
              + " share_above_baseline double",
          List.of("level", "period_start", "channel", "category"),
          "per level × period × channel × category");
  public static final OutputTable NPS_BY_GROUP =
      OutputTable.of(
          NpsByGroup.TABLE,
          "group_by string, group_value string, period_start date, nps_responses bigint,"
              + " promoters bigint, passives bigint, detractors bigint, nps double,"
              + " nps_ci_low double, nps_ci_high double",
          List.of("group_by", "group_value", "period_start"),
          "per grouping × group × period");

  @Override
  public Set<TableKind> needs() {
    return Set.of(TableKind.INTERACTIONS);
  }

  @Override
  public List<OutputTable> tables() {
    return List.of(KPIS, NPS_BY_GROUP);
  }

  @Override
  public void compute(RunContext run, Staging staging) {
    TenureSettings s = run.settings();
    Dataset<Row> interactions = run.interactions();
    staging.stage(
        KPIS,
        ServiceKpis.compute(
            interactions,
            run.activityBase(),
            s.service(),
            s.timeWithCustomer().percentileAccuracy(),
            s.grain(),
            s.zone()));
    staging.stage(
        NPS_BY_GROUP,
        NpsByGroup.compute(
            interactions,
            run.activityBase().customers(),
            s.has(TableKind.CUSTOMERS),
            s.grain(),
            s.zone()));
  }
}
