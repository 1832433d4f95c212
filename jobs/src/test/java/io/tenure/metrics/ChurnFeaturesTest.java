package io.tenure.metrics;

import static io.tenure.testing.Rows.cancel;
import static io.tenure.testing.Rows.purchase;
import static io.tenure.testing.Rows.refund;
import static io.tenure.testing.Rows.ts;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.tenure.config.ServiceSettings;
import io.tenure.testing.Rows;
import io.tenure.testing.SparkExtension;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Churn-risk features at a cutoff, by hand, and their point-in-time property: adding everything
 * that happened after the cutoff (purchases, a cancellation, contacts, a late answer and a late
 * survey score on an earlier contact) changes no feature at the cutoff.
 *
 * <p>a: purchases 10 Jan (100) and 1 Mar (50), refund 5 Mar (20), a phone complaint opened 10 Mar,
 * answered after 120 s, closed resolved 11 Mar with CSAT 2. b: one purchase 1 Oct 2023, churned 30
 * Dec 2023 (90 days): not active at the cutoff. c: purchase 15 Dec 2023, cancelled 5 Jan, back 20
 * Feb: a second spell after a cancellation. Cutoff 31 Mar 2024 (UTC).
 */
@ExtendWith(SparkExtension.class)
class ChurnFeaturesTest {
  private static final LocalDate CUTOFF = LocalDate.parse("2024-03-31");
  private static final ServiceSettings SERVICE =
      new ServiceSettings(
          Map.of("phone", 60.0), 7, Map.of(), List.of("complaint"), 180, Optional.empty());

  private static Row contact(
      String id,
      String customer,
      String category,
      String opened,
      String answered,
      String closed,
      Boolean resolved,
      Integer csat,
      Integer nps,
      String surveyed) {
    return RowFactory.create(
        id,
        customer,
        "phone",
        category,
        ts(opened),
        answered == null ? null : ts(answered),
        closed == null ? null : ts(closed),
        null,
        "A1",
        resolved,
        csat,
        nps,
        surveyed == null ? null : ts(surveyed));
  }

  private static final List<Row> TX_BEFORE =
      List.of(
          purchase("a", "2024-01-10T12:00:00Z", "100"),
          purchase("a", "2024-03-01T12:00:00Z", "50"),
          refund("a", "2024-03-05T12:00:00Z", "20"),
          purchase("b", "2023-10-01T12:00:00Z", "10"),
          purchase("c", "2023-12-15T12:00:00Z", "10"),
          purchase("c", "2024-02-20T12:00:00Z", "10"));
  private static final List<Row> TX_AFTER =
      List.of(
          purchase("a", "2024-04-15T12:00:00Z", "70"),
          purchase("b", "2024-04-02T12:00:00Z", "10"),
          refund("c", "2024-04-03T12:00:00Z", "10"));
  private static final List<Row> CANCEL_BEFORE =
      List.of(cancel("c", "2024-01-05T12:00:00Z", "voluntary", "price"));
  private static final List<Row> CANCEL_AFTER =
      List.of(cancel("a", "2024-05-01T12:00:00Z", "voluntary", "price"));
  private static final List<Row> CONTACTS_BEFORE =
      List.of(
          contact(
              "i1",
              "a",
              "complaint",
              "2024-03-10T09:00:00Z",
              "2024-03-10T09:02:00Z",
              "2024-03-11T09:00:00Z",
              true,
              2,
              null,
              null));

  /** Known only after the cutoff: a late answer, a close and a survey score on a March contact. */
  private static final Row LATE_ANSWERED =
      contact(
          "i2",
          "c",
          "billing",
          "2024-03-30T09:00:00Z",
          "2024-04-02T09:00:00Z",
          "2024-04-03T09:00:00Z",
          true,
          null,
          3,
          "2024-04-04T09:00:00Z");

  private static final List<Row> CONTACTS_AFTER =
      List.of(
          contact(
              "i3", "a", "complaint", "2024-04-10T09:00:00Z", null, null, null, null, null, null));

  private static Dataset<Row> features(
      SparkSession spark,
      List<Row> tx,
      List<Row> cancellations,
      List<Row> contacts,
      LocalDate asOf,
      LocalDate... cutoffs) {
    return features(spark, functions.lit(true), tx, cancellations, contacts, asOf, cutoffs);
  }

