package io.tenure.validate;

import static io.tenure.testing.Rows.sorted;
import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import io.tenure.config.ConfigLoader;
import io.tenure.config.TableKind;
import io.tenure.config.TenureSettings;
import io.tenure.io.InputReader;
import io.tenure.io.OutputWriter;
import io.tenure.io.TypedInput;
import io.tenure.io.WorkArea;
import io.tenure.metrics.ActivityBase;
import io.tenure.testing.SparkExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The row-level catalogue of docs/data-quality.md: one source row per rule, labelled with the
 * reason it must be quarantined with ("ok" = usable). Each table is read from CSV the way a user
 * would configure it, and the cross-table rules run as in a real run.
 */
@ExtendWith(SparkExtension.class)
class RowRulesCatalogueTest {
  @TempDir static Path dir;
  private static Map<TableKind, ValidatedInput> inputs;
  private static Map<TableKind, ValidatedInput> read;

  @BeforeAll
  static void readCatalogue(SparkSession spark) throws Exception {
    write(
        "transactions.csv",
        "label,transaction_id,customer_id,occurred_at,amount,currency,kind,channel",
        "ok,t1,c1,2024-03-01T10:00:00Z,10.00,EUR,purchase,web",
        "ok,t2,c1,2024-03-02T10:00:00Z,-4.00,EUR,Refund,Web",
        "ok,t3,c2,2024-03-03T10:00:00Z,10.00,eur,purchase,In Store",
        "missing_currency,t18,c2,2024-03-03T10:00:00Z,10.00,,purchase,web",
        "ok,t4,c2,2024-03-04T10:00:00Z,10.00,usd,purchase,",
        "missing_customer_id,t5, ,2024-03-01T10:00:00Z,10.00,EUR,purchase,web",
        "missing_occurred_at,t6,c1,,10.00,EUR,purchase,web",
        "unparseable_occurred_at,t7,c1,01/03/2024,10.00,EUR,purchase,web",
        "missing_amount,t8,c1,2024-03-01T10:00:00Z,,EUR,purchase,web",
        "unparseable_amount,t9,c1,2024-03-01T10:00:00Z,ten,EUR,purchase,web",
        // Beyond decimal(18,4): does not fit the amount type.
        "unparseable_amount,t19,c1,2024-03-01T10:00:00Z,123456789012345.00,EUR,purchase,web",
        "unknown_kind,t10,c1,2024-03-01T10:00:00Z,10.00,EUR,gift,web",
        "negative_purchase_amount,t11,c1,2024-03-01T10:00:00Z,-10.00,EUR,purchase,web",
        "unknown_currency,t12,c1,2024-03-01T10:00:00Z,10.00,GBP,purchase,web",
        "unknown_channel,t13,c1,2024-03-01T10:00:00Z,10.00,EUR,purchase,carrier pigeon",
        "before_earliest_date,t14,c1,1970-01-01T00:00:00Z,10.00,EUR,purchase,web",
        "in_the_future,t15,c1,2999-01-01T00:00:00Z,10.00,EUR,purchase,web",
        "duplicate_transaction_id,t1,c1,2024-03-05T10:00:00Z,10.00,EUR,purchase,web",
        "refund_without_purchase,t16,c3,2024-03-01T10:00:00Z,5.00,EUR,refund,web",
        "refund_without_purchase,t17,c2,2024-03-02T10:00:00Z,5.00,EUR,refund,web",
        // A quoted newline stays inside its record instead of starting a phantom one.
        "unknown_channel,t20,c1,2024-03-01T10:00:00Z,10.00,EUR,purchase,\"carrier\npigeon\"",
        // One field too many: the record is malformed, kept whole in the quarantine.
        "malformed_record,t21,c1,2024-03-01T10:00:00Z,10.00,EUR,purchase,web,surplus");
    write(
        "cancellations.csv",
        "label,customer_id,cancelled_at,kind,reason",
        "ok,c1,2024-04-01T00:00:00Z,Voluntary,price",
        "ok,c2,2024-04-01T00:00:00Z,,",
        "missing_customer_id,,2024-04-01T00:00:00Z,voluntary,price",
        "missing_cancelled_at,c1,,voluntary,price",
        "unknown_kind,c1,2024-04-01T00:00:00Z,forced,price",
        "cancellation_without_transactions,c9,2024-04-01T00:00:00Z,voluntary,price",
        "cancellation_without_transactions,c3,2024-04-01T00:00:00Z,voluntary,price",
        // c2 first buys on 2024-03-03: nobody to cancel yet.
        "cancellation_without_transactions,c2,2024-03-02T00:00:00Z,voluntary,price");
    write(
        "interactions.csv",
        "label,interaction_id,customer_id,channel,opened_at,first_response_at,closed_at,"
            + "handle_seconds,csat,nps",
        "ok,i1,c1,Phone,2024-03-01T10:00:00Z,2024-03-01T10:01:00Z,2024-03-01T10:09:00Z,300,5,10",
        "ok,i2,c1,self-service,2024-03-01T10:00:00Z,,,,,",
        "missing_customer_id,i3,,phone,2024-03-01T10:00:00Z,,,,,",
        "missing_opened_at,i4,c1,phone,,,,,,",
        "unparseable_first_response_at,i5,c1,phone,2024-03-01T10:00:00Z,soon,,,,",
        "unparseable_closed_at,i6,c1,phone,2024-03-01T10:00:00Z,,later,,,",
        "closed_before_opened,i7,c1,phone,2024-03-01T10:00:00Z,,2024-03-01T09:00:00Z,,,",
        "response_before_opened,i8,c1,phone,2024-03-01T10:00:00Z,2024-03-01T09:59:00Z,,,,",
        "negative_handle_seconds,i9,c1,phone,2024-03-01T10:00:00Z,,,-5,,",
        "unparseable_handle_seconds,i10,c1,phone,2024-03-01T10:00:00Z,,,5 min,,",
        "csat_out_of_range,i11,c1,phone,2024-03-01T10:00:00Z,,,,6,",
        "nps_out_of_range,i12,c1,phone,2024-03-01T10:00:00Z,,,,,11",
        "unknown_channel,i13,c1,fax machine,2024-03-01T10:00:00Z,,,,,",
        "duplicate_interaction_id,i1,c1,phone,2024-03-02T10:00:00Z,,,,,",
        // Non-finite or implausible handle times would publish a NaN mean and an infinite p99.
        "implausible_handle_seconds,i14,c1,phone,2024-03-01T10:00:00Z,,,NaN,,",
        "implausible_handle_seconds,i15,c1,phone,2024-03-01T10:00:00Z,,,Infinity,,",
        "implausible_handle_seconds,i16,c1,phone,2024-03-01T10:00:00Z,,,1e308,,",
        "negative_handle_seconds,i17,c1,phone,2024-03-01T10:00:00Z,,,-Infinity,,",
        // Scores that are not whole numbers on their scale are not truncated or dropped silently.
        "unparseable_csat,i18,c1,phone,2024-03-01T10:00:00Z,,,,4.7,",
        "unparseable_csat,i19,c1,phone,2024-03-01T10:00:00Z,,,,five,",
        "unparseable_nps,i20,c1,phone,2024-03-01T10:00:00Z,,,,,10.5",
        // A close decades ahead would give a p90 time to close of 75 years.
        "closed_at_in_the_future,i21,c1,phone,2024-03-01T10:00:00Z,,2099-01-01T00:00:00Z,,,",
        "first_response_at_in_the_future,i22,c1,phone,2024-03-01T10:00:00Z,2099-01-01T00:00:00Z,,,,");
    write(
        "customers.csv",
        "label,customer_id,signup_at,segment",
        "ok,c1,2024-01-01,smb",
        "ok,c2,,smb",
        "missing_customer_id,,2024-01-01,smb",
        "unparseable_signup_at,c3,last year,smb",
        "duplicate_customer_id,c1,2024-02-01,enterprise");
    StringBuilder conf = new StringBuilder("tenure {\n");
    for (TableKind kind : TableKind.values()) {
      conf.append(
          String.format(
              "inputs.%s { path = \"%s\", format = csv }%n",
              kind.key(), dir.resolve(kind.key() + ".csv")));
    }
    conf.append("output.path = \"").append(dir.resolve("out")).append("\"\n");
    conf.append("quality.earliest-date = \"2000-01-01\"\n");
    conf.append("money { currency = EUR, rates { USD = 0.5 } }\n}\n");
    Files.writeString(dir.resolve("t.conf"), conf);
    TenureSettings settings = ConfigLoader.load(dir.resolve("t.conf").toFile(), Map.of());
    Validation validation = new Validation(settings);
    InputReader reader = new InputReader(spark, settings);
    read = new EnumMap<>(TableKind.class);
    for (TableKind kind : TableKind.values()) {
      read.put(kind, validation.validate(reader.read(settings.input(kind).orElseThrow())));
    }
    inputs = CrossTableRules.apply(read);
  }

