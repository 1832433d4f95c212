package io.tenure.validate;

import static io.tenure.testing.Rows.df;
import static io.tenure.testing.Rows.ts;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.concat_ws;
import static org.assertj.core.api.Assertions.assertThat;

import io.tenure.config.TableKind;
import io.tenure.testing.SparkExtension;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * An incremental run judges again only the rows whose verdict across rows can have changed — those
 * dated at or after the earliest changed row — and takes the others' verdicts and the first
 * purchases from the run it continues. Its verdicts must be a full judgement's, whether the new
 * rows are on time or one lands before old rows it changes.
 */
@ExtendWith(SparkExtension.class)
class KeyedRulesTest {
  /** The key, content hash and own verdict every keyed row carries. */
  private static final StructType KEYED =
      new StructType()
          .add(KeyedRules.PART, DataTypes.StringType)
          .add(KeyedRules.ROW, DataTypes.LongType)
          .add(KeyedRules.CONTENT_HASH, DataTypes.LongType)
          .add(ValidatedInput.REASON, DataTypes.StringType);

  private static final StructType TX =
      KEYED
          .add("occurred_at", DataTypes.TimestampType)
          .add("transaction_id", DataTypes.StringType)
          .add("customer_id", DataTypes.StringType)
          .add("kind", DataTypes.StringType);
  private static final StructType CANCELLATIONS =
      KEYED.add("cancelled_at", DataTypes.TimestampType).add("customer_id", DataTypes.StringType);

  private static Row tx(String part, long row, String id, String customer, String kind, String at) {
    return RowFactory.create(part, row, row, null, ts(at), id, customer, kind);
  }

  private static Row cancellation(String part, long row, String customer, String at) {
    return RowFactory.create(part, row, row, null, ts(at), customer);
  }

  /** What the run before judged (the state). */
  private static final List<Row> OLD_TX =
      List.of(
          tx("d1", 1, "A", "c1", "purchase", "2024-01-01T00:00:00Z"),
          tx("d1", 2, "R1", "c2", "refund", "2024-01-02T00:00:00Z"),
          tx("d1", 3, "B", "c1", "purchase", "2024-01-03T00:00:00Z"),
          tx("d2", 4, "B", "c1", "purchase", "2024-01-04T00:00:00Z"),
          tx("d2", 5, "R2", "c1", "refund", "2024-01-05T00:00:00Z"),
          tx("d2", 12, "E", "c6", "purchase", "2024-01-05T00:00:00Z"),
          tx("d2", 13, "R6", "c6", "refund", "2024-01-06T00:00:00Z"),
          // no event time: ordered after every other, judged again by every run
          RowFactory.create("d2", 6L, 6L, "missing_occurred_at", null, "B", "c1", "purchase"));

  private static final List<Row> OLD_CANCELLATIONS =
      List.of(
          cancellation("d1", 1, "c2", "2024-01-03T00:00:00Z"),
          cancellation("d2", 2, "c1", "2024-01-06T00:00:00Z"));

  /** Rows on time: every one after the state's. */
  private static final List<Row> NEW_TX =
      List.of(
          tx("d9", 7, "A", "c3", "purchase", "2024-01-10T00:00:00Z"),
          tx("d9", 8, "R3", "c3", "refund", "2024-01-09T00:00:00Z"),
          tx("d9", 9, "C", "c4", "purchase", "2024-01-11T00:00:00Z"),
          tx("d9", 10, "C", "c4", "purchase", "2024-01-12T00:00:00Z"));

  private static final List<Row> NEW_CANCELLATIONS =
      List.of(cancellation("d9", 3, "c5", "2024-01-12T00:00:00Z"));

  /**
   * Purchases that land late: one dated before the state's refund and cancellation of c2, one that
   * takes the id of c6's only purchase, being earlier.
   */
  private static final List<Row> LATE =
      List.of(
          tx("d9", 11, "P2", "c2", "purchase", "2024-01-01T12:00:00Z"),
          tx("d9", 14, "E", "c7", "purchase", "2024-01-02T00:00:00Z"));

  @Test
  void rowsOnTimeAreJudgedWithTheStatesVerdictsAndFirstPurchases(SparkSession spark) {
    assertThat(judgedInSteps(spark, NEW_TX))
        .containsExactlyInAnyOrder(
            "transactions d1 2 refund_without_purchase",
            "transactions d2 4 duplicate_transaction_id",
            // an id of the state used again: the state's row is kept
            "transactions d9 7 duplicate_transaction_id",
            // c3's only purchase is a duplicate: nothing to refund
            "transactions d9 8 refund_without_purchase",
            "transactions d9 10 duplicate_transaction_id",
            "cancellations d1 1 cancellation_without_transactions",
            "cancellations d9 3 cancellation_without_transactions",
            "first c1 2024-01-01T00:00:00Z",
            "first c4 2024-01-11T00:00:00Z",
            "first c6 2024-01-05T00:00:00Z");
  }

