package io.tenure.pipeline;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.date_add;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.tenure.generate.SampleGenerator;
import io.tenure.testing.CliRun;
import io.tenure.testing.Golden;
import io.tenure.testing.SparkExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SaveMode;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Daily incremental runs equal full recomputes, table for table and row for row. The inputs land as
 * a daily export would: each day's rows are appended to the partition of their event date, three
 * rows in eight a day or two late (a new file in an older partition, inside the late window);
 * contacts stay open across days (their later close and survey are in the row, known only from
 * their date on); customers churn by cancellation and inactivity and come back; an old partition is
 * withdrawn. Each day one run reads incrementally, from the state of the day before, and its tables
 * are compared with a run that reads everything.
 */
@ExtendWith({SparkExtension.class, SparkExtension.Interpreted.class})
class IncrementalRunTest {
  private static final LocalDate FIRST = LocalDate.of(2024, 1, 20);
  private static final Map<String, String> EVENTS =
      Map.of(
          "transactions", "occurred_at",
          "cancellations", "cancelled_at",
          "interactions", "opened_at");

  @TempDir Path dir;

  @Test
  void dailyIncrementalRunsEqualFullRunsOnEveryTable(SparkSession spark) throws Exception {
    // Verdicts that need other rows, across the state and the window: an id used again a day
    // later (a duplicate), a refund whose purchase lands a day after it (quarantined on day 1,
    // rescued on day 2).
    Path conf =
        landFirstDay(
            spark,
            tx ->
                extra(
                        tx,
                        "transaction_id",
                        "customer_id",
                        "2024-01-21 12:00:00",
                        "purchase",
                        FIRST.plusDays(1))
                    .unionByName(
                        extra(
                            tx,
                            "'x-p'",
                            "'X-LATE'",
                            "2024-01-21 09:00:00",
                            "purchase",
                            FIRST.plusDays(2)))
                    .unionByName(
                        // Two months late, written into the partition of the day it arrives.
                        extra(
                                tx,
                                "'x-nov'",
                                "'X-NOV'",
                                "2023-11-15 12:00:00",
                                "purchase",
                                FIRST.plusDays(2))
                            .withColumn("date", lit(java.sql.Date.valueOf(FIRST.plusDays(2)))))
                    .unionByName(
                        extra(
                            tx,
                            "'x-r'",
                            "'X-LATE'",
                            "2024-01-21 10:00:00",
                            "refund",
                            FIRST.plusDays(1))));
    for (int k = 0; k < 4; k++) {
      LocalDate day = FIRST.plusDays(k);
      if (k > 0) {
        land(day, false);
      }
      if (k == 3) {
        // A partition inside the late window is written again without the November purchase:
        // the periods it made are computed again, though no row read anew is that old.
        Path rewritten = dir.resolve("in/transactions/date=" + FIRST.plusDays(2));
        Path tmp = dir.resolve("rewritten");
        spark
            .read()
            .parquet(rewritten.toString())
            .where("transaction_id <> 'x-nov'")
            .write()
            .parquet(tmp.toString());
        deleteDirectory(rewritten);
        Files.move(tmp, rewritten);
        // An old partition is withdrawn from the source: its rows leave both runs' tables.
        try (java.util.stream.Stream<Path> days = Files.list(dir.resolve("in/interactions"))) {
          deleteDirectory(
              days.filter(p -> p.getFileName().toString().startsWith("date="))
                  .sorted()
                  .skip(5)
                  .findFirst()
                  .orElseThrow());
        }
      }
      CliRun incremental = run(conf, "incremental", day, "--incremental");
      assertThat(incremental.code()).as(incremental.err()).isZero();
      // Every day: the first (no state yet), the second (retention_drivers published again: every
      // row read anew is dated after the start of the month, the last complete period's end), the
      // third (a state that itself came from a state; a purchase of November lands in the day's
      // partition, which gives the November spells a customer more: the periods from November
      // are computed) and the fourth (a partition is withdrawn: every table that reads the input
      // is computed whole).
      CliRun full = run(conf, "full", day);
      assertThat(full.code()).as(full.err()).isZero();
      assertSameTables(spark, day);
      assertThat(manifest("full", day).get("outputs").size()).isEqualTo(15);
      JsonNode drivers = manifest("incremental", day).get("outputs").get("retention_drivers");
      assertThat(drivers.path("same_as_as_of").asText(null))
          .isEqualTo(k == 1 ? FIRST.toString() : null);
      assertThat(drivers.path("recomputed_from").asText(null))
          .isEqualTo(k == 2 ? "2023-11-01" : null);
      assertThat(read(spark, "incremental", "retention_drivers", day).count()).isPositive();
      // From the second day on, the period tables recompute the months from the first day read
      // anew (the late window in January; then the November purchase, read again while its
      // partition is in the window) and take the earlier ones.
      for (String table : List.of("cohort_retention", "churn_rates", "churn_reasons")) {
        JsonNode entry = manifest("incremental", day).get("outputs").get(table);
        assertThat(entry.path("recomputed_from").asText(null))
            .as(table)
            .isEqualTo(k == 0 ? null : k == 1 ? "2024-01-01" : "2023-11-01");
        assertThat(entry.path("earlier_periods_as_of").asText(null))
            .as(table)
            .isEqualTo(k == 0 ? null : day.minusDays(1).toString());
      }
      List<String> reasons =
          read(spark, "incremental", "quarantine", day)
              .select("reason")
              .as(org.apache.spark.sql.Encoders.STRING())
              .collectAsList();
      assertThat(reasons.contains("duplicate_transaction_id")).isEqualTo(k >= 1);
      assertThat(reasons.contains("refund_without_purchase")).isEqualTo(k == 1);
      JsonNode reading = manifest("incremental", day).get("reading");
      assertThat(reading.get("mode").asText()).isEqualTo("incremental");
      // The activity per customer and period: the earlier periods from the state, as above.
      assertThat(reading.path("customer_periods_computed_from").asText(null))
          .isEqualTo(k == 0 ? null : k == 1 ? "2024-01-01" : "2023-11-01");
      // The lifecycle spells: only the customers with a purchase or cancellation from the first
      // changed day on, or whose kept spells had their last event then (on the last day X-NOV,
      // whose only purchase left the inputs), are computed again; the others come from the state.
      JsonNode respelled = reading.path("spells_customers_recomputed");
      long customers =
          spark
              .read()
              .parquet(dir.resolve("in/transactions").toString())
              .select("customer_id")
              .distinct()
              .count();
      if (k == 0) {
        assertThat(respelled.isMissingNode()).isTrue();
      } else {
        assertThat(respelled.asLong()).isPositive().isLessThan(customers);
      }
      JsonNode transactions = reading.get("transactions");
      if (k > 0) {
        // The rules across rows judge again the transactions from the earliest changed one on
        // (on the last day, the November purchase the rewritten partition held), the interactions
        // whole once a partition is withdrawn.
        String judgedFrom = reading.get("judged_again_from").get("transactions").asText();
        assertThat(judgedFrom).startsWith(k == 1 ? "2024-01" : "2023-11-15");
        if (k == 3) {
          assertThat(reading.get("judged_again_from").get("interactions").asText())
              .isEqualTo("every row");
        }
      } else {
        assertThat(reading.has("judged_again_from")).isFalse();
      }
      if (k > 0) {
        assertThat(reading.get("state_from_as_of").asText()).isEqualTo(day.minusDays(1).toString());
        // The late window (the previous as-of date and the two days before it) and the new day.
        assertThat(transactions.get("partitions_read").asInt()).isEqualTo(4);
        assertThat(transactions.get("partitions_from_state").asInt()).isGreaterThan(60);
      } else {
        assertThat(reading.get("state_from_as_of").isNull()).isTrue();
        assertThat(transactions.get("partitions_from_state").asInt()).isZero();
      }
    }
  }