  private static void write(String name, String... lines) throws Exception {
    Files.writeString(dir.resolve(name), String.join("\n", lines) + "\n");
  }

  /** Every source row's label against the reason Tenure gave it. */
  private static Map<String, String> outcomes(TableKind table) {
    Map<String, String> out = new TreeMap<>();
    int i = 0;
    for (Row r :
        inputs
            .get(table)
            .flagged()
            .select(col(TypedInput.RAW).getField("label"), col(ValidatedInput.REASON))
            .collectAsList()) {
      out.put(String.format("%02d ", i++) + r.getString(0), r.isNullAt(1) ? "ok" : r.getString(1));
    }
    return out;
  }

  private static void assertEveryRowGetsItsLabel(TableKind table) {
    Map<String, String> outcomes = outcomes(table);
    assertThat(outcomes).isNotEmpty();
    outcomes.forEach((label, reason) -> assertThat(reason).as(label).isEqualTo(label.substring(3)));
  }

  @Test
  void keptInAWorkAreaTheRowsReadTheSameAndTheQuarantineKeepsEverySourceRow(SparkSession spark) {
    Map<TableKind, ValidatedInput> kept;
    try (WorkArea work = new WorkArea(spark, dir.resolve("out").toString())) {
      kept = CrossTableRules.apply(read, Optional.of(work)).tables();
      for (TableKind table : TableKind.values()) {
        ValidatedInput a = inputs.get(table);
        ValidatedInput b = kept.get(table);
        assertThat(sorted(b.quarantined(java.time.LocalDate.of(9999, 12, 31), Optional.empty())))
            .as(table.key())
            .isNotEmpty()
            .isEqualTo(
                sorted(a.quarantined(java.time.LocalDate.of(9999, 12, 31), Optional.empty())));
        assertThat(sorted(b.clean(LocalDate.parse("2030-01-01"))))
            .as(table.key())
            .isNotEmpty()
            .isEqualTo(sorted(a.clean(LocalDate.parse("2030-01-01"))));
      }
    }
    assertThat(dir.resolve("out").resolve(OutputWriter.STAGING)).doesNotExist();
  }

