package io.tenure.pipeline;

import io.tenure.config.TableKind;
import io.tenure.io.InputState;
import io.tenure.validate.EarlierJudgement;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * What the rules across rows found in an incremental run — each table's verdicts and the first
 * purchases — kept in the state next to the rows they judge, so that the next run judges again only
 * the rows that can be judged otherwise ({@link EarlierJudgement}).
 */
final class JudgedState {
  private static final String FIRST_PURCHASES = "first_purchases";

  private final SparkSession spark;
  private final InputState state;
  private final String runId;
  private final Map<String, String> dirs = new TreeMap<>();

  JudgedState(SparkSession spark, InputState state, String runId) {
    this.spark = spark;
    this.state = state;
    this.runId = runId;
  }

  /**
   * What the run of {@code version} found, if it kept it, with the instants from which this run's
   * rows of each input can differ from its rows. Empty for versions written before it was kept.
   */
  Optional<EarlierJudgement> earlier(
      InputState.Version version, Map<TableKind, Instant> changedFrom) {
    Map<TableKind, Dataset<Row>> verdicts = new EnumMap<>(TableKind.class);
    for (TableKind kind : changedFrom.keySet()) {
      version.judged(kind.key()).ifPresent(d -> verdicts.put(kind, spark.read().parquet(d)));
    }
    Dataset<Row> first = version.judged(FIRST_PURCHASES).map(spark.read()::parquet).orElse(null);
    return verdicts.isEmpty()
        ? Optional.empty()
        : Optional.of(new EarlierJudgement(verdicts, first, Map.copyOf(changedFrom)));
  }

  /** Writes one table's verdicts into this run's state and reads them back. */
  Dataset<Row> keep(String table, Dataset<Row> verdicts) {
    String dir = state.writeJudged(table, runId, verdicts);
    dirs.put(table, dir);
    return spark.read().parquet(dir);
  }

  /** Writes the first purchases into this run's state and reads them back. */
  Dataset<Row> keepFirstPurchases(Dataset<Row> firstPurchases) {
    return keep(FIRST_PURCHASES, firstPurchases);
  }

  /** What this run kept, by name, for its state version. */
  Map<String, String> dirs() {
    return Map.copyOf(dirs);
  }

  /**
   * Per input, from when its rows are judged again across rows ("every row" without what an earlier
   * run found), for the manifest.
   */
  static Map<String, String> described(
      Optional<EarlierJudgement> earlier, java.util.Set<TableKind> inputs) {
    Map<String, String> out = new TreeMap<>();
    for (TableKind kind : inputs) {
      Optional<Instant> from = earlier.flatMap(e -> e.changedSince(kind, inputs));
      out.put(
          kind.key(),
          from.map(f -> f.equals(Instant.MAX) ? "none" : f.toString()).orElse("every row"));
    }
    return out;
  }
}
