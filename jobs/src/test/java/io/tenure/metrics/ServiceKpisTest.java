package io.tenure.metrics;

import static io.tenure.testing.Rows.purchase;
import static io.tenure.testing.Rows.sorted;
import static io.tenure.testing.Rows.ts;
import static org.assertj.core.api.Assertions.assertThat;

import io.tenure.config.Grain;
import io.tenure.config.ServiceSettings;
import io.tenure.testing.Rows;
import io.tenure.testing.SparkExtension;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Service KPIs on six contacts, expectations worked out by hand (all UTC, month periods):
 *
 * <pre>
 * i1 c1 phone        Jan 10 10:00  answered +30 s, closed +330 s, handle 300, resolved, csat 5, nps 10
 * i2 c1 phone        Jan 12 10:00  answered +90 s, closed +600 s (no handle time), resolved, csat 2, nps 3
 * i3 c2 phone        Jan 20 10:00  never answered, closed +120 s, not resolved, nps 6   (abandoned)
 * i4 c2 email        Jan 31 23:00  answered +3 h, closed Feb 1 05:00 (resolved flag missing)
 * i5 c2 self-service Jan 15 10:00  no answer expected, closed +60 s, handle 60
 * i6 c1 phone        Feb 10 10:00  neither answered nor closed, nps 0                  (pending)
 * </pre>
 *
 * All in category billing. Targets: phone 60 s, email 24 h; repeat window 7 days. i1 is a repeat
 * contact (i2 two days later), so is i5 (i3 five days later); i3 is not (i4 eleven days later).
 * Billing's baseline is its median duration: of 60, 120, 300, 600, 21600 s, 300 s. Only c1 and c2
 * buy, both in January.
 */
@ExtendWith(SparkExtension.class)
class ServiceKpisTest {
  private static Dataset<Row> kpis;

  private static Row contact(
      String id,
      String customer,
      String channel,
      String opened,
      String response,
      String closed,
      Double handle,
      Boolean resolved,
      Integer csat,
      Integer nps) {
    return RowFactory.create(
        id,
        customer,
        channel,
        "billing",
        ts(opened),
        response == null ? null : ts(response),
        closed == null ? null : ts(closed),
        handle,
        "A1",
        resolved,
        csat,
        nps);
  }

  @BeforeAll
  static void compute(SparkSession spark) {
    Dataset<Row> interactions =
        Rows.df(
            spark,
            Rows.INTERACTIONS,
            contact(
                "i1",
                "c1",
                "phone",
                "2024-01-10T10:00:00Z",
                "2024-01-10T10:00:30Z",
                "2024-01-10T10:05:30Z",
                300.0,
                true,
                5,
                10),
            contact(
                "i2",
                "c1",
                "phone",
                "2024-01-12T10:00:00Z",
                "2024-01-12T10:01:30Z",
                "2024-01-12T10:10:00Z",
                null,
                true,
                2,
                3),
            contact(
                "i3",
                "c2",
                "phone",
                "2024-01-20T10:00:00Z",
                null,
                "2024-01-20T10:02:00Z",
                null,
                false,
                null,
                6),
            contact(
                "i4",
                "c2",
                "email",
                "2024-01-31T23:00:00Z",
                "2024-02-01T02:00:00Z",
                "2024-02-01T05:00:00Z",
                null,
                null,
                null,
                null),
            contact(
                "i5",
                "c2",
                "self_service",
                "2024-01-15T10:00:00Z",
                null,
                "2024-01-15T10:01:00Z",
                60.0,
                null,
                null,
                null),
            contact("i6", "c1", "phone", "2024-02-10T10:00:00Z", null, null, null, null, null, 0));
    Dataset<Row> tx =
        Rows.df(
            spark,
            Rows.TRANSACTIONS,
            purchase("c1", "2024-01-02T12:00:00Z", "10"),
            purchase("c2", "2024-01-03T12:00:00Z", "10"));
    ActivityBase base = ActivityBase.build(tx, Optional.empty(), ZoneOffset.UTC, Grain.MONTH);
    ServiceSettings settings =
        new ServiceSettings(
            Map.of("phone", 60.0, "email", 86400.0),
            7,
            Map.of(),
            List.of("complaint"),
            180,
            Optional.empty());
    kpis =
        ServiceKpis.compute(
            interactions,
            base,
            settings,
            java.util.OptionalInt.empty(),
            Grain.MONTH,
            ZoneOffset.UTC);
  }

