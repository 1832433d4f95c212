package io.tenure.testing;

import java.math.BigDecimal;
import java.sql.Date;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/** Builders for tiny canonical input tables and helpers to compare results as sorted lists. */
public final class Rows {
  private Rows() {}

  public static final StructType TRANSACTIONS =
      new StructType()
          .add("transaction_id", DataTypes.StringType)
          .add("customer_id", DataTypes.StringType)
          .add("occurred_at", DataTypes.TimestampType)
          .add("amount", DataTypes.createDecimalType(18, 4))
          .add("currency", DataTypes.StringType)
          .add("kind", DataTypes.StringType)
          .add("channel", DataTypes.StringType);

  public static final StructType CANCELLATIONS =
      new StructType()
          .add("customer_id", DataTypes.StringType)
          .add("cancelled_at", DataTypes.TimestampType)
          .add("kind", DataTypes.StringType)
          .add("reason", DataTypes.StringType);

  public static final StructType INTERACTIONS =
      new StructType()
          .add("interaction_id", DataTypes.StringType)
          .add("customer_id", DataTypes.StringType)
          .add("channel", DataTypes.StringType)
          .add("category", DataTypes.StringType)
          .add("opened_at", DataTypes.TimestampType)
          .add("first_response_at", DataTypes.TimestampType)
          .add("closed_at", DataTypes.TimestampType)
          .add("handle_seconds", DataTypes.DoubleType)
          .add("agent_id", DataTypes.StringType)
          .add("resolved", DataTypes.BooleanType)
          .add("csat", DataTypes.IntegerType)
          .add("nps", DataTypes.IntegerType)
          .add("surveyed_at", DataTypes.TimestampType);

  public static final StructType CUSTOMERS =
      new StructType()
          .add("customer_id", DataTypes.StringType)
          .add("signup_at", DataTypes.TimestampType)
          .add("segment", DataTypes.StringType)
          .add("country", DataTypes.StringType);

  private static int txCounter;

  public static Timestamp ts(String isoInstant) {
    return Timestamp.from(Instant.parse(isoInstant));
  }

  public static Date date(String iso) {
    return Date.valueOf(LocalDate.parse(iso));
  }

  /** A purchase at an instant (ISO-8601 with Z). */
  public static Row purchase(String customer, String at, String amount) {
    return RowFactory.create(
        "t" + (++txCounter), customer, ts(at), new BigDecimal(amount), "EUR", "purchase", "web");
  }

  public static Row refund(String customer, String at, String amount) {
    return RowFactory.create(
        "t" + (++txCounter), customer, ts(at), new BigDecimal(amount), "EUR", "refund", "web");
  }

  public static Row cancel(String customer, String at, String kind, String reason) {
    return RowFactory.create(customer, ts(at), kind, reason);
  }

  /** A table of {@code rows}; trailing columns a row leaves out (e.g. surveyed_at) are null. */
  public static Dataset<Row> df(SparkSession spark, StructType schema, Row... rows) {
    return spark.createDataFrame(padded(Arrays.asList(rows), schema), schema);
  }

  /** Rows with nulls for the trailing columns of {@code schema} they leave out. */
  public static List<Row> padded(List<Row> rows, StructType schema) {
    List<Row> out = new ArrayList<>();
    for (Row r : rows) {
      Object[] values = Arrays.copyOf(toArray(r), schema.size());
      out.add(RowFactory.create(values));
    }
    return out;
  }

  /** Rows as strings, sorted, so that two tables compare regardless of order (duplicates kept). */
  public static List<String> sorted(Dataset<Row> df, String... columns) {
    Dataset<Row> selected = columns.length == 0 ? df : df.selectExpr(columns);
    List<String> out = new ArrayList<>();
    for (Row r : selected.collectAsList()) {
      out.add(Arrays.stream(toArray(r)).map(String::valueOf).collect(Collectors.joining(" | ")));
    }
    out.sort(Comparator.naturalOrder());
    return out;
  }

  private static Object[] toArray(Row r) {
    Object[] values = new Object[r.length()];
    for (int i = 0; i < r.length(); i++) {
      values[i] = r.get(i);
    }
    return values;
  }
}