  private static Dataset<Row> features(
      SparkSession spark,
      org.apache.spark.sql.Column which,
      List<Row> tx,
      List<Row> cancellations,
      List<Row> contacts,
      LocalDate asOf,
      LocalDate... cutoffs) {
    Dataset<Row> transactions = Rows.df(spark, Rows.TRANSACTIONS, tx.toArray(Row[]::new));
    Dataset<Row> interactions = Rows.df(spark, Rows.INTERACTIONS, contacts.toArray(Row[]::new));
    Dataset<Row> spells =
        LifecycleSpells.of(
            transactions,
            Optional.of(Rows.df(spark, Rows.CANCELLATIONS, cancellations.toArray(Row[]::new))),
            90,
            ZoneOffset.UTC,
            asOf);
    return ChurnFeatures.at(
        List.of(cutoffs), which, spells, interactions, transactions, SERVICE, ZoneOffset.UTC);
  }

  /**
   * The training sample: a subset of the units with their features unchanged, of about the share
   * asked for; activeCount counts the units that get features.
   */
  @Test
  void aSampleOfTheUnitsKeepsTheirFeatures(SparkSession spark) {
    List<Row> tx = new ArrayList<>();
    for (int c = 0; c < 600; c++) {
      tx.add(purchase("c" + c, "2024-0" + (1 + c % 3) + "-1" + (c % 10) + "T10:00:00Z", "10"));
    }
    LocalDate[] cutoffs = {CUTOFF, CUTOFF.minusDays(30)};
    Dataset<Row> all = features(spark, tx, List.of(), List.of(), CUTOFF, cutoffs);
    Dataset<Row> sample =
        features(spark, ChurnFeatures.sampled(0.25), tx, List.of(), List.of(), CUTOFF, cutoffs);
    // Active at 31 Mar: all 600 (the last purchase within 90 days); at 1 Mar: the 400 who bought
    // in January or February.
    long units = all.count();
    assertThat(units).isEqualTo(1000);
    Dataset<Row> spells =
        LifecycleSpells.of(
            Rows.df(spark, Rows.TRANSACTIONS, tx.toArray(Row[]::new)),
            Optional.empty(),
            90,
            ZoneOffset.UTC,
            CUTOFF);
    assertThat(ChurnFeatures.activeCount(List.of(cutoffs), spells)).isEqualTo(units);
    assertThat(sample.exceptAll(all).count()).isZero();
    // Binomial: 0.25 of the units, standard deviation ≈ 0.43 sqrt(units) ≈ 14.
    assertThat(sample.count()).isBetween((long) (0.25 * units) - 60, (long) (0.25 * units) + 60);
    // Each cutoff is drawn on its own: a customer is not in or out of the sample at every cutoff.
    long bothCutoffs = sample.groupBy("customer_id").count().where("count = 2").count();
    assertThat(bothCutoffs).isLessThan(sample.count() / 2);
  }