  @Test
  void responseAndAbandonment() {
    assertThat(
            sorted(
                kpis.where("level in ('period_channel', 'period')"),
                "cast(period_start as string)",
                "channel",
                "contacts",
                "customers",
                "contacts_per_active_customer",
                "answered",
                "abandoned",
                "pending",
                "round(abandon_rate, 4)",
                "first_response_mean_seconds",
                "first_response_p50_seconds",
                "sla_contacts",
                "within_target",
                "round(within_target_rate, 4)"))
        .containsExactly(
            "2024-01-01 | all | 5 | 2 | 2.5 | 3 | 1 | 0 | 0.25 | 3640.0 | 90.0 | 4 | 2 | 0.5",
            "2024-01-01 | email | 1 | 1 | 0.5 | 1 | 0 | 0 | 0.0 | 10800.0 | 10800.0 | 1 | 1 | 1.0",
            "2024-01-01 | phone | 3 | 2 | 1.5 | 2 | 1 | 0 | 0.3333 | 60.0 | 30.0 | 3 | 1 | 0.3333",
            "2024-01-01 | self_service | 1 | 1 | 0.5 | 0 | 0 | 0 | null | null | null | 0 | 0 | null",
            "2024-02-01 | all | 1 | 1 | null | 0 | 0 | 1 | null | null | null | 0 | 0 | null",
            "2024-02-01 | phone | 1 | 1 | null | 0 | 0 | 1 | null | null | null | 0 | 0 | null");
  }

  @Test
  void resolutionRepeatsAndFirstContactResolution() {
    assertThat(
            sorted(
                kpis.where("level = 'period_channel' and period_start = '2024-01-01'"),
                "channel",
                "resolved",
                "round(resolution_rate, 4)",
                "time_to_close_p50_seconds",
                "repeat_contacts",
                "first_contact_resolved",
                "round(first_contact_resolution_rate, 4)"))
        .containsExactly(
            "email | 1 | 1.0 | 21600.0 | 0 | 1 | 1.0",
            "phone | 2 | 0.6667 | 330.0 | 1 | 1 | 0.3333",
            "self_service | 1 | 1.0 | 60.0 | 1 | 0 | 0.0");
  }

  @Test
  void satisfactionAndNps() {
    // January phone: NPS answers 10, 3, 6 -> 1 promoter, 2 detractors, NPS -33.33. Adjusted
    // Wald: p = 1.75 / 6, d = 2.75 / 6, half-width 1.96 * sqrt((p + d - (p - d)^2) / 6) = 0.68,
    // so [-84.67, 51.33] around p - d = -16.67. February: one answer, a detractor, -100 with a
    // wide interval rather than a zero-width one.
    assertThat(
            sorted(
                kpis.where("level = 'period_channel' and channel = 'phone'"),
                "cast(period_start as string)",
                "csat_responses",
                "csat_mean",
                "csat_satisfied_rate",
                "round(survey_response_rate, 4)",
                "nps_responses",
                "promoters",
                "passives",
                "detractors",
                "round(nps, 2)",
                "round(nps_ci_low, 2)",
                "round(nps_ci_high, 2)"))
        .containsExactly(
            "2024-01-01 | 2 | 3.5 | 0.5 | 0.6667 | 3 | 1 | 0 | 2 | -33.33 | -84.67 | 51.33",
            "2024-02-01 | 0 | null | null | 0.0 | 1 | 0 | 0 | 1 | -100.0 | -98.5 | 48.5");
  }

  @Test
  void handleTimeAgainstTheCategoryBaseline() {
    assertThat(
            sorted(
                kpis.where("period_start = '2024-01-01' and level like 'period%'"),
                "level",
                "channel",
                "category",
                "timed_contacts",
                "handle_baseline_seconds",
                "round(share_above_baseline, 4)"))
        // Handle time is staff time: only i1 (300 s) and i5 (60 s) have one; the billing
        // baseline is their median, 60 s (the lower middle value), and i1 is above it.
        .containsExactly(
            "period | all | all | 2 | null | 0.5",
            "period_channel | email | all | 0 | null | null",
            "period_channel | phone | all | 1 | null | 1.0",
            "period_channel | self_service | all | 1 | null | 0.0",
            "period_channel_category | email | billing | 0 | 60.0 | null",
            "period_channel_category | phone | billing | 1 | 60.0 | 1.0",
            "period_channel_category | self_service | billing | 1 | 60.0 | 0.0");
  }

  @Test
  void overallRowCoversEveryContact() {
    assertThat(
            sorted(
                kpis.where("level = 'overall'"),
                "channel",
                "category",
                "contacts",
                "active_customers",
                "answered",
                "abandoned",
                "pending",
                "nps_responses"))
        .containsExactly("all | all | 6 | 2 | 3 | 1 | 1 | 4");
  }
}
