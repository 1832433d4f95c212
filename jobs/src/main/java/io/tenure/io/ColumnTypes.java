package io.tenure.io;

import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.to_utc_timestamp;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;

import io.tenure.config.InputContract;
import io.tenure.config.InputContract.LogicalType;
import java.time.ZoneId;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.ByteType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DateType;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.FloatType;
import org.apache.spark.sql.types.IntegerType;
import org.apache.spark.sql.types.LongType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.ShortType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.TimestampNTZType;
import org.apache.spark.sql.types.TimestampType;

/**
 * Which source types each logical column type accepts, and how a source value becomes the canonical
 * one. A value that does not convert becomes null; validation then flags the row as unparseable (a
 * null canonical value with a non-null source value), never as a guess.
 */
final class ColumnTypes {
  /** 2^53: above it a double no longer holds every integer, so ids would merge. */
  private static final double MAX_EXACT_DOUBLE = 9_007_199_254_740_992.0;

  /** An ISO-8601 string that carries its own offset (Z, +hh:mm, +hhmm, +hh). */
  private static final String OFFSET_SUFFIX = "(?i)(z|[+-]\\d\\d(:?\\d\\d)?)$";

  /** A time followed by a zone name or id: "10:00:00 CET", "10:00 Europe/Berlin". */
  private static final String ZONE_SUFFIX = "\\d[ ]*[A-Za-z][A-Za-z_]*(/[A-Za-z_+-]+)*$";

  /** A date without a time: yyyy-MM-dd. */
  private static final String DATE_ONLY = "^\\d{4}-\\d{2}-\\d{2}$";

  private final ZoneId zone;
  private final ZoneId naiveInputZone;

  /**
   * @param zone the business time zone: a date alone is a day of it
   * @param naiveInputZone the zone of timestamps that carry none
   */
  ColumnTypes(ZoneId zone, ZoneId naiveInputZone) {
    this.zone = zone;
    this.naiveInputZone = naiveInputZone;
  }

  static DataType targetType(LogicalType type) {
    return switch (type) {
      case ID, TEXT -> DataTypes.StringType;
      case TIMESTAMP -> DataTypes.TimestampType;
      case AMOUNT -> InputContract.AMOUNT_TYPE;
      case SECONDS -> DataTypes.DoubleType;
      case SCORE -> DataTypes.IntegerType;
      case FLAG -> DataTypes.BooleanType;
    };
  }

  static boolean accepts(LogicalType type, DataType found, boolean textSource) {
    if (found instanceof StringType) {
      return textSource
          || type == LogicalType.ID
          || type == LogicalType.TEXT
          || type == LogicalType.TIMESTAMP;
    }
    return switch (type) {
      case ID -> found instanceof NumericType;
      case TEXT -> found instanceof NumericType || found instanceof BooleanType;
      case TIMESTAMP ->
          found instanceof TimestampType
              || found instanceof TimestampNTZType
              || found instanceof DateType;
      case AMOUNT, SECONDS, SCORE -> found instanceof NumericType;
      case FLAG -> found instanceof BooleanType || found instanceof NumericType;
    };
  }

  /**
   * Whether every non-null source value of type {@code found} converts to {@code type}, so that the
   * unparseable rule cannot fire and need not run: a whole number as an id or a flag, a short one
   * as a score, any time type but a string as a time, a decimal with at most 14 integer digits as
   * an amount. Text (a CSV field, a timestamp written as a string), fractional numbers as ids or
   * scores, and numbers that may overflow an amount or a score can fail. (Rules on every row of a
   * wide input add up: a generated method above the JVM's 8,000-byte limit is interpreted,
   * docs/benchmarks.md.)
   */
  static boolean alwaysConverts(DataType found, LogicalType type) {
    boolean smallWhole =
        found instanceof ByteType || found instanceof ShortType || found instanceof IntegerType;
    boolean whole = smallWhole || found instanceof LongType;
    return switch (type) {
      case ID -> whole || found instanceof StringType;
      case TEXT -> true;
      case TIMESTAMP -> !(found instanceof StringType);
      case AMOUNT ->
          smallWhole
              || (found instanceof DecimalType d
                  && d.precision() - d.scale()
                      <= InputContract.AMOUNT_TYPE.precision() - InputContract.AMOUNT_TYPE.scale());
      case SECONDS -> found instanceof NumericType;
      // Not an int: Integer.MIN_VALUE is beyond the range a score accepts (|d| <= MAX_VALUE).
      case SCORE -> found instanceof ByteType || found instanceof ShortType;
      case FLAG -> found instanceof BooleanType || found instanceof NumericType;
    };
  }