  @Test
  void latePurchasesChangeTheStatesVerdictsBothWays(SparkSession spark) {
    List<Row> late = new ArrayList<>(NEW_TX);
    late.addAll(LATE);
    assertThat(judgedInSteps(spark, late))
        .containsExactlyInAnyOrder(
            "transactions d2 4 duplicate_transaction_id",
            // c6's purchase lost its id to an earlier row, so its refund has nothing to refund
            "transactions d2 12 duplicate_transaction_id",
            "transactions d2 13 refund_without_purchase",
            "transactions d9 7 duplicate_transaction_id",
            "transactions d9 8 refund_without_purchase",
            "transactions d9 10 duplicate_transaction_id",
            "cancellations d9 3 cancellation_without_transactions",
            "first c1 2024-01-01T00:00:00Z",
            "first c2 2024-01-01T12:00:00Z",
            "first c4 2024-01-11T00:00:00Z",
            "first c7 2024-01-02T00:00:00Z");
  }

  @Test
  void noNewTransactionKeepsTheStatesVerdicts(SparkSession spark) {
    assertThat(judgedInSteps(spark, List.of()))
        .containsExactlyInAnyOrder(
            "transactions d1 2 refund_without_purchase",
            "transactions d2 4 duplicate_transaction_id",
            "cancellations d1 1 cancellation_without_transactions",
            "cancellations d9 3 cancellation_without_transactions",
            "first c1 2024-01-01T00:00:00Z",
            "first c6 2024-01-05T00:00:00Z");
  }

  /**
   * Judges the state's rows alone, then all rows from that judgement; asserts the result equals a
   * full judgement of all rows and returns it (verdicts and first purchases, rendered).
   */
  private static List<String> judgedInSteps(SparkSession spark, List<Row> newTx) {
    List<Row> allTx = new ArrayList<>(OLD_TX);
    allTx.addAll(newTx);
    List<Row> allCancellations = new ArrayList<>(OLD_CANCELLATIONS);
    allCancellations.addAll(NEW_CANCELLATIONS);
    KeyedRules.Verdicts before =
        KeyedRules.verdicts(inputs(spark, OLD_TX, OLD_CANCELLATIONS), rows -> rows);
    Map<TableKind, Instant> changedFrom = new EnumMap<>(TableKind.class);
    changedFrom.put(TableKind.TRANSACTIONS, earliest(newTx, 4));
    changedFrom.put(TableKind.CANCELLATIONS, earliest(NEW_CANCELLATIONS, 4));
    EarlierJudgement earlier =
        new EarlierJudgement(before.byTable(), before.firstPurchases().orElseThrow(), changedFrom);
    Map<TableKind, ValidatedInput> all = inputs(spark, allTx, allCancellations);
    List<String> stepwise = rendered(KeyedRules.verdicts(all, rows -> rows, Optional.of(earlier)));
    assertThat(stepwise).isEqualTo(rendered(KeyedRules.verdicts(all, rows -> rows)));
    return stepwise;
  }

  /** The earliest time in field {@code at} of {@code rows}; Instant.MAX without one. */
  private static Instant earliest(List<Row> rows, int at) {
    return rows.stream()
        .filter(r -> !r.isNullAt(at))
        .map(r -> r.getTimestamp(at).toInstant())
        .min(Instant::compareTo)
        .orElse(Instant.MAX);
  }

  private static Map<TableKind, ValidatedInput> inputs(
      SparkSession spark, List<Row> tx, List<Row> cancellations) {
    Map<TableKind, ValidatedInput> in = new EnumMap<>(TableKind.class);
    // The rules across rows read only the rows, never the input's settings.
    in.put(
        TableKind.TRANSACTIONS,
        new ValidatedInput(null, df(spark, TX, tx.toArray(Row[]::new)), List.of()));
    in.put(
        TableKind.CANCELLATIONS,
        new ValidatedInput(
            null, df(spark, CANCELLATIONS, cancellations.toArray(Row[]::new)), List.of()));
    return in;
  }

  private static List<String> rendered(KeyedRules.Verdicts v) {
    TreeSet<String> out = new TreeSet<>();
    v.byTable()
        .forEach(
            (kind, rows) ->
                out.addAll(
                    rows.select(
                            concat_ws(
                                " ",
                                org.apache.spark.sql.functions.lit(kind.key()),
                                col(KeyedRules.PART),
                                col(KeyedRules.ROW),
                                col("_verdict")))
                        .as(Encoders.STRING())
                        .collectAsList()));
    Dataset<Row> first = v.firstPurchases().orElseThrow();
    first
        .collectAsList()
        .forEach(r -> out.add("first " + r.getString(0) + " " + r.getTimestamp(1).toInstant()));
    return new ArrayList<>(out);
  }
}
