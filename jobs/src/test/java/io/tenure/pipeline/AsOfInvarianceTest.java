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
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The as-of invariant: a run on all the data with {@code --as-of D} equals, row for row and table
 * for table, a run on a copy of the data cut to what was known at the end of D (business zone):
 * later rows removed, and contacts' later responses, closes, outcomes and survey answers nulled.
 * The copy is cut here in plain Java, independently of the job.
 *
 * <p>The generated data has contacts open across D, survey answers after the close, reactivations
 * (a 30-day inactivity window), cancellations, refunds, and dates around DST changes.
 */
@ExtendWith({SparkExtension.class, SparkExtension.Interpreted.class})
class AsOfInvarianceTest {
  @TempDir Path dir;

  @ParameterizedTest(name = "seed {0}, {1}, {2}, as of {3}")
  @CsvSource({
    // A DST change on the as-of day in each zone with one; the last cut at a quarter's start.
    // Month, the default grain, is the grain of AsOfTest and the other whole-run tests.
    "1, day, UTC, 2024-03-10",
    "2, week, America/New_York, 2024-11-03",
    "3, quarter, Europe/Berlin, 2024-03-31",
  })
  void aRunAsOfDEqualsARunOnWhatWasKnownAtD(
      long seed, String grain, String zone, String asOf, SparkSession spark) throws Exception {
    Data all = Data.generate(seed);
    Instant cut = LocalDate.parse(asOf).plusDays(1).atStartOfDay(ZoneId.of(zone)).toInstant();
    TinyRun full = all.run(spark, dir.resolve("full"), grain, zone);
    TinyRun known = all.knownBefore(cut).run(spark, dir.resolve("known"), grain, zone);
    CliRun a = full.run(asOf);
    CliRun b = known.run(asOf);
    assertThat(a.code()).as(a.err()).isZero();
    assertThat(b.code()).as(b.err()).isZero();
    Map<String, Long> tables = full.published(asOf);
    assertThat(tables.keySet()).isEqualTo(known.published(asOf).keySet());
    assertThat(tables).containsKeys("churn_rates", "service_kpis", "retention_drivers");
    for (String table : tables.keySet()) {
      // The two runs read copies in different folders: quarantined rows name different files.
      String[] columns =
          table.equals("quarantine")
              ? new String[] {"input_table", "reason", "row_json"}
              : new String[0];
      assertThat(Rows.sorted(full.table(table, asOf), columns))
          .as(table)
          .isEqualTo(Rows.sorted(known.table(table, asOf), columns));
    }
  }

