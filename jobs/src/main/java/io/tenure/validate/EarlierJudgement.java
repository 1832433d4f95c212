package io.tenure.validate;

import io.tenure.config.TableKind;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * What the run an incremental run continues judged, over the rows of its state.
 *
 * @param verdicts per table, that run's {@link KeyedRules.Verdicts#byTable()}
 * @param firstPurchases that run's first purchases ({@link CrossTableRules#firstPurchases})
 * @param changedFrom per table, the earliest event among the rows that can differ from that run's
 *     ({@link Instant#MIN}: any row; {@link Instant#MAX}: none)
 */
public record EarlierJudgement(
    Map<TableKind, Dataset<Row>> verdicts,
    Dataset<Row> firstPurchases,
    Map<TableKind, Instant> changedFrom) {

  /**
   * The earliest event from which rows of {@code kind} can be judged otherwise than before, or
   * empty when every row must be judged again (no earlier verdicts, or changed from the start).
   * Cancellations are judged by the purchases too, so they change from the earlier of both.
   */
  public Optional<Instant> changedSince(TableKind kind, Set<TableKind> tables) {
    Instant from = changedFrom.getOrDefault(kind, Instant.MIN);
    if (kind == TableKind.CANCELLATIONS && tables.contains(TableKind.TRANSACTIONS)) {
      Instant purchases = changedFrom.getOrDefault(TableKind.TRANSACTIONS, Instant.MIN);
      from = purchases.isBefore(from) ? purchases : from;
    }
    boolean known =
        verdicts.containsKey(kind)
            && (kind != TableKind.CANCELLATIONS && kind != TableKind.TRANSACTIONS
                || firstPurchases != null);
    return from.equals(Instant.MIN) || !known ? Optional.empty() : Optional.of(from);
  }
}
