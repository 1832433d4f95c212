package io.tenure.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.tenure.testing.CliRun;
import io.tenure.testing.Rows;
import io.tenure.testing.SparkExtension;
import io.tenure.testing.TinyRun;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Many random tiny data sets (0-5 customers, 0-20 events each, an as-of date around the data, a
 * random grain and zone) run through every family: each run exits 0, or 3 with the documented
 * message when no transaction is usable, publishes every table with its schema, and every table's
 * key is unique. A failing case names its seed; rerun one with {@code -Dtenure.fuzz.seed=N}.
 */
@ExtendWith({SparkExtension.class, SparkExtension.Interpreted.class})
class TinyInputsFuzzTest {
  private static final int CASES = Integer.getInteger("tenure.fuzz.cases", 6);
  private static final List<String> GRAINS = List.of("day", "week", "month", "quarter");
  private static final List<String> ZONES =
      List.of("UTC", "America/New_York", "Europe/Berlin", "Pacific/Kiritimati");
  private static final List<String> CHANNELS = List.of("phone", "email", "chat", "self_service");
  private static final List<String> CATEGORIES = List.of("billing", "complaint", "technical");

  @TempDir Path dir;

  static Stream<Long> seeds() {
    Long one = Long.getLong("tenure.fuzz.seed");
    return one != null ? Stream.of(one) : IntStream.rangeClosed(1, CASES).mapToObj(i -> (long) i);
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void everyTinyInputRunsCleanly(long seed, SparkSession spark) throws Exception {
    Case c = Case.random(seed);
    TinyRun run = c.tinyRun(spark, dir);
    CliRun r = run.run(c.asOf.toString());
    String label = "seed " + seed + " (" + c + "):\n" + r.err();
    if (r.code() == 3) {
      assertThat(r.err()).as(label).contains("'transactions'").contains("has no usable rows");
      assertThat(c.purchaseDaysBefore(c.asOf.minusDays(1))).as(label).isFalse();
      return;
    }
    assertThat(r.code()).as(label).isZero();
    Map<String, Long> published = run.published(c.asOf.toString());
    assertThat(published).as(label).containsKeys("churn_rates", "cohort_retention", "quarantine");
    if (c.interactions != null) {
      assertThat(published)
          .as(label)
          .containsKeys("service_kpis", "time_with_customer", "retention_drivers");
    }
    // Cohort sizes add up to the customers with a purchase up to the as-of day (business zone).
    long buyers =
        spark
            .read()
            .parquet(dir.resolve("in/transactions").toString())
            .where(
                "kind = 'purchase' and to_date(from_utc_timestamp(occurred_at, '"
                    + c.zone
                    + "')) <= date'"
                    + c.asOf
                    + "'")
            .select("customer_id")
            .distinct()
            .count();
    assertThat(
            run.table("cohort_retention", c.asOf.toString())
                .where("breakdown = 'total' and period_index = 0")
                .agg(functions.coalesce(functions.sum("cohort_size"), functions.lit(0L)))
                .first()
                .getLong(0))
        .as(label + " cohort sizes")
        .isEqualTo(buyers);
    for (Map.Entry<String, Long> t : published.entrySet()) {
      Dataset<Row> table = run.table(t.getKey(), c.asOf.toString());
      assertThat(table.count()).as(label + " rows of " + t.getKey()).isEqualTo(t.getValue());
      OutputTable declared =
          MetricFamily.allTables().stream()
              .filter(o -> o.name().equals(t.getKey()))
              .findFirst()
              .orElseThrow();
      assertThat(table.schema().fieldNames())
          .as(label + " columns of " + t.getKey())
          .containsExactly(declared.schema().fieldNames());
      List<String> key = declared.key();
      if (!key.isEmpty()) {
        assertThat(table.columns()).as(label).contains(key.toArray(String[]::new));
        Column[] k = key.stream().map(functions::col).toArray(Column[]::new);
        assertThat(table.groupBy(k).count().where("count > 1").count())
            .as(label + " repeated keys in " + t.getKey())
            .isZero();
      }
    }
  }

  /** One random tiny data set and its run settings. */
  record Case(
      long seed,
      LocalDate asOf,
      String grain,
      String zone,
      List<Row> transactions,
      List<Row> cancellations,
      List<Row> interactions,
      List<Row> customers) {

    static Case random(long seed) {
      Random rnd = new Random(seed);
      LocalDate first = LocalDate.of(2024, 1, 1).plusDays(rnd.nextInt(400));
      int span = rnd.nextInt(4) == 0 ? 1 : 1 + rnd.nextInt(200);
      int customers = rnd.nextInt(6);
      List<Row> tx = new ArrayList<>();
      List<Row> cancels = new ArrayList<>();
      List<Row> contacts = new ArrayList<>();
      List<Row> people = new ArrayList<>();
      for (int c = 1; c <= customers; c++) {
        String id = "c" + c;
        people.add(
            RowFactory.create(
                id,
                at(rnd, first, span),
                pick(rnd, "gold", "silver", null),
                pick(rnd, "DE", "US")));
        int events = rnd.nextInt(21);
        for (int e = 0; e < events; e++) {
          int kind = rnd.nextInt(10);
          Timestamp t = at(rnd, first, span);
          if (kind < 5) {
            tx.add(money(id, t, "purchase", rnd));
          } else if (kind < 6) {
            tx.add(money(id, t, "refund", rnd));
          } else if (kind < 7) {
            cancels.add(RowFactory.create(id, t, pick(rnd, "voluntary", "involuntary"), "price"));
          } else {
            contacts.add(contact(id, t, rnd));
          }
        }
      }
      LocalDate asOf = first.plusDays(rnd.nextInt(span + 120) - 10);
      return new Case(
          seed,
          asOf,
          GRAINS.get(rnd.nextInt(GRAINS.size())),
          ZONES.get(rnd.nextInt(ZONES.size())),
          tx,
          rnd.nextInt(4) == 0 ? null : cancels,
          rnd.nextInt(5) == 0 ? null : contacts,
          rnd.nextBoolean() ? null : people);
    }

    TinyRun tinyRun(SparkSession spark, Path dir) {
      TinyRun run =
          new TinyRun(spark, dir)
              .input("transactions", Rows.TRANSACTIONS, transactions)
              .set("periods.grain = " + grain)
              .set("time.zone = \"" + zone + "\"")
              // Refunds before any purchase are common here; the limit is not what is tested.
              .set("quality.max-quarantined-fraction = 1.0")
              .set("quality.max-days-after-data = null");
      if (cancellations != null) {
        run.input("cancellations", Rows.CANCELLATIONS, cancellations);
      }
      if (interactions != null) {
        run.input("interactions", Rows.INTERACTIONS, interactions);
      }
      if (customers != null) {
        run.input("customers", Rows.CUSTOMERS, customers).set("cohort.breakdown = segment");
      }
      return run;
    }

    /** Whether some purchase falls before {@code day} (UTC): then the run must not exit 3. */
    boolean purchaseDaysBefore(LocalDate day) {
      Instant limit = day.atStartOfDay(ZoneOffset.UTC).toInstant().minusSeconds(86_400);
      return transactions.stream()
          .anyMatch(
              r ->
                  "purchase".equals(r.get(5))
                      && ((Timestamp) r.get(2)).toInstant().isBefore(limit));
    }

    @Override
    public String toString() {
      return String.format(
          "as-of %s, grain %s, zone %s, %d transactions, %s cancellations, %s interactions, %s"
              + " customers",
          asOf,
          grain,
          zone,
          transactions.size(),
          cancellations == null ? "no" : cancellations.size(),
          interactions == null ? "no" : interactions.size(),
          customers == null ? "no" : customers.size());
    }

    private static Timestamp at(Random rnd, LocalDate first, int span) {
      long seconds = (long) (rnd.nextDouble() * span * 86_400L);
      return Timestamp.from(first.atStartOfDay(ZoneOffset.UTC).toInstant().plusSeconds(seconds));
    }

    private static Row money(String id, Timestamp t, String kind, Random rnd) {
      return RowFactory.create(
          "t" + rnd.nextLong(),
          id,
          t,
          BigDecimal.valueOf(1 + rnd.nextInt(20_000), 2),
          "EUR",
          kind,
          "web");
    }

    private static Row contact(String id, Timestamp opened, Random rnd) {
      Timestamp response =
          rnd.nextInt(3) == 0 ? null : later(opened, rnd.nextInt(4) == 0 ? 5 * 86_400 : 3_600, rnd);
      Timestamp closed =
          rnd.nextInt(4) == 0 ? null : later(response == null ? opened : response, 86_400, rnd);
      return RowFactory.create(
          "i" + rnd.nextLong(),
          id,
          CHANNELS.get(rnd.nextInt(CHANNELS.size())),
          CATEGORIES.get(rnd.nextInt(CATEGORIES.size())),
          opened,
          response,
          closed,
          rnd.nextBoolean() ? null : (double) rnd.nextInt(3_600),
          "A" + rnd.nextInt(3),
          rnd.nextInt(3) == 0 ? null : rnd.nextBoolean(),
          rnd.nextBoolean() ? null : 1 + rnd.nextInt(5),
          rnd.nextBoolean() ? null : rnd.nextInt(11));
    }

    private static Timestamp later(Timestamp t, int maxSeconds, Random rnd) {
      return Timestamp.from(t.toInstant().plusSeconds(rnd.nextInt(maxSeconds + 1)));
    }

    @SafeVarargs
    private static <T> T pick(Random rnd, T... values) {
      return values[rnd.nextInt(values.length)];
    }
  }
}
