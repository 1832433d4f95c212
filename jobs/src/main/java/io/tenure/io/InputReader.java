package io.tenure.io;

import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.input_file_name;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.to_utc_timestamp;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.when;

import io.tenure.config.InputSettings;
import io.tenure.config.TableKind;
import io.tenure.config.TenureSettings;
import io.tenure.errors.Errors;
import io.tenure.io.InputContract.ColumnSpec;
import io.tenure.io.InputContract.LogicalType;
import io.tenure.metrics.Periods;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.expressions.WindowSpec;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DateType;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.FloatType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.TimestampNTZType;
import org.apache.spark.sql.types.TimestampType;

/**
 * Reads one input table, maps its columns to the canonical names, checks their types (a missing
 * required column or an unusable type stops the run with exit 3), casts them, and flags every row
 * that cannot be used with a reason code. Nothing is dropped here: {@link ValidatedInput} splits
 * the flagged rows into clean rows and quarantined rows.
 */
public final class InputReader {
  /** Amounts are read as this decimal type. */
  public static final DecimalType AMOUNT_TYPE = DataTypes.createDecimalType(20, 4);

  static final String REASON = "_reason";
  static final String RAW = "_raw";
  static final String SOURCE_FILE = "_source_file";
  static final String EVENT_DATE = "_event_date";

  /** An ISO-8601 string that carries its own offset (Z, +hh:mm, +hhmm, +hh). */
  private static final String OFFSET_SUFFIX = "(?i)(z|[+-]\\d\\d(:?\\d\\d)?)$";

  private final SparkSession spark;
  private final TenureSettings settings;

  public InputReader(SparkSession spark, TenureSettings settings) {
    this.spark = spark;
    this.settings = settings;
  }

  /** Reads and validates one configured input. */
  public ValidatedInput read(InputSettings in) {
    Dataset<Row> loaded = load(in);
    List<String> rawColumns = Arrays.asList(loaded.columns());
    Dataset<Row> raw = derive(loaded, in);
    boolean textSource = in.format().equals("csv");

    Map<String, Column> typed = new LinkedHashMap<>();
    Map<String, Column> present = new LinkedHashMap<>();
    for (ColumnSpec spec : InputContract.columns(in.table())) {
      Optional<StructField> field = find(raw, in.sourceColumn(spec.name()));
      if (field.isEmpty()) {
        if (spec.required() || in.isMapped(spec.name())) {
          throw Errors.missingColumn(
              in.table().key(),
              spec.name(),
              in.sourceColumn(spec.name()),
              in.columnKey(spec.name()),
              String.join(", ", rawColumns));
        }
        typed.put(spec.name(), lit(null).cast(targetType(spec.type())));
        continue;
      }
      StructField f = field.get();
      if (!accepts(spec.type(), f.dataType(), textSource)) {
        throw Errors.wrongType(
            in.table().key(),
            spec.name(),
            f.name(),
            in.columnKey(spec.name()),
            spec.type().accepted(),
            f.dataType().simpleString());
      }
      Column source = raw.col("`" + f.name() + "`");
      present.put(spec.name(), col(RAW).getField(f.name()));
      typed.put(spec.name(), convert(source, f.dataType(), spec.type()));
    }

    List<Column> projection = new ArrayList<>();
    typed.forEach((name, c) -> projection.add(c.as(name)));
    // Derived columns (expressions) are kept in the raw row so that a quarantined row shows them.
    projection.add(
        struct(Arrays.stream(raw.columns()).map(c -> raw.col("`" + c + "`")).toArray(Column[]::new))
            .as(RAW));
    projection.add(input_file_name().as(SOURCE_FILE));
    Dataset<Row> cast = raw.select(projection.toArray(Column[]::new));

    RowRules rules = new RowRules(in.table(), present);
    Dataset<Row> flagged = rules.normalise(cast).withColumn(REASON, rules.reason());
    String eventColumn = InputContract.eventColumn(in.table());
    flagged = flagged.withColumn(EVENT_DATE, Periods.localDate(col(eventColumn), settings.zone()));
    if (settings.earliestDate().isPresent()) {
      Column early = col(EVENT_DATE).lt(lit(java.sql.Date.valueOf(settings.earliestDate().get())));
      flagged =
          flagged.withColumn(
              REASON,
              when(col(REASON).isNull().and(early), lit("before_earliest_date"))
                  .otherwise(col(REASON)));
    }
    // Last: the row kept for a duplicated id must be one that passed every other rule.
    String idColumn = InputContract.idColumn(in.table());
    if (idColumn != null && present.containsKey(idColumn)) {
      flagged = markDuplicates(flagged, idColumn, eventColumn);
    }
    List<String> canonical = new ArrayList<>(typed.keySet());
    return new ValidatedInput(in, flagged, canonical);
  }

