package io.tenure.validate;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.monotonically_increasing_id;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.xxhash64;

import io.tenure.config.InputContract;
import io.tenure.config.TableKind;
import io.tenure.io.TypedInput;
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
   * The verdicts of the rules across rows: per table, the key and reason of every row they make
   * unusable.
   *
   * @param keep materialises an intermediate read several times (the first purchases)
   */
  public static Verdicts verdicts(
      Map<TableKind, ValidatedInput> keyed, UnaryOperator<Dataset<Row>> keep) {
    Map<TableKind, Dataset<Row>> judged = new EnumMap<>(TableKind.class);
    keyed.forEach((kind, input) -> judged.put(kind, withoutRepeatedIds(kind, input.flagged())));
    Dataset<Row> tx = judged.get(TableKind.TRANSACTIONS);
    Optional<Dataset<Row>> firstPurchases = Optional.empty();
    if (tx != null) {
      Dataset<Row> first = keep.apply(CrossTableRules.firstPurchases(tx));
      firstPurchases = Optional.of(first);
      judged.put(
          TableKind.TRANSACTIONS,
          tx.where(not(CrossTableRules.IS_REFUND))
              .unionByName(CrossTableRules.judgeRefunds(CrossTableRules.refunds(tx), first)));
      Dataset<Row> cancellations = judged.get(TableKind.CANCELLATIONS);
      if (cancellations != null) {
        judged.put(
            TableKind.CANCELLATIONS, CrossTableRules.judgeCancellations(cancellations, first));
      }
    }
    Map<TableKind, Dataset<Row>> out = new EnumMap<>(TableKind.class);
    judged.forEach(
        (kind, rows) ->
            out.put(
                kind,
                rows.where(not(col(ValidatedInput.REASON).eqNullSafe(col(OWN))))
                    .select(col(PART), col(ROW), col(ValidatedInput.REASON).as(VERDICT))));
    return new Verdicts(out, firstPurchases);
  }

  /**
   * @param byTable per table, the key and reason of every row the rules across rows make unusable
   * @param firstPurchases as in {@link JudgedInputs#firstPurchases()}
   */
  public record Verdicts(
      Map<TableKind, Dataset<Row>> byTable, Optional<Dataset<Row>> firstPurchases) {}

  /** The rows of {@code input} with the verdicts applied: what a full run's validation flags. */
  public static ValidatedInput judged(ValidatedInput input, Dataset<Row> verdicts) {
    Dataset<Row> v =
        verdicts.withColumnRenamed(PART, VERDICT + PART).withColumnRenamed(ROW, VERDICT + ROW);
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

  /** Narrow columns of one table, with the repeated ids flagged. */
  private static Dataset<Row> withoutRepeatedIds(TableKind kind, Dataset<Row> rows) {
    String id = InputContract.idColumn(kind);
    String event = InputContract.eventColumn(kind);
    Set<String> names =
        new LinkedHashSet<>(List.of(PART, ROW, CONTENT_HASH, ValidatedInput.REASON));
    names.add(event);
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
    Dataset<Row> narrow =
        rows.select(select.toArray(Column[]::new)).withColumn(OWN, col(ValidatedInput.REASON));
    return id == null
        ? narrow
        : DuplicateIds.mark(narrow, id, event, DuplicateIds.BROADCAST_LIMIT, col(CONTENT_HASH));
  }
}
