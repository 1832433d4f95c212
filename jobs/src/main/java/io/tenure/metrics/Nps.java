package io.tenure.metrics;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.least;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sqrt;
import static org.apache.spark.sql.functions.when;

import org.apache.spark.sql.Column;

/**
 * Net Promoter Score from 0–10 answers: NPS = 100 × (promoters (9–10) − detractors (0–6)) /
 * answers; passives (7–8) count in the total only.
 *
 * <p>The 95 % interval is an adjusted Wald interval: with p = (promoters + ¾) / (n + 3) and d =
 * (detractors + ¾) / (n + 3), 100 × ((p − d) ± 1.96 × sqrt((p + d − (p − d)²) / (n + 3))), clipped
 * to [−100, 100]. The plain normal interval has zero width when every answer is a detractor (or a
 * promoter); the adjustment gives small and one-sided groups an honest width and converges to the
 * plain interval for large n.
 */
final class Nps {
  static final String RESPONSES = "nps_responses";
  static final String PROMOTERS = "promoters";
  static final String PASSIVES = "passives";
  static final String DETRACTORS = "detractors";
  private static final double Z95 = 1.959964;

  private Nps() {}

  /** Aggregates over a column of 0–10 scores (nulls ignored). */
  static Column[] counts(Column score) {
    return new Column[] {
      count(score).as(RESPONSES),
      count(when(score.geq(9), 1)).as(PROMOTERS),
      count(when(score.between(7, 8), 1)).as(PASSIVES),
      count(when(score.leq(6), 1)).as(DETRACTORS)
    };
  }

  /** The counts, the score and its interval, from the columns {@link #counts} produced. */
  static Column[] columns() {
    Column n = col(RESPONSES);
    Column nAdj = n.plus(3);
    Column p = col(PROMOTERS).plus(0.75).divide(nAdj);
    Column d = col(DETRACTORS).plus(0.75).divide(nAdj);
    Column centre = p.minus(d);
    Column half = lit(Z95).multiply(sqrt(p.plus(d).minus(centre.multiply(centre)).divide(nAdj)));
    Column answered = n.gt(0);
    return new Column[] {
      n,
      col(PROMOTERS),
      col(PASSIVES),
      col(DETRACTORS),
      Outputs.ratio(col(PROMOTERS).minus(col(DETRACTORS)), n).multiply(100).as("nps"),
      when(answered, greatest(centre.minus(half).multiply(100), lit(-100.0))).as("nps_ci_low"),
      when(answered, least(centre.plus(half).multiply(100), lit(100.0))).as("nps_ci_high")
    };
  }
}