  @Test
  void mixedCurrenciesRejudgeTheStateAndLateFilesOutsideTheWindowAreReported(SparkSession spark)
      throws Exception {
    // A row without a currency is usable while the table holds one currency; once a dollar row
    // lands, currencies are mixed and a full run quarantines it: the state must not keep it.
    Path conf =
        landFirstDay(
            spark,
            tx ->
                extra(tx, "'no-cur'", "customer_id", "2023-12-05 10:00:00", "purchase", FIRST)
                    .withColumn("currency", lit(null).cast("string"))
                    .unionByName(
                        extra(
                                tx,
                                "'usd-1'",
                                "customer_id",
                                "2024-01-21 10:00:00",
                                "purchase",
                                FIRST.plusDays(1))
                            .withColumn("currency", lit("USD"))));
    String[] only = {"--only", "cohort_retention"};
    assertThat(run(conf, "incremental", FIRST, cat(only, "--incremental")).code()).isZero();
    LocalDate day = FIRST.plusDays(1);
    land(day, false);
    assertThat(run(conf, "full", day, only).code()).isZero();
    assertThat(run(conf, "incremental", day, cat(only, "--incremental")).code()).isZero();
    assertThat(read(spark, "full", "quarantine", day).where("reason = 'missing_currency'").count())
        .isEqualTo(1);
    assertSameTables(spark, day);

    // A purchase lands in a partition closed long ago.
    day = FIRST.plusDays(2);
    land(day, false);
    Dataset<Row> late =
        spark
            .read()
            .parquet(dir.resolve("in/transactions").toString())
            .where(col("date").equalTo(lit(java.sql.Date.valueOf("2023-12-01"))))
            .limit(1)
            .withColumn("transaction_id", lit("late-1"))
            .drop("date");
    late.write()
        .mode(SaveMode.Append)
        .parquet(dir.resolve("in/transactions/date=2023-12-01").toString());
    assertThat(run(conf, "full", day, only).code()).isZero();
    CliRun incremental = run(conf, "incremental", day, cat(only, "--incremental"));
    assertThat(incremental.code()).as(incremental.err()).isZero();
    JsonNode m = manifest("incremental", day);
    assertThat(m.get("reading").get("transactions").get("late_files_not_read").asInt())
        .isEqualTo(1);
    assertThat(m.get("inputs").get("transactions").get("rows_read").asLong())
        .isEqualTo(
            manifest("full", day).get("inputs").get("transactions").get("rows_read").asLong() - 1);
    CliRun rebuilt = run(conf, "incremental", day, cat(only, "--incremental", "--rebuild-state"));
    assertThat(rebuilt.code()).as(rebuilt.err()).isZero();
    assertThat(manifest("incremental", day).get("reading").get("mode").asText())
        .isEqualTo("incremental (state rebuilt)");
    assertSameTables(spark, day);
  }

