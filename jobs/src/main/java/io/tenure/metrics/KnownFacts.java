package io.tenure.metrics;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import java.time.Instant;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * When each fact of a contact becomes known, and the contacts as they were known at an instant.
 *
 * <p>A contact is known from opened_at. Its first response is known at first_response_at, its close
 * at closed_at. The resolved flag and handle_seconds are outcomes of the close: known at closed_at,
 * or, without a closed_at, the flag at opened_at and the handle time at opened_at + handle_seconds
 * (the end of the call). A survey answer (csat, nps) is known at surveyed_at when the source gives
 * it, else at closed_at (surveys go out on closing), else at opened_at.
 *
 * <p>{@link #asOf} nulls every fact not known before the instant, so that a contact still open then
 * is pending, unresolved, untimed and unsurveyed, whatever happened later. Applying it twice equals
 * applying it once.
 */
public final class KnownFacts {
  public static final String SURVEYED_AT = "surveyed_at";

  private KnownFacts() {}

  /** When the contact's survey answer (csat, nps) became known. */
  public static Column surveyKnownAt() {
    return coalesce(col(SURVEYED_AT), col("closed_at"), col("opened_at"));
  }

  /** The contacts as known before {@code knownBefore}: later facts are null. */
  public static Dataset<Row> asOf(Dataset<Row> interactions, Instant knownBefore) {
    Column cut = Periods.instant(knownBefore);
    Column closeKnown = col("closed_at").isNull().or(col("closed_at").lt(cut));
    Column handleKnown =
        when(
                col("closed_at").isNull(),
                col("opened_at").cast("double").plus(col("handle_seconds")).lt(cut.cast("double")))
            .otherwise(col("closed_at").lt(cut));
    Column surveyKnown = surveyKnownAt().lt(cut);
    return interactions
        .withColumn(
            "handle_seconds", when(coalesce(handleKnown, lit(false)), col("handle_seconds")))
        .withColumn("resolved", when(closeKnown, col("resolved")))
        .withColumn("csat", when(surveyKnown, col("csat")))
        .withColumn("nps", when(surveyKnown, col("nps")))
        .withColumn(SURVEYED_AT, when(col(SURVEYED_AT).lt(cut), col(SURVEYED_AT)))
        .withColumn(
            "first_response_at", when(col("first_response_at").lt(cut), col("first_response_at")))
        .withColumn("closed_at", when(col("closed_at").lt(cut), col("closed_at")));
  }
}