  @Test
  void featuresAtTheCutoffByHand(SparkSession spark) {
    List<Row> contacts = new ArrayList<>(CONTACTS_BEFORE);
    contacts.add(KnownFactsAt.cutoff(spark, LATE_ANSWERED));
    Dataset<Row> f = features(spark, TX_BEFORE, CANCEL_BEFORE, contacts, CUTOFF, CUTOFF);
    assertThat(f.select("customer_id").orderBy("customer_id").collectAsList().toString())
        .as("b churned on 30 Dec: not active at the cutoff")
        .isEqualTo("[[a], [c]]");
    Row a = f.where("customer_id = 'a'").first();
    // 1 Mar -> 31 Mar; 10 Jan -> 31 Mar = 21 + 29 + 31 days.
    assertThat(a.<Double>getAs("recency_days")).isEqualTo(30.0);
    assertThat(a.<Double>getAs("tenure_days")).isEqualTo(81.0);
    assertThat(a.<Double>getAs("purchases")).isEqualTo(2.0);
    assertThat(a.<Double>getAs("purchases_per_30d")).isCloseTo(2 * 30 / 81.0, within(1e-12));
    assertThat(a.<Double>getAs("net_revenue_log")).isCloseTo(Math.log1p(130), within(1e-12));
    assertThat(a.<Double>getAs("refunds")).isEqualTo(1.0);
    assertThat(a.<Double>getAs("refund_share")).isCloseTo(20 / 150.0, within(1e-12));
    // 1 Mar is 30 days before the cutoff: outside the last 30 days, inside the last 90.
    assertThat(a.<Double>getAs("purchases_30d")).isEqualTo(0.0);
    assertThat(a.<Double>getAs("purchases_90d")).isEqualTo(2.0);
    assertThat(a.<Double>getAs("share_last_90d")).isEqualTo(1.0);
    assertThat(a.<Double>getAs("previous_spells")).isEqualTo(0.0);
    assertThat(a.<Double>getAs("contacts")).isEqualTo(1.0);
    assertThat(a.<Double>getAs("unresolved_contacts")).isEqualTo(0.0);
    assertThat(a.<Double>getAs("complaints")).isEqualTo(1.0);
    assertThat(a.<Double>getAs("open_complaints")).isEqualTo(0.0);
    assertThat(a.<Double>getAs("never_answered")).isEqualTo(0.0);
    assertThat(a.<Double>getAs("slowest_response_hours")).isCloseTo(120 / 3600.0, within(1e-12));
    assertThat(a.<Double>getAs("has_csat")).isEqualTo(1.0);
    assertThat(a.<Double>getAs("last_csat")).isEqualTo(2.0);
    assertThat(a.<Double>getAs("has_nps")).isEqualTo(0.0);

    Row c = f.where("customer_id = 'c'").first();
    assertThat(c.<Double>getAs("previous_spells")).isEqualTo(1.0);
    assertThat(c.<Double>getAs("previous_cancellations")).isEqualTo(1.0);
    // Over the whole history (both spells): 15 Dec -> 31 Mar.
    assertThat(c.<Double>getAs("tenure_days")).isEqualTo(107.0);
    // Its contact of 30 Mar was not answered by the cutoff, and its score not yet given.
    assertThat(c.<Double>getAs("never_answered")).isEqualTo(1.0);
    assertThat(c.<Double>getAs("unresolved_contacts")).isEqualTo(1.0);
    assertThat(c.<Double>getAs("has_nps")).isEqualTo(0.0);
  }

  @Test
  void nothingAfterTheCutoffChangesAFeatureAtIt(SparkSession spark) {
    List<Row> allTx = concat(TX_BEFORE, TX_AFTER);
    List<Row> allCancels = concat(CANCEL_BEFORE, CANCEL_AFTER);
    List<Row> allContacts = new ArrayList<>(CONTACTS_BEFORE);
    allContacts.add(LATE_ANSWERED);
    allContacts.addAll(CONTACTS_AFTER);
    LocalDate later = LocalDate.parse("2024-06-30");

    // What was known at the cutoff: rows up to it, and the March contact without its later facts.
    List<Row> knownContacts = new ArrayList<>(CONTACTS_BEFORE);
    knownContacts.add(KnownFactsAt.cutoff(spark, LATE_ANSWERED));
    String[] columns = columns("customer_id");
    List<String> known =
        Rows.sorted(
            features(spark, TX_BEFORE, CANCEL_BEFORE, knownContacts, CUTOFF, CUTOFF), columns);
    List<String> withLaterData =
        Rows.sorted(features(spark, allTx, allCancels, allContacts, later, CUTOFF), columns);
    assertThat(known).hasSize(2);
    assertThat(withLaterData).isEqualTo(known);

    // The later rows are real changes: at a cutoff after them the features differ.
    LocalDate mid = LocalDate.parse("2024-04-20");
    Row aLater =
        features(spark, allTx, allCancels, allContacts, later, mid)
            .where("customer_id = 'a'")
            .first();
    assertThat(aLater.<Double>getAs("recency_days")).isEqualTo(5.0);
    assertThat(aLater.<Double>getAs("never_answered")).isEqualTo(1.0);
  }

  @Test
  void severalCutoffsInOneCallEqualEachCutoffAlone(SparkSession spark) {
    List<Row> allTx = concat(TX_BEFORE, TX_AFTER);
    List<Row> allCancels = concat(CANCEL_BEFORE, CANCEL_AFTER);
    LocalDate asOf = LocalDate.parse("2024-06-30");
    // On a purchase day (1 Mar, 10 Jan), the day after one (2 Mar), and far apart: each day's
    // activity goes to the first cutoff on or after it, and the last-30/90-day counts are per
    // cutoff.
    LocalDate[] cutoffs = {
      LocalDate.parse("2024-04-20"),
      LocalDate.parse("2024-01-10"),
      LocalDate.parse("2024-03-01"),
      LocalDate.parse("2024-03-02"),
      CUTOFF
    };
    String[] columns = columns("customer_id", ChurnFeatures.CUTOFF);
    Dataset<Row> together = features(spark, allTx, allCancels, CONTACTS_BEFORE, asOf, cutoffs);
    List<String> alone = new ArrayList<>();
    for (LocalDate c : cutoffs) {
      alone.addAll(
          Rows.sorted(features(spark, allTx, allCancels, CONTACTS_BEFORE, asOf, c), columns));
    }
    assertThat(Rows.sorted(together, columns)).containsExactlyInAnyOrderElementsOf(alone);
    // a on 1 Mar, its purchase day: both purchases in the history, the one of that day in the last
    // 30.
    Row a = together.where("customer_id = 'a' and cutoff = DATE'2024-03-01'").first();
    assertThat(a.<Double>getAs("purchases")).isEqualTo(2.0);
    assertThat(a.<Double>getAs("purchases_30d")).isEqualTo(1.0);
    assertThat(a.<Double>getAs("purchases_90d")).isEqualTo(2.0);
    assertThat(a.<Double>getAs("recency_days")).isEqualTo(0.0);
  }