  /**
   * The customers base reads the first purchases the refund rule computed (over every date) instead
   * of aggregating the clean purchases again: they must be the clean purchases' firsts at any as-of
   * date. c1 first buys on 03-01 (its duplicate t1 of 03-05 and its broken rows do not count), c2
   * on 03-03 (its row without currency is unusable), c3 only refunds.
   */
  @Test
  void theFirstPurchasesOfTheRulesAreThoseOfTheCleanTransactionsAtEveryDate(SparkSession spark) {
    try (WorkArea work = new WorkArea(spark, dir.resolve("out").toString())) {
      JudgedInputs judged = CrossTableRules.apply(read, Optional.of(work));
      Dataset<Row> firsts = judged.firstPurchases().orElseThrow();
      ValidatedInput tx = judged.tables().get(TableKind.TRANSACTIONS);
      Map<String, List<String>> expected =
          Map.of(
              "2024-02-29", List.of(),
              "2024-03-01", List.of("c1 | 2024-03-01 10:00:00.0"),
              "2024-03-02", List.of("c1 | 2024-03-01 10:00:00.0"),
              "2030-01-01", List.of("c1 | 2024-03-01 10:00:00.0", "c2 | 2024-03-03 10:00:00.0"));
      expected.forEach(
          (date, rows) -> {
            LocalDate asOf = LocalDate.parse(date);
            List<String> fromRules =
                sorted(CrossTableRules.firstPurchasesUpTo(firsts, asOf, ZoneOffset.UTC));
            assertThat(fromRules).as(date).isEqualTo(rows);
            assertThat(fromRules)
                .as(date)
                .isEqualTo(sorted(ActivityBase.firstPurchases(tx.clean(asOf))));
          });
    }
  }

  @Test
  void transactionRules() {
    assertEveryRowGetsItsLabel(TableKind.TRANSACTIONS);
  }

  @Test
  void cancellationRules() {
    assertEveryRowGetsItsLabel(TableKind.CANCELLATIONS);
  }

  @Test
  void interactionRules() {
    assertEveryRowGetsItsLabel(TableKind.INTERACTIONS);
  }

  @Test
  void customerRules() {
    assertEveryRowGetsItsLabel(TableKind.CUSTOMERS);
  }

  @Test
  void usableRowsAreNormalisedAndConverted() {
    assertThat(
            io.tenure.testing.Rows.sorted(
                inputs.get(TableKind.TRANSACTIONS).clean(java.time.LocalDate.of(2024, 12, 31)),
                "transaction_id",
                "cast(amount as double)",
                "currency",
                "kind",
                "channel"))
        .containsExactly(
            "t1 | 10.0 | EUR | purchase | web",
            "t2 | 4.0 | EUR | refund | web",
            "t3 | 10.0 | EUR | purchase | in_store",
            "t4 | 5.0 | USD | purchase | unknown");
  }

  @Test
  void quarantineKeepsTheSourceRowAndFile() {
    Row r =
        inputs
            .get(TableKind.INTERACTIONS)
            .quarantined(java.time.LocalDate.of(9999, 12, 31), java.util.Optional.empty())
            .where(col(Quarantine.REASON).equalTo("unknown_channel"))
            .first();
    assertThat(r.getString(r.fieldIndex(Quarantine.ROW_JSON)))
        .contains("\"channel\":\"fax machine\"")
        .contains("\"interaction_id\":\"i13\"");
    assertThat(r.getString(r.fieldIndex(Quarantine.SOURCE_FILE))).endsWith("interactions.csv");
  }
}