  @Test
  void aMonthLeavingTheLateWindowIsGatheredIntoOneDirectory(SparkSession spark) throws Exception {
    // The data ends in late January. January is kept by day while a run can read one of its days
    // again, then in one directory; the tables stay those of a full run throughout. A purchase
    // dated after the day of the run (a clock error) sits in a partition of December: every run
    // reads that day again, to judge it again once that date has come, and so writes December,
    // kept whole, anew with it.
    Path conf =
        landFirstDay(
            spark,
            tx ->
                extra(
                        tx,
                        "'x-fut'",
                        "customer_id",
                        LocalDate.now().plusDays(30) + " 12:00:00",
                        "purchase",
                        FIRST)
                    .withColumn("date", lit(java.sql.Date.valueOf("2023-12-10"))));
    String[] only = {"--only", "cohort_retention,churn_rates,time_with_customer"};
    LocalDate day = LocalDate.of(2024, 1, 28);
    for (LocalDate d = FIRST.plusDays(1); !d.isAfter(day); d = d.plusDays(1)) {
      land(d, false);
    }
    CliRun first = run(conf, "incremental", day, cat(only, "--incremental"));
    assertThat(first.code()).as(first.err()).isZero();
    Map<String, String> january = januaryDirs(spark, day);
    assertThat(january).allSatisfy((d, dir) -> assertThat(dir).endsWith("/p=" + d));

    for (LocalDate d = day.plusDays(1); !d.isAfter(LocalDate.of(2024, 2, 1)); d = d.plusDays(1)) {
      land(d, false);
    }
    // As of 02-01 the next run still reads 01-30 again: January stays by day, and only the days
    // read anew (from 01-26, the window of the state of 01-28) are in this run's directories.
    day = LocalDate.of(2024, 2, 1);
    CliRun second = run(conf, "incremental", day, cat(only, "--incremental"));
    assertThat(second.code()).as(second.err()).isZero();
    Map<String, String> stillByDay = januaryDirs(spark, day);
    assertThat(stillByDay).allSatisfy((d, dir) -> assertThat(dir).endsWith("/p=" + d));
    assertThat(stillByDay.get("2024-01-25")).isEqualTo(january.get("2024-01-25"));
    assertThat(stillByDay.get("2024-01-26")).isNotEqualTo(january.get("2024-01-26"));

    // As of 02-04 no run reads January again: with none of its days to read, it is gathered.
    day = LocalDate.of(2024, 2, 4);
    CliRun incremental = run(conf, "incremental", day, cat(only, "--incremental"));
    assertThat(incremental.code()).as(incremental.err()).isZero();
    // The December day of the purchase in the future is the only one read again.
    assertThat(
            manifest("incremental", day)
                .get("reading")
                .get("transactions")
                .get("partitions_read")
                .asInt())
        .isEqualTo(1);
    assertThat(new java.util.HashSet<>(januaryDirs(spark, day).values()))
        .singleElement()
        .asString()
        .endsWith("/p=2024-01");
    assertThat(run(conf, "full", day, only).code()).isZero();
    assertSameTables(spark, day);
  }