  Column convert(Column c, DataType found, LogicalType type) {
    return switch (type) {
      case ID -> {
        // A whole-number id stored as double must read the same as one stored as long; a
        // fractional one (292.5) or one beyond a double's exact integers (1e20) is no id at all:
        // null, and quarantined as unparseable, never truncated into another customer's id.
        Column id;
        if (found instanceof DoubleType || found instanceof FloatType) {
          Column d = c.cast("double");
          id =
              when(
                  d.equalTo(floor(d)).and(abs(d).leq(MAX_EXACT_DOUBLE)),
                  d.cast("long").cast("string"));
        } else if (found instanceof DecimalType) {
          id = when(c.equalTo(floor(c)), c.cast(DataTypes.createDecimalType(38, 0)).cast("string"));
        } else {
          id = c.cast("string");
        }
        yield when(trim(id).equalTo(""), lit(null).cast("string")).otherwise(trim(id));
      }
      case TEXT -> {
        Column s = trim(c.cast("string"));
        yield when(s.equalTo(""), lit(null).cast("string")).otherwise(s);
      }
      case TIMESTAMP -> toInstant(c, found);
      case AMOUNT -> c.cast(InputContract.AMOUNT_TYPE);
      case SECONDS -> c.cast("double");
      case SCORE -> {
        // 4.7 is no answer on a 1-5 scale: null (quarantined as unparseable), not 4.
        Column d = c.cast("double");
        yield when(d.equalTo(floor(d)).and(abs(d).leq(Integer.MAX_VALUE)), d.cast("int"));
      }
      case FLAG -> {
        if (found instanceof StringType) {
          Column s = lower(trim(c));
          yield when(s.isin("true", "t", "yes", "y", "1"), lit(true))
              .when(s.isin("false", "f", "no", "n", "0"), lit(false));
        }
        yield found instanceof BooleanType ? c : c.cast("double").notEqual(0);
      }
    };
  }

  /**
   * Turns any accepted time type into an instant. Naive values (timestamp_ntz, strings without an
   * offset) are wall-clock times in {@code time.naive-input-zone}; a plain date is local midnight
   * in the business zone {@code time.zone}. Relies on the UTC session time zone.
   */
  private Column toInstant(Column c, DataType found) {
    String naive = naiveInputZone.getId();
    if (found instanceof TimestampType) {
      return c;
    }
    if (found instanceof TimestampNTZType) {
      return to_utc_timestamp(c.cast("timestamp"), naive);
    }
    if (found instanceof DateType) {
      return to_utc_timestamp(c.cast("timestamp"), zone.getId());
    }
    Column s = trim(c.cast("string"));
    // A string with its own offset or zone is an instant; a date alone is a day of the business
    // zone, as a DATE column is (and as CSV schema inference would read it); any other naive
    // string is wall-clock time in the naive-input zone.
    // (The date test comes first: "2024-08-01" ends like an offset, "-01".)
    return when(s.rlike(DATE_ONLY), to_utc_timestamp(s.cast("timestamp"), zone.getId()))
        .when(s.rlike(OFFSET_SUFFIX).or(s.rlike(ZONE_SUFFIX)), s.cast("timestamp"))
        .otherwise(to_utc_timestamp(s.cast("timestamp"), naive));
  }
}