  /**
   * Keeps one row per id and quarantines the others as {@code duplicate_<id>}. The row kept is a
   * usable one if there is any, then the earliest, then the smallest by content, so that the choice
   * does not depend on file order.
   */
  private static Dataset<Row> markDuplicates(Dataset<Row> df, String id, String eventColumn) {
    WindowSpec sameId =
        Window.partitionBy(col(id))
            .orderBy(
                col(REASON).asc_nulls_first(),
                col(eventColumn).asc_nulls_last(),
                to_json(col(RAW)));
    Column duplicate =
        col(REASON).isNull().and(col(id).isNotNull()).and(row_number().over(sameId).gt(1));
    return df.withColumn(REASON, when(duplicate, lit("duplicate_" + id)).otherwise(col(REASON)));
  }

  /** Adds the columns that {@code inputs.<table>.expressions} computes from source columns. */
  private static Dataset<Row> derive(Dataset<Row> source, InputSettings in) {
    Dataset<Row> out = source;
    for (Map.Entry<String, String> e : in.expressions().entrySet()) {
      try {
        out = out.withColumn(InputSettings.derivedColumn(e.getKey()), expr(e.getValue()));
        out.schema();
      } catch (Exception ex) {
        throw Errors.badExpression(
            in.columnKey(e.getKey()), e.getValue(), String.join(", ", source.columns()), ex);
      }
    }
    return out;
  }

  private Dataset<Row> load(InputSettings in) {
    Map<String, String> options = new LinkedHashMap<>();
    if (in.format().equals("csv")) {
      options.put("header", "true");
    }
    options.putAll(in.options());
    try {
      Dataset<Row> df = spark.read().format(in.format()).options(options).load(in.path());
      df.schema(); // forces file listing and schema inference now, inside this try
      return df;
    } catch (Exception e) {
      throw Errors.unreadableInput(in.table().key(), in.path(), in.table().configPath(), e);
    }
  }

  private static Optional<StructField> find(Dataset<Row> raw, String name) {
    StructField[] fields = raw.schema().fields();
    for (StructField f : fields) {
      if (f.name().equals(name)) {
        return Optional.of(f);
      }
    }
    return Arrays.stream(fields).filter(f -> f.name().equalsIgnoreCase(name)).findFirst();
  }