  /** Where the state as of {@code day} keeps each January day of the transactions. */
  private Map<String, String> januaryDirs(SparkSession spark, LocalDate day) {
    Map<String, String> out = new java.util.TreeMap<>();
    new io.tenure.io.InputState(spark, dir.resolve("out/incremental").toString())
        .latestBefore(day.plusDays(1))
        .orElseThrow()
        .tables()
        .get("transactions")
        .partitions()
        .forEach(
            (d, p) -> {
              if (d.startsWith("2024-01")) {
                out.put(d, p.dir());
              }
            });
    assertThat(out).hasSizeGreaterThan(20);
    return out;
  }

  private Map<String, Dataset<Row>> arriving;

  /**
   * Generates the data, adds {@code extra} transactions (with their date and arrival), lands what
   * has arrived by the first day, writes the configuration.
   */
  private Path landFirstDay(
      SparkSession spark, java.util.function.UnaryOperator<Dataset<Row>> extra) throws Exception {
    SampleGenerator.Tables generated =
        new SampleGenerator(200, 5, LocalDate.of(2023, 11, 1), 90).build(spark);
    arriving = new LinkedHashMap<>();
    arriving.put(
        "transactions",
        withArrival(generated.transactions(), "occurred_at")
            .unionByName(extra.apply(generated.transactions())));
    arriving.put("cancellations", withArrival(generated.cancellations(), "cancelled_at"));
    arriving.put("interactions", withArrival(generated.interactions(), "opened_at"));
    generated.customers().write().parquet(dir.resolve("in/customers").toString());
    land(FIRST, true);
    return config();
  }

  /**
   * One transaction made from the first generated purchase: its id and customer as SQL expressions
   * over it, a time, a kind, and the day it lands.
   */
  private static Dataset<Row> extra(
      Dataset<Row> tx, String id, String customer, String at, String kind, LocalDate lands) {
    return tx.where("kind = 'purchase'")
        .orderBy("transaction_id")
        .limit(1)
        .selectExpr(
            id + " as transaction_id",
            customer + " as customer_id",
            "timestamp'" + at + "' as occurred_at",
            "amount",
            "currency",
            "'" + kind + "' as kind",
            "channel")
        .withColumn("date", to_date(col("occurred_at")))
        .withColumn("_arrival", lit(java.sql.Date.valueOf(lands)));
  }

  private static void deleteDirectory(Path path) throws java.io.IOException {
    try (java.util.stream.Stream<Path> files = Files.walk(path)) {
      files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    }
    assertThat(path).doesNotExist();
  }

  private static String[] cat(String[] a, String... b) {
    List<String> out = new ArrayList<>(List.of(a));
    out.addAll(List.of(b));
    return out.toArray(String[]::new);
  }

