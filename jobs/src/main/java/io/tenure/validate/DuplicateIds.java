package io.tenure.validate;

import static org.apache.spark.sql.functions.broadcast;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import io.tenure.io.TypedInput;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;

/**
 * Keeps one row per id and quarantines the others as {@code duplicate_<id>}. The row kept is a
 * usable one if there is any, then the earliest, then the smallest by a hash of its content, so
 * that the choice does not depend on file order.
 *
 * <p>Only an id that occurs more than once can have duplicates. Those ids are found first by
 * counting each id's hash over the id column alone (Parquet reads only that column), and only their
 * rows are ordered by id (with no repeated id, the rows are returned as they are): ordering every
 * row would shuffle whole rows, source row included, which cost more than all the metrics together
 * at a million customers (docs/benchmarks.md). Up to {@link #BROADCAST_LIMIT} repeated ids are
 * collected and broadcast, so that the other rows are never shuffled.
 */
final class DuplicateIds {
  /** Repeated ids that are sent to every task rather than shuffled against the rows. */
  static final long BROADCAST_LIMIT = 500_000;

  private static final String HASH = "_id_hash";
  private static final String OCCURRENCES = "_id_occurrences";

  private DuplicateIds() {}

  /** The rows with {@code duplicate_<id>} set on every usable row but the one kept per id. */
  static Dataset<Row> mark(Dataset<Row> flagged, String id, String eventColumn) {
    return mark(flagged, id, eventColumn, BROADCAST_LIMIT, xxhash64(col(TypedInput.RAW)));
  }

  static Dataset<Row> mark(
      Dataset<Row> flagged, String id, String eventColumn, long broadcastLimit) {
    return mark(flagged, id, eventColumn, broadcastLimit, xxhash64(col(TypedInput.RAW)));
  }

  /**
   * @param contentHash a 64-bit hash of the source row, {@code xxhash64(_raw)}: the last tie-break
   *     (an incremental run's state stores it, so that the source rows need not be read to judge)
   */
  static Dataset<Row> mark(
      Dataset<Row> flagged,
      String id,
      String eventColumn,
      long broadcastLimit,
      Column contentHash) {
    // Counting by a 64-bit hash is cheaper than by the id text; two ids that share a hash only
    // make both suspects, and the suspects are then ordered by the id itself. Counted in a window
    // rather than an aggregate: nearly every id is unique, so an aggregate's partial step reduces
    // nothing and its hash map of every id cost twice the window's sort of the same hashes (10 M
    // ids: 11-18 s against 5-6 s, docs/benchmarks.md).
    Dataset<Row> repeated =
        flagged
            .where(col(id).isNotNull())
            .select(xxhash64(col(id)).as(HASH))
            .withColumn(OCCURRENCES, count(lit(1)).over(Window.partitionBy(col(HASH))))
            .where(col(OCCURRENCES).gt(1))
            .select(HASH)
            .distinct();
    // A count runs the reduce side in one parallel job; a limit before collecting would run it in
    // sequential rounds (Spark's incremental take): about a second at 8 M transactions where no
    // id repeats, the common case (docs/benchmarks.md).
    long repeatedIds = repeated.count();
    if (repeatedIds == 0) {
      return flagged;
    }
    Dataset<Row> keys =
        repeatedIds <= broadcastLimit
            ? broadcast(
                flagged
                    .sparkSession()
                    .createDataset(repeated.as(Encoders.LONG()).collectAsList(), Encoders.LONG())
                    .toDF(HASH))
            : repeated;
    Dataset<Row> joined =
        flagged.join(keys, xxhash64(flagged.col(id)).equalTo(keys.col(HASH)), "left");
    Dataset<Row> rest = joined.where(col(HASH).isNull()).drop(HASH);
    Dataset<Row> suspects = joined.where(col(HASH).isNotNull()).drop(HASH);
    return rest.unionByName(keepFirst(suspects, id, eventColumn, contentHash));
  }

  private static Dataset<Row> keepFirst(
      Dataset<Row> rows, String id, String eventColumn, Column contentHash) {
    WindowSpec sameId =
        Window.partitionBy(col(id))
            .orderBy(
                col(ValidatedInput.REASON).asc_nulls_first(),
                col(eventColumn).asc_nulls_last(),
                // A 64-bit hash of the content orders ties as well as the content itself would
                // (equal hashes of different rows are vanishingly rare) at a fraction of the cost
                // of serialising every row.
                contentHash);
    Column usable = col(ValidatedInput.REASON).isNull();
    Column duplicate = usable.and(row_number().over(sameId).gt(1));
    return rows.withColumn(
        ValidatedInput.REASON,
        when(duplicate, lit("duplicate_" + id)).otherwise(col(ValidatedInput.REASON)));
  }
}
