package io.tenure.metrics;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DecimalType;

/** Conventions shared by all output tables. */
public final class Outputs {
  private Outputs() {}

  /** Money columns in outputs: wide enough for sums over billions of rows. */
  public static final DecimalType MONEY = DataTypes.createDecimalType(38, 4);

  /** Units of money per currency unit: amounts have four decimals. */
  private static final long UNITS_PER_CURRENCY_UNIT = 10_000L;

  /**
   * An amount (decimal with scale 4) as a whole number of 1/10,000 currency units. Metrics sum
   * money as such longs — exact, and summing decimals wider than 18 digits (Spark widens every sum
   * by 10) goes through Java BigDecimal row by row: 2.2 × slower over 8 M transactions
   * (docs/benchmarks.md). A long holds sums up to 922 trillion currency units.
   */
  public static Column units(Column amount) {
    return amount.multiply(lit(UNITS_PER_CURRENCY_UNIT)).cast("long");
  }

  /** Units back to an output money column. */
  public static Column money(Column units) {
    return units.cast(MONEY).divide(lit(UNITS_PER_CURRENCY_UNIT)).cast(MONEY);
  }

  /**
   * {@code numerator / denominator} as a double, null when the denominator is zero, negative or
   * null. Output tables never hold NaN: SQL engines treat NaN inconsistently in aggregates.
   */
  public static Column ratio(Column numerator, Column denominator) {
    return when(denominator.gt(0), numerator.cast("double").divide(denominator.cast("double")))
        .otherwise(lit(null).cast("double"));
  }

  /**
   * A join key for rollup rows: the period start, or for the all-periods row (period_start null) a
   * date no period starts on, so that the rows of two rollups match on equality.
   */
  public static Column periodKey(Column periodStart) {
    return coalesce(periodStart, lit(java.sql.Date.valueOf("0001-01-01")));
  }

  /** Column names for {@code Dataset.join(right, usingColumns, joinType)} from Java. */
  @SuppressWarnings("deprecation")
  public static scala.collection.Seq<String> using(String... names) {
    return scala.collection.JavaConverters.asScalaBuffer(java.util.Arrays.asList(names)).toSeq();
  }

  /** The columns of these names, e.g. to select another table's rows in this layout. */
  public static Column[] columns(String... names) {
    return java.util.Arrays.stream(names)
        .map(org.apache.spark.sql.functions::col)
        .toArray(Column[]::new);
  }
}
