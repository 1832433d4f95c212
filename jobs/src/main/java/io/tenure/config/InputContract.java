package io.tenure.config;

import java.util.List;

/**
 * The canonical columns of each input table: their names inside Tenure, their logical types, and
 * whether the source must have them. docs/inputs.md is the user-facing version of this class.
 */
public final class InputContract {
  /**
   * Amounts are read as this decimal type. Precision 18 keeps a value in one long inside Spark, and
   * in {@link io.tenure.metrics.Outputs#units units} of 1/10,000 it still fits a long.
   */
  public static final org.apache.spark.sql.types.DecimalType AMOUNT_TYPE =
      org.apache.spark.sql.types.DataTypes.createDecimalType(18, 4);

  private InputContract() {}

  /** What a column means; decides which physical types are accepted and how they are cast. */
  public enum LogicalType {
    /** An identifier: string or whole number, read as a string. */
    ID("string or integer"),
    /** A point in time: timestamp, timestamp_ntz, date, or an ISO-8601 string. */
    TIMESTAMP("timestamp, timestamp_ntz, date or ISO-8601 string"),
    /** A money amount: any numeric type, read as decimal(18,4). */
    AMOUNT("numeric (decimal, double, integer)"),
    /** Free text or an enum value, read as a trimmed string. */
    TEXT("string"),
    /** A duration in seconds: any numeric type, read as double. */
    SECONDS("numeric"),
    /** A survey score: any numeric type, read as integer. */
    SCORE("integer"),
    /** A yes/no flag: boolean, or 0/1. */
    FLAG("boolean or 0/1");

    private final String accepted;

    LogicalType(String accepted) {
      this.accepted = accepted;
    }

    public String accepted() {
      return accepted;
    }
  }

  /** One canonical column. */
  public record ColumnSpec(String name, LogicalType type, boolean required) {}

  private static ColumnSpec req(String name, LogicalType type) {
    return new ColumnSpec(name, type, true);
  }

  private static ColumnSpec opt(String name, LogicalType type) {
    return new ColumnSpec(name, type, false);
  }

  public static final List<ColumnSpec> TRANSACTIONS =
      List.of(
          opt("transaction_id", LogicalType.ID),
          req("customer_id", LogicalType.ID),
          req("occurred_at", LogicalType.TIMESTAMP),
          req("amount", LogicalType.AMOUNT),
          opt("currency", LogicalType.TEXT),
          opt("kind", LogicalType.TEXT),
          opt("channel", LogicalType.TEXT));

  public static final List<ColumnSpec> CANCELLATIONS =
      List.of(
          req("customer_id", LogicalType.ID),
          req("cancelled_at", LogicalType.TIMESTAMP),
          opt("kind", LogicalType.TEXT),
          opt("reason", LogicalType.TEXT));

  public static final List<ColumnSpec> INTERACTIONS =
      List.of(
          opt("interaction_id", LogicalType.ID),
          req("customer_id", LogicalType.ID),
          opt("channel", LogicalType.TEXT),
          opt("category", LogicalType.TEXT),
          req("opened_at", LogicalType.TIMESTAMP),
          opt("first_response_at", LogicalType.TIMESTAMP),
          opt("closed_at", LogicalType.TIMESTAMP),
          opt("handle_seconds", LogicalType.SECONDS),
          opt("agent_id", LogicalType.ID),
          opt("resolved", LogicalType.FLAG),
          opt("csat", LogicalType.SCORE),
          opt("nps", LogicalType.SCORE),
          opt("surveyed_at", LogicalType.TIMESTAMP));

  public static final List<ColumnSpec> CUSTOMERS =
      List.of(
          req("customer_id", LogicalType.ID),
          opt("signup_at", LogicalType.TIMESTAMP),
          opt("segment", LogicalType.TEXT),
          opt("country", LogicalType.TEXT));

  public static List<ColumnSpec> columns(TableKind table) {
    return switch (table) {
      case TRANSACTIONS -> TRANSACTIONS;
      case CANCELLATIONS -> CANCELLATIONS;
      case INTERACTIONS -> INTERACTIONS;
      case CUSTOMERS -> CUSTOMERS;
    };
  }

  /** The column that identifies a row and must be unique, or null when the table has none. */
  public static String idColumn(TableKind table) {
    return switch (table) {
      case TRANSACTIONS -> "transaction_id";
      case INTERACTIONS -> "interaction_id";
      case CUSTOMERS -> "customer_id";
      case CANCELLATIONS -> null;
    };
  }

  /** The column whose local date places a row in time (used for the as-of cut-off). */
  public static String eventColumn(TableKind table) {
    return switch (table) {
      case TRANSACTIONS -> "occurred_at";
      case CANCELLATIONS -> "cancelled_at";
      case INTERACTIONS -> "opened_at";
      case CUSTOMERS -> "signup_at";
    };
  }
}