  /** Generated inputs as row lists, so that the test can cut them itself. */
  record Data(
      List<Row> transactions,
      List<Row> cancellations,
      List<Row> interactions,
      List<Row> customers) {

    static Data generate(long seed) {
      Random rnd = new Random(seed);
      Instant start = Instant.parse("2024-01-01T00:00:00Z");
      List<Row> tx = new ArrayList<>();
      List<Row> cancels = new ArrayList<>();
      List<Row> contacts = new ArrayList<>();
      List<Row> people = new ArrayList<>();
      for (int c = 0; c < 40; c++) {
        String id = "c" + c;
        Instant t = start.plusSeconds((long) (rnd.nextDouble() * 200 * 86_400));
        people.add(
            RowFactory.create(
                id, Timestamp.from(t.minusSeconds(3_600)), c % 2 == 0 ? "gold" : "basic", "DE"));
        for (int e = 0, n = rnd.nextInt(25); e < n; e++) {
          // Gaps of up to 60 days: some exceed the 30-day window (churn, then reactivation).
          t = t.plusSeconds((long) (rnd.nextDouble() * (rnd.nextInt(5) == 0 ? 60 : 10) * 86_400));
          int kind = rnd.nextInt(10);
          if (kind < 5) {
            tx.add(money(rnd, id, t, "purchase"));
          } else if (kind < 6) {
            tx.add(money(rnd, id, t, "refund"));
          } else if (kind < 7) {
            cancels.add(RowFactory.create(id, Timestamp.from(t), "voluntary", "price"));
          } else {
            contacts.add(contact(rnd, id, t));
          }
        }
      }
      return new Data(tx, cancels, contacts, people);
    }

    /** What was known before {@code cut}, cut by hand. */
    Data knownBefore(Instant cut) {
      return new Data(
          before(transactions, 2, cut),
          before(cancellations, 1, cut),
          before(interactions, 4, cut).stream().map(r -> known(r, cut)).toList(),
          customers.stream().filter(r -> r.get(1) == null || at(r, 1).isBefore(cut)).toList());
    }

    private static List<Row> before(List<Row> rows, int timeColumn, Instant cut) {
      return rows.stream().filter(r -> at(r, timeColumn).isBefore(cut)).toList();
    }

    /** A contact as known before the cut: responses, closes and their outcomes, surveys. */
    private static Row known(Row r, Instant cut) {
      Object[] v = new Object[r.length()];
      for (int i = 0; i < v.length; i++) {
        v[i] = r.get(i);
      }
      boolean closedLater = r.get(6) != null && !at(r, 6).isBefore(cut);
      Instant surveyKnown = r.get(12) != null ? at(r, 12) : r.get(6) != null ? at(r, 6) : at(r, 4);
      if (r.get(5) != null && !at(r, 5).isBefore(cut)) {
        v[5] = null;
      }
      if (closedLater) {
        v[6] = null; // closed_at
        v[7] = null; // handle_seconds
        v[9] = null; // resolved
      }
      if (r.get(6) == null
          && r.get(7) != null
          && !at(r, 4).plusMillis((long) (r.getDouble(7) * 1000)).isBefore(cut)) {
        v[7] = null; // the call ends after the cut
      }
      if (!surveyKnown.isBefore(cut)) {
        v[10] = null; // csat
        v[11] = null; // nps
      }
      if (r.get(12) != null && !at(r, 12).isBefore(cut)) {
        v[12] = null;
      }
      return RowFactory.create(v);
    }

    private static Instant at(Row r, int i) {
      return ((Timestamp) r.get(i)).toInstant();
    }

    TinyRun run(SparkSession spark, Path dir, String grain, String zone) {
      return new TinyRun(spark, dir)
          .input("transactions", Rows.TRANSACTIONS, transactions)
          .input("cancellations", Rows.CANCELLATIONS, cancellations)
          .input("interactions", Rows.INTERACTIONS, interactions)
          .input("customers", Rows.CUSTOMERS, customers)
          .set("periods.grain = " + grain)
          .set("time.zone = \"" + zone + "\"")
          .set("churn.inactivity-days = 30")
          .set("cohort.breakdown = segment")
          .set("quality.max-quarantined-fraction = 1.0")
          .set("quality.max-days-after-data = null");
    }

    private static Row money(Random rnd, String id, Instant t, String kind) {
      return RowFactory.create(
          "t" + rnd.nextLong(),
          id,
          Timestamp.from(t),
          BigDecimal.valueOf(100 + rnd.nextInt(10_000), 2),
          "EUR",
          kind,
          "web");
    }

    private static Row contact(Random rnd, String id, Instant opened) {
      Instant response =
          rnd.nextInt(4) == 0
              ? null
              : opened.plusSeconds(rnd.nextInt(rnd.nextBoolean() ? 600 : 5 * 86_400));
      Instant closed =
          rnd.nextInt(5) == 0
              ? null
              : (response == null ? opened : response).plusSeconds(rnd.nextInt(10 * 86_400));
      Instant surveyed =
          closed == null || rnd.nextInt(3) > 0 ? null : closed.plusSeconds(rnd.nextInt(3 * 86_400));
      return RowFactory.create(
          "i" + rnd.nextLong(),
          id,
          rnd.nextBoolean() ? "phone" : "email",
          rnd.nextInt(3) == 0 ? "complaint" : "billing",
          Timestamp.from(opened),
          response == null ? null : Timestamp.from(response),
          closed == null ? null : Timestamp.from(closed),
          rnd.nextBoolean() ? null : (double) rnd.nextInt(3_600),
          "A1",
          closed == null ? null : rnd.nextBoolean(),
          rnd.nextBoolean() ? null : 1 + rnd.nextInt(5),
          rnd.nextBoolean() ? null : rnd.nextInt(11),
          surveyed == null ? null : Timestamp.from(surveyed));
    }
  }
}
