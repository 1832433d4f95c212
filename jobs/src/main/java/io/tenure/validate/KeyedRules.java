package io.tenure.validate;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.monotonically_increasing_id;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.xxhash64;

import io.tenure.config.InputContract;
import io.tenure.config.TableKind;
import io.tenure.io.TypedInput;
import io.tenure.metrics.Periods;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * The rules that need other rows — repeated ids ({@link DuplicateIds}) and the rules across tables
 * ({@link CrossTableRules}) — for rows that live in files written by different runs (an incremental
 * run's state). Every row carries a key, the source partition it was read from and a number unique
 * within the run that wrote it, and a hash of its source row; the rules read only those and a few
 * canonical columns, and their verdicts are a small table of keys joined to the rows wherever they
 * are read. Same rules, same order, same verdicts as {@link Validation#validate} followed by {@link
 * CrossTableRules#apply}.
 */
public final class KeyedRules {
  public static final String PART = "_part";
  public static final String ROW = "_row";
  public static final String CONTENT_HASH = "_content_hash";

  private static final String OWN = "_own_reason";
  private static final String VERDICT = "_verdict";
  private static final String ID_HASH = "_judged_id_hash";

  /** The event time of a row a verdict concerns: which runs can judge it otherwise. */
  public static final String AT = "_at";

  private KeyedRules() {}

  /**
   * Own-judged rows with their key and content hash. The row numbers are only stable once written:
   * write the result before judging it.
   */
  public static ValidatedInput keyed(ValidatedInput own, Column partition) {
    return own.withRows(
        own.flagged()
            .withColumn(PART, partition)
            .withColumn(ROW, monotonically_increasing_id())
            .withColumn(CONTENT_HASH, xxhash64(col(TypedInput.RAW))));
  }

  /** Keyed rows of {@code in} read back from where they were written. */
  public static ValidatedInput of(io.tenure.config.InputSettings in, Dataset<Row> rows) {
    return new ValidatedInput(
        in,
        rows,
        InputContract.columns(in.table()).stream().map(InputContract.ColumnSpec::name).toList());
  }

  /**
   * The verdicts of the rules across rows: per table, the key, reason and event time ({@link #AT})
   * of every row they make unusable.
   *
   * @param keep materialises an intermediate read several times (the first purchases)
   */
  public static Verdicts verdicts(
      Map<TableKind, ValidatedInput> keyed, UnaryOperator<Dataset<Row>> keep) {
    return verdicts(keyed, keep, Optional.empty());
  }

  /**
   * The verdicts as {@link #verdicts(Map, UnaryOperator)} gives them, judging again only the rows
   * whose verdict can differ from {@code earlier}'s: a rule across rows moves a row's verdict only
   * by an earlier row (the earliest of repeated ids is kept, a purchase rescues a later refund or
   * cancellation), so the verdict of a row dated before every changed row stands. Repeated ids are
   * judged among the rows that share an id with a row judged again; the first purchases are the
   * earlier ones before the change, merged with those among the rows judged again.
   */
  public static Verdicts verdicts(
      Map<TableKind, ValidatedInput> keyed,
      UnaryOperator<Dataset<Row>> keep,
      Optional<EarlierJudgement> earlier) {
    Map<TableKind, Dataset<Row>> judged = new EnumMap<>(TableKind.class);
    Map<TableKind, Instant> again = new EnumMap<>(TableKind.class);
    for (Map.Entry<TableKind, ValidatedInput> e : keyed.entrySet()) {
      TableKind kind = e.getKey();
      Dataset<Row> narrow = narrow(kind, e.getValue().flagged());
      Optional<Instant> from = earlier.flatMap(x -> x.changedSince(kind, keyed.keySet()));
      Optional<Dataset<Row>> scope = from.flatMap(f -> sharingAnId(kind, narrow, f));
      if (scope.isPresent()) {
        again.put(kind, from.get());
        Column event = col(InputContract.eventColumn(kind));
        judged.put(kind, withoutRepeatedIds(kind, scope.get()).where(atOrAfter(event, from.get())));
      } else {
        judged.put(kind, withoutRepeatedIds(kind, narrow));
      }
    }
    Dataset<Row> tx = judged.get(TableKind.TRANSACTIONS);
    Optional<Dataset<Row>> firstPurchases = Optional.empty();
    if (tx != null) {
      Dataset<Row> first = CrossTableRules.firstPurchases(tx);
      Instant from = again.get(TableKind.TRANSACTIONS);
      if (from != null) {
        first =
            CrossTableRules.earliestOf(
                earlier.orElseThrow().firstPurchases(), first, firstPurchaseBefore(from));
      }
      first = keep.apply(first);
      firstPurchases = Optional.of(first);
      Dataset<Row> refunds = CrossTableRules.refunds(tx);
      judged.put(
          TableKind.TRANSACTIONS,
          tx.where(not(CrossTableRules.IS_REFUND))
              .unionByName(
                  CrossTableRules.judgeRefunds(
                      refunds, from == null ? first : firstOf(first, refunds))));
      Dataset<Row> cancellations = judged.get(TableKind.CANCELLATIONS);
      if (cancellations != null) {
        boolean few = again.containsKey(TableKind.CANCELLATIONS);
        judged.put(
            TableKind.CANCELLATIONS,
            CrossTableRules.judgeCancellations(
                cancellations, few ? firstOf(first, cancellations) : first));
      }
    }
    Map<TableKind, Dataset<Row>> out = new EnumMap<>(TableKind.class);
    judged.forEach(
        (kind, rows) -> {
          Dataset<Row> verdicts =
              rows.where(not(col(ValidatedInput.REASON).eqNullSafe(col(OWN))))
                  .select(
                      col(PART),
                      col(ROW),
                      col(ValidatedInput.REASON).as(VERDICT),
                      col(InputContract.eventColumn(kind)).as(AT));
          Instant from = again.get(kind);
          out.put(
              kind,
              from == null
                  ? verdicts
                  : verdicts.unionByName(
                      earlier
                          .orElseThrow()
                          .verdicts()
                          .get(kind)
                          .where(not(atOrAfter(col(AT), from)))));
        });
    return new Verdicts(out, firstPurchases);
  }

  /**
   * @param byTable per table, the key, reason and event time of every row the rules across rows
   *     make unusable
   * @param firstPurchases as in {@link JudgedInputs#firstPurchases()}
   */
  public record Verdicts(
      Map<TableKind, Dataset<Row>> byTable, Optional<Dataset<Row>> firstPurchases) {}

  /**
   * Whether a row is judged again from {@code from} on: its event is at or after it, or it has none
   * (ordered after every other row).
   */
  static Column atOrAfter(Column event, Instant from) {
    return from.equals(Instant.MAX)
        ? event.isNull()
        : event.isNull().or(event.geq(Periods.instant(from)));
  }

  /** The first purchases of the customers of a few rows judged again. */
  private static Dataset<Row> firstOf(Dataset<Row> firstPurchases, Dataset<Row> rows) {
    return CrossTableRules.firstPurchasesOf(firstPurchases, rows, "customer_id");
  }

  /** Whether a first purchase is before {@code from}. */
  private static Column firstPurchaseBefore(Instant from) {
    return from.equals(Instant.MAX)
        ? lit(true)
        : col(CrossTableRules.FIRST_PURCHASE).lt(Periods.instant(from));
  }

  /**
   * The rows judged again from {@code from} on, and every row that shares an id with one of them
   * (the rows a repeated id is judged among); empty when too many ids are judged again to send to
   * every task, and the table is better judged whole.
   */
  private static Optional<Dataset<Row>> sharingAnId(
      TableKind kind, Dataset<Row> narrow, Instant from) {
    Column again = atOrAfter(col(InputContract.eventColumn(kind)), from);
    String id = InputContract.idColumn(kind);
    if (id == null) {
      return Optional.of(narrow.where(again));
    }
    Dataset<Row> hashes =
        narrow
            .where(again.and(col(id).isNotNull()))
            .select(xxhash64(col(id)).as(ID_HASH))
            .distinct();
    if (hashes.count() > DuplicateIds.BROADCAST_LIMIT) {
      return Optional.empty();
    }
    // Broadcast as a query, not collected into the plan: a plan holding a few hundred thousand
    // literal rows costs the driver seconds each time it is planned.
    Dataset<Row> ids = broadcast(hashes);
    return Optional.of(
        narrow
            .join(ids, xxhash64(narrow.col(id)).equalTo(ids.col(ID_HASH)), "left")
            .where(again.or(col(ID_HASH).isNotNull()))
            .drop(ID_HASH));
  }

  /** The rows of {@code input} with the verdicts applied: what a full run's validation flags. */
  public static ValidatedInput judged(ValidatedInput input, Dataset<Row> verdicts) {
    Dataset<Row> v =
        verdicts.select(col(PART).as(VERDICT + PART), col(ROW).as(VERDICT + ROW), col(VERDICT));
    Dataset<Row> flagged = input.flagged();
    Dataset<Row> rows =
        flagged
            .join(
                v,
                flagged
                    .col(PART)
                    .equalTo(v.col(VERDICT + PART))
                    .and(flagged.col(ROW).equalTo(v.col(VERDICT + ROW))),
                "left")
            .withColumn(ValidatedInput.REASON, coalesce(col(VERDICT), col(ValidatedInput.REASON)))
            .drop(VERDICT, VERDICT + PART, VERDICT + ROW);
    return input.withRows(rows);
  }

  /** The columns of one table's rows that the rules across rows read. */
  private static Dataset<Row> narrow(TableKind kind, Dataset<Row> rows) {
    String id = InputContract.idColumn(kind);
    Set<String> names =
        new LinkedHashSet<>(List.of(PART, ROW, CONTENT_HASH, ValidatedInput.REASON));
    names.add(InputContract.eventColumn(kind));
    if (id != null) {
      names.add(id);
    }
    List<String> available = Arrays.asList(rows.columns());
    for (String c : List.of("customer_id", "kind")) {
      if (available.contains(c)) {
        names.add(c);
      }
    }
    List<Column> select = new ArrayList<>();
    names.forEach(n -> select.add(col(n)));
    return rows.select(select.toArray(Column[]::new)).withColumn(OWN, col(ValidatedInput.REASON));
  }

  /** Narrow rows of one table with the repeated ids flagged. */
  private static Dataset<Row> withoutRepeatedIds(TableKind kind, Dataset<Row> narrow) {
    String id = InputContract.idColumn(kind);
    String event = InputContract.eventColumn(kind);
    return id == null
        ? narrow
        : DuplicateIds.mark(narrow, id, event, DuplicateIds.BROADCAST_LIMIT, col(CONTENT_HASH));
  }
}