  /**
   * The contacts and refunds outside every unit's window are left out before the join; at the
   * windows' edges, in a zone west of UTC, the same units count the same events. Units: d on 1 Apr
   * and 10 Apr (New York days), lookback 180 days: windows from 4 Oct 2023 and 13 Oct 2023 up to
   * the unit's day. Contacts at the first window's first instant (counts for the first unit only),
   * a second before it (no unit), the last second of 9 Apr (the second unit only) and 10 Apr's
   * first instant (no unit); a refund on 31 Mar (both).
   */
  @Test
  void eventsOutsideEveryWindowAreLeftOutWithTheSameCounts(SparkSession spark) {
    java.time.ZoneId ny = java.time.ZoneId.of("America/New_York");
    Dataset<Row> units =
        spark.createDataFrame(
            List.of(
                RowFactory.create("d", java.sql.Date.valueOf("2024-04-01")),
                RowFactory.create("d", java.sql.Date.valueOf("2024-04-10"))),
            new org.apache.spark.sql.types.StructType()
                .add("customer_id", "string")
                .add("period_start", "date"));
    // 4 Oct 2023 00:00 in New York is 04:00 UTC (EDT).
    List<Row> contacts =
        List.of(
            contact(
                "e1", "d", "billing", "2023-10-04T04:00:00Z", null, null, null, null, null, null),
            contact(
                "e2", "d", "billing", "2023-10-04T03:59:59Z", null, null, null, null, null, null),
            contact(
                "e3", "d", "billing", "2024-04-10T03:59:59Z", null, null, null, null, null, null),
            contact(
                "e4", "d", "billing", "2024-04-10T04:00:00Z", null, null, null, null, null, null));
    Dataset<Row> interactions = Rows.df(spark, Rows.INTERACTIONS, contacts.toArray(Row[]::new));
    Dataset<Row> transactions =
        Rows.df(
            spark,
            Rows.TRANSACTIONS,
            purchase("d", "2023-09-01T12:00:00Z", "10"),
            refund("d", "2024-03-31T12:00:00Z", "5"));
    String[] columns = {"customer_id", "period_start", "n", "refunds"};
    List<String> pruned =
        Rows.sorted(
            ServiceExperience.before(
                units,
                interactions,
                transactions,
                SERVICE,
                ny,
                LocalDate.parse("2024-04-01"),
                LocalDate.parse("2024-04-10")),
            columns);
    assertThat(pruned).containsExactly("d | 2024-04-01 | 1 | 1", "d | 2024-04-10 | 1 | 1");
    assertThat(pruned)
        .isEqualTo(
            Rows.sorted(
                ServiceExperience.before(units, interactions, transactions, SERVICE, ny), columns));
  }

  private static List<Row> concat(List<Row> first, List<Row> second) {
    List<Row> all = new ArrayList<>(first);
    all.addAll(second);
    return all;
  }

  /** {@code leading}, then every feature. */
  private static String[] columns(String... leading) {
    List<String> all = new ArrayList<>(List.of(leading));
    all.addAll(ChurnFeatures.NAMES);
    return all.toArray(String[]::new);
  }

  /** A contact as known at the end of the cutoff day (KnownFacts), for the cut data set. */
  private static final class KnownFactsAt {
    static Row cutoff(SparkSession spark, Row contact) {
      return KnownFacts.asOf(
              Rows.df(spark, Rows.INTERACTIONS, contact),
              Instant.parse(CUTOFF.plusDays(1) + "T00:00:00Z"))
          .selectExpr(Rows.INTERACTIONS.fieldNames())
          .first();
    }
  }
}