  static DataType targetType(LogicalType type) {
    return switch (type) {
      case ID, TEXT -> DataTypes.StringType;
      case TIMESTAMP -> DataTypes.TimestampType;
      case AMOUNT -> AMOUNT_TYPE;
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

  private Column convert(Column c, DataType found, LogicalType type) {
    return switch (type) {
      case ID -> {
        boolean fractional =
            found instanceof DoubleType
                || found instanceof FloatType
                || found instanceof DecimalType;
        // A whole-number id stored as double must read the same as one stored as long.
        Column id = fractional ? c.cast("long").cast("string") : c.cast("string");
        yield when(trim(id).equalTo(""), lit(null).cast("string")).otherwise(trim(id));
      }
      case TEXT -> {
        Column s = trim(c.cast("string"));
        yield when(s.equalTo(""), lit(null).cast("string")).otherwise(s);
      }
      case TIMESTAMP -> toInstant(c, found);
      case AMOUNT -> c.cast(AMOUNT_TYPE);
      case SECONDS -> c.cast("double");
      case SCORE -> c.cast("double").cast("int");
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
    String naive = settings.naiveInputZone().getId();
    if (found instanceof TimestampType) {
      return c;
    }
    if (found instanceof TimestampNTZType) {
      return to_utc_timestamp(c.cast("timestamp"), naive);
    }
    if (found instanceof DateType) {
      return to_utc_timestamp(c.cast("timestamp"), settings.zone().getId());
    }
    Column s = trim(c.cast("string"));
    return when(s.rlike(OFFSET_SUFFIX), s.cast("timestamp"))
        .otherwise(to_utc_timestamp(s.cast("timestamp"), naive));
  }

  /** Normalisation and row rules, per table. The first rule that fails names the reason. */
  static final class RowRules {
    private final TableKind table;
    private final Map<String, Column> present;

    RowRules(TableKind table, Map<String, Column> present) {
      this.table = table;
      this.present = present;
    }

    private boolean has(String name) {
      return present.containsKey(name);
    }

    Dataset<Row> normalise(Dataset<Row> df) {
      return switch (table) {
        case TRANSACTIONS -> {
          Column kind = lower(col("kind"));
          Column derived =
              has("kind") ? kind : when(col("amount").lt(0), "refund").otherwise("purchase");
          // A refund may be recorded with either sign; Tenure keeps magnitudes and the kind.
          Column amount =
              when(derived.equalTo("refund"), abs(col("amount"))).otherwise(col("amount"));
          yield df.withColumn("kind", derived)
              .withColumn("amount", amount)
              .withColumn("channel", coalesce(lower(col("channel")), lit("unknown")));
        }
        case CANCELLATIONS ->
            df.withColumn("kind", coalesce(lower(col("kind")), lit("unspecified")))
                .withColumn("reason", coalesce(col("reason"), lit("unknown")));
        case INTERACTIONS ->
            df.withColumn("channel", coalesce(lower(col("channel")), lit("unknown")))
                .withColumn("category", coalesce(lower(col("category")), lit("unknown")));
        case CUSTOMERS -> df;
      };
    }

    Column reason() {
      List<Column[]> rules = new ArrayList<>();
      rules.add(rule(col("customer_id").isNull(), "missing_customer_id"));
      switch (table) {
        case TRANSACTIONS -> {
          timestampRules(rules, "occurred_at", true);
          rules.add(rule(col("amount").isNull(), unparseableOrMissing("amount")));
          rules.add(
              rule(
                  col("kind").isNull().or(not(col("kind").isin("purchase", "refund"))),
                  has("kind") ? "unknown_kind" : "missing_kind"));
          rules.add(
              rule(
                  col("kind").equalTo("purchase").and(col("amount").lt(0)),
                  "negative_purchase_amount"));
        }
        case CANCELLATIONS -> {
          timestampRules(rules, "cancelled_at", true);
          rules.add(
              rule(
                  not(col("kind").isin("voluntary", "involuntary", "unspecified")),
                  "unknown_kind"));
        }
        case INTERACTIONS -> {
          timestampRules(rules, "opened_at", true);
          timestampRules(rules, "first_response_at", false);
          timestampRules(rules, "closed_at", false);
          rules.add(rule(col("closed_at").lt(col("opened_at")), "closed_before_opened"));
          rules.add(rule(col("first_response_at").lt(col("opened_at")), "response_before_opened"));
          rules.add(rule(col("handle_seconds").lt(0), "negative_handle_seconds"));
          rules.add(
              rule(
                  has("handle_seconds")
                      ? col("handle_seconds")
                          .isNull()
                          .and(present.get("handle_seconds").isNotNull())
                      : lit(false),
                  "unparseable_handle_seconds"));
          rules.add(rule(not(col("csat").between(1, 5)), "csat_out_of_range"));
          rules.add(rule(not(col("nps").between(0, 10)), "nps_out_of_range"));
        }
        case CUSTOMERS -> timestampRules(rules, "signup_at", false);
      }
      Column reason = lit(null).cast("string");
      for (int i = rules.size() - 1; i >= 0; i--) {
        reason = when(rules.get(i)[0], rules.get(i)[1]).otherwise(reason);
      }
      return reason;
    }

    private void timestampRules(List<Column[]> rules, String name, boolean required) {
      if (required) {
        rules.add(rule(col(name).isNull(), unparseableOrMissing(name)));
      } else if (has(name)) {
        rules.add(
            rule(col(name).isNull().and(present.get(name).isNotNull()), "unparseable_" + name));
      }
    }

    /** "missing_x" when the source value is null, "unparseable_x" when it did not cast. */
    private Column unparseableOrMissing(String name) {
      Column source = present.get(name);
      return source == null
          ? lit("missing_" + name)
          : when(source.isNull(), lit("missing_" + name)).otherwise(lit("unparseable_" + name));
    }

    private static Column not(Column c) {
      return org.apache.spark.sql.functions.not(c);
    }

    private static Column[] rule(Column failed, String reason) {
      return rule(failed, lit(reason));
    }

    private static Column[] rule(Column failed, Column reason) {
      return new Column[] {coalesce(failed, lit(false)), reason};
    }
  }
}
