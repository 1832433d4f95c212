package io.tenure.pipeline;

import static io.tenure.testing.Rows.ts;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tenure.testing.CliRun;
import io.tenure.testing.Rows;
import io.tenure.testing.SparkExtension;
import io.tenure.testing.TinyRun;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Unidentified callers share the id "0": declared as a placeholder, their contacts count in the
 * contact-level figures and stay out of the customer-level ones; a purchase under it is excluded.
 */
@ExtendWith({SparkExtension.class, SparkExtension.Interpreted.class})
class PlaceholderIdsTest {
  private static final String AS_OF = "2024-06-10";

  @TempDir Path dir;

  /** c1 calls twice about billing within a week; three callers without an id call too. */
  private TinyRun callCentre(SparkSession spark) {
    return new TinyRun(spark, dir)
        .input(
            "transactions",
            Rows.TRANSACTIONS,
            List.of(
                RowFactory.create(
                    "t1",
                    "c1",
                    ts("2024-06-01T09:00:00Z"),
                    new BigDecimal("10"),
                    null,
                    "purchase",
                    null),
                RowFactory.create(
                    "t2",
                    "0",
                    ts("2024-06-02T09:00:00Z"),
                    new BigDecimal("99"),
                    null,
                    "purchase",
                    null)))
        .input(
            "interactions",
            Rows.INTERACTIONS,
            List.of(
                contact("i1", "c1", "2024-06-03T10:00:00Z", 9),
                contact("i2", "c1", "2024-06-05T10:00:00Z", null),
                contact("i3", "0", "2024-06-03T11:00:00Z", 0),
                contact("i4", "0", "2024-06-04T11:00:00Z", 0),
                contact("i5", "0", "2024-06-05T11:00:00Z", null)));
  }

  private static Row contact(String id, String customer, String opened, Integer nps) {
    return RowFactory.create(
        id,
        customer,
        "phone",
        "billing",
        ts(opened),
        ts(opened.replace(":00:00Z", ":00:30Z")),
        ts(opened.replace(":00:00Z", ":10:00Z")),
        300.0,
        "A1",
        true,
        null,
        nps);
  }

  @Test
  void anonymousContactsCountAsContactsButNotAsCustomers(SparkSession spark) throws Exception {
    TinyRun run = callCentre(spark).set("quality.placeholder-customer-ids = [\"0\"]");

    CliRun r = run.run(AS_OF);

    assertThat(r.code()).as(r.err()).isZero();
    // contacts, customers, identified, repeats (i1 by i2), first-contact resolved (i2), nps
    // answers, NPS (9, 0, 0: one promoter, two detractors).
    assertThat(overall(run)).isEqualTo("[5,1,2,1,1,0.5,3,-33.33333333333333]");
    assertThat(
            run.table("customer_time_with_customer", AS_OF)
                .selectExpr("customer_id", "interactions")
                .distinct()
                .collectAsList()
                .toString())
        .isEqualTo("[[c1,2]]");
    assertThat(
            run.table("nps_by_group", AS_OF)
                .where("period_start is null")
                .selectExpr("group_value", "nps_responses")
                .collectAsList()
                .toString())
        .isEqualTo("[[2024-06-01,1]]");
    JsonNode transactions = manifest().get("inputs").get("transactions");
    assertThat(transactions.get("rows_used").asLong()).isEqualTo(1);
    assertThat(transactions.get("rows_quarantined").asLong()).isZero();
    assertThat(transactions.get("excluded_by_reason").toString())
        .isEqualTo("{\"placeholder_customer_id\":1}");
    assertThat(manifest().get("inputs").get("interactions").get("rows_used").asLong()).isEqualTo(5);
    assertThat(run.table("cohort_retention", AS_OF).selectExpr("sum(revenue)").first().get(0))
        .hasToString("10.0000");
  }

  @Test
  void withoutThePlaceholderTheSharedIdIsOneBusyCustomer(SparkSession spark) throws Exception {
    TinyRun run = callCentre(spark);

    CliRun r = run.run(AS_OF);

    assertThat(r.code()).as(r.err()).isZero();
    assertThat(overall(run)).isEqualTo("[5,2,5,3,2,0.4,3,-33.33333333333333]");
  }

  private static String overall(TinyRun run) {
    return run.table("service_kpis", AS_OF)
        .where("level = 'overall'")
        .selectExpr(
            "contacts",
            "customers",
            "identified_contacts",
            "repeat_contacts",
            "first_contact_resolved",
            "first_contact_resolution_rate",
            "nps_responses",
            "nps")
        .first()
        .toString();
  }

  private JsonNode manifest() throws Exception {
    return new ObjectMapper()
        .readTree(dir.resolve("out/_manifests/as_of=" + AS_OF + ".json").toFile());
  }
}