  /** Adds the day a row lands: its event date, a day or two later for three rows in eight. */
  private static Dataset<Row> withArrival(Dataset<Row> rows, String event) {
    Dataset<Row> dated = rows.withColumn("date", to_date(col(event)));
    org.apache.spark.sql.Column draw = pmod(xxhash64(col(event), col("customer_id")), lit(8));
    return dated.withColumn(
        "_arrival",
        when(draw.leq(1), date_add(col("date"), 1))
            .when(draw.equalTo(2), date_add(col("date"), 2))
            .otherwise(col("date")));
  }

  /**
   * Appends the rows that land on {@code day} (on or before it, the first time); on the second and
   * third day, some transactions among them are late (on the fourth, by chance, none are).
   */
  private void land(LocalDate day, boolean first) {
    java.sql.Date d = java.sql.Date.valueOf(day);
    arriving.forEach(
        (table, rows) -> {
          Dataset<Row> landing =
              rows.where(first ? col("_arrival").leq(lit(d)) : col("_arrival").equalTo(lit(d)))
                  .drop("_arrival");
          if (!first && table.equals("transactions") && day.isBefore(FIRST.plusDays(3))) {
            assertThat(landing.where(col("date").lt(lit(d))).count()).as(table).isPositive();
          }
          landing
              .write()
              .mode(SaveMode.Append)
              .partitionBy("date")
              .parquet(dir.resolve("in").resolve(table).toString());
        });
  }

  private Path config() throws Exception {
    StringBuilder c = new StringBuilder("tenure {\n");
    for (String table : List.of("transactions", "cancellations", "interactions", "customers")) {
      Path p = dir.resolve("in").resolve(table);
      c.append("inputs.").append(table).append(".path = \"").append(p).append("\"\n");
      if (EVENTS.containsKey(table)) {
        c.append("inputs.").append(table).append(".partition-column = date\n");
      }
    }
    c.append("output.path = \"").append(dir.resolve("out")).append("\"\n");
    c.append("churn.inactivity-days = 30\n");
    // A breakdown that reads the transactions alone, so that cohort_retention recomputes only
    // the periods that can have changed (a segment would read the customers, which are read whole).
    c.append("cohort.breakdown = first-channel\n");
    c.append("quality.max-days-after-data = null\n");
    c.append("money.currency = EUR\n");
    c.append("money.rates { USD = 0.9 }\n");
    c.append("}\n");
    Path file = dir.resolve("tenure.conf");
    Files.writeString(file, c);
    return file;
  }

  private CliRun run(Path conf, String output, LocalDate day, String... extra) {
    List<String> args = new ArrayList<>(List.of("run", "--conf", conf.toString()));
    args.addAll(List.of("-D", "output.path=" + dir.resolve("out").resolve(output)));
    args.addAll(List.of("--as-of", day.toString()));
    args.addAll(List.of(extra));
    return CliRun.of(args);
  }

  private JsonNode manifest(String output, LocalDate day) throws Exception {
    return new ObjectMapper()
        .readTree(
            dir.resolve("out")
                .resolve(output)
                .resolve("_manifests/as_of=" + day + ".json")
                .toFile());
  }

  private void assertSameTables(SparkSession spark, LocalDate day) throws Exception {
    JsonNode full = manifest("full", day).get("outputs");
    JsonNode incremental = manifest("incremental", day).get("outputs");
    List<String> tables = new ArrayList<>();
    full.fieldNames().forEachRemaining(tables::add);
    List<String> other = new ArrayList<>();
    incremental.fieldNames().forEachRemaining(other::add);
    assertThat(other).isEqualTo(tables);
    assertThat(tables).contains("cohort_retention", "quarantine");
    for (String table : tables) {
      assertThat(Golden.render(read(spark, "incremental", table, day)))
          .as("%s as of %s", table, day)
          .isEqualTo(Golden.render(read(spark, "full", table, day)));
    }
    for (Iterator<String> it = full.fieldNames(); it.hasNext(); ) {
      String t = it.next();
      assertThat(incremental.get(t).get("rows").asLong())
          .isEqualTo(full.get(t).get("rows").asLong());
    }
  }

  private Dataset<Row> read(SparkSession spark, String output, String table, LocalDate day) {
    return spark
        .read()
        .parquet(
            dir.resolve("out").resolve(output).resolve(table).resolve("as_of=" + day).toString());
  }
}
