package io.tenure.io;

import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.input_file_name;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.regexp_replace;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.to_utc_timestamp;
import static org.apache.spark.sql.functions.translate;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.upper;
import static org.apache.spark.sql.functions.when;

import io.tenure.config.InputSettings;
import io.tenure.config.QualitySettings;
import io.tenure.config.TableKind;
import io.tenure.config.TenureSettings;
import io.tenure.errors.Errors;
import io.tenure.io.InputContract.ColumnSpec;
import io.tenure.io.InputContract.LogicalType;
import io.tenure.metrics.Periods;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.Path;
import org.apache.parquet.schema.MessageType;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads one input table, maps its columns to the canonical names, checks their types (a missing
 * required column or an unusable type stops the run with exit 3), casts them, and flags every row
 * that cannot be used with a reason code. Nothing is dropped here: {@link ValidatedInput} splits
 * the flagged rows into clean rows and quarantined rows.
 */
public final class InputReader {
  /**
   * Amounts are read as this decimal type. Precision 18 keeps a value in one long inside Spark, and
   * in {@link io.tenure.metrics.Outputs#units units} of 1/10,000 it still fits a long.
   */
  public static final DecimalType AMOUNT_TYPE = DataTypes.createDecimalType(18, 4);

  static final String REASON = "_reason";
  static final String RAW = "_raw";
  static final String SOURCE_FILE = "_source_file";
  static final String EVENT_DATE = "_event_date";

  /**
   * Reasons that start with this leave a row out by the user's choice (the row filter, a
   * placeholder customer id): neither used nor quarantined, counted apart in the manifest.
   */
  static final String EXCLUDED = "excluded:";

  /** The reason of a row the configured filter leaves out. */
  static final String EXCLUDED_BY_FILTER = EXCLUDED + "filter";

  private static final String PASSES_FILTER = "_passes_filter";

  /** The reason of a non-interaction row whose customer id is a configured placeholder. */
  static final String EXCLUDED_PLACEHOLDER = EXCLUDED + "placeholder_customer_id";

  private static final String PLACEHOLDER = "_placeholder_id";

  /** 2^53: above it a double no longer holds every integer, so ids would merge. */
  private static final double MAX_EXACT_DOUBLE = 9_007_199_254_740_992.0;

  /** An ISO-8601 string that carries its own offset (Z, +hh:mm, +hhmm, +hh). */
  private static final String OFFSET_SUFFIX = "(?i)(z|[+-]\\d\\d(:?\\d\\d)?)$";

  /** A time followed by a zone name or id: "10:00:00 CET", "10:00 Europe/Berlin". */
  private static final String ZONE_SUFFIX = "\\d[ ]*[A-Za-z][A-Za-z_]*(/[A-Za-z_+-]+)*$";

  /** Spark's corrupt-record column of a CSV input: the whole line of a malformed record. */
  static final String CORRUPT_RECORD = "_corrupt_record";

  /** A date without a time: yyyy-MM-dd. */
  private static final String DATE_ONLY = "^\\d{4}-\\d{2}-\\d{2}$";

  private static final Logger LOG = LoggerFactory.getLogger("io.tenure");

  private final SparkSession spark;
  private final TenureSettings settings;

  public InputReader(SparkSession spark, TenureSettings settings) {
    this.spark = spark;
    this.settings = settings;
  }

  /** Reads and validates one configured input. */
  public ValidatedInput read(InputSettings in) {
    Dataset<Row> loaded = load(in);
    List<String> rawColumns = sourceColumns(loaded);
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
              String.join(", ", rawColumns),
              textSource);
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
      Column source = raw.col(quoted(f.name()));
      present.put(spec.name(), col(RAW).getField(f.name()));
      typed.put(spec.name(), convert(source, f.dataType(), spec.type()));
    }

    List<Column> projection = new ArrayList<>();
    typed.forEach((name, c) -> projection.add(c.as(name)));
    // Derived columns (expressions) are kept in the raw row so that a quarantined row shows them.
    projection.add(
        struct(Arrays.stream(raw.columns()).map(c -> raw.col(quoted(c))).toArray(Column[]::new))
            .as(RAW));
    projection.add(input_file_name().as(SOURCE_FILE));
    projection.add(rowFilter(raw, in, rawColumns).as(PASSES_FILTER));
    Dataset<Row> cast = raw.select(projection.toArray(Column[]::new));

    checkAllowedValues(in.table());
    Currencies currencies = currencies(cast, in, present);
    String eventColumn = InputContract.eventColumn(in.table());
    RowRules rules =
        new RowRules(
            in.table(),
            present,
            settings.quality(),
            currencies,
            LocalDate.now(settings.zone()),
            settings.zone(),
            textSource ? textColumns(raw) : List.of());
    Set<String> placeholders = settings.quality().placeholderCustomerIds();
    Column placeholder =
        placeholders.isEmpty()
            ? lit(false)
            : coalesce(col("customer_id").isin(placeholders.toArray()), lit(false));
    boolean contacts = in.table() == TableKind.INTERACTIONS;
    Dataset<Row> flagged =
        rules
            .normalise(cast)
            .withColumn(PLACEHOLDER, placeholder)
            .withColumn(EVENT_DATE, Periods.localDate(col(eventColumn), settings.zone()))
            .withColumn(
                REASON,
                when(not(col(PASSES_FILTER)), lit(EXCLUDED_BY_FILTER))
                    .when(col(PLACEHOLDER).and(lit(!contacts)), lit(EXCLUDED_PLACEHOLDER))
                    .otherwise(rules.reason()))
            // An interaction under a placeholder id is an anonymous contact: it has no customer.
            .withColumn(
                "customer_id",
                when(col(PLACEHOLDER), lit(null).cast("string")).otherwise(col("customer_id")))
            .drop(PASSES_FILTER, PLACEHOLDER);
    // Last: the row kept for a duplicated id must be one that passed every other rule.
    String idColumn = InputContract.idColumn(in.table());
    if (idColumn != null && present.containsKey(idColumn)) {
      flagged = DuplicateIds.mark(flagged, idColumn, eventColumn);
    }
    List<String> canonical = new ArrayList<>(typed.keySet());
    return new ValidatedInput(in, flagged, canonical);
  }

  /** An allowed-values entry must name an enum-like text column of its table. */
  private void checkAllowedValues(TableKind table) {
    for (String key : settings.quality().allowedValues().keySet()) {
      String column = key.substring(key.indexOf('.') + 1);
      boolean text =
          InputContract.columns(table).stream()
              .anyMatch(c -> c.name().equals(column) && c.type() == LogicalType.TEXT);
      if (key.startsWith(table.key() + ".") && !text) {
        throw Errors.configKey(
            "tenure.quality.allowed-values." + key,
            "'" + column + "' is not a text column of " + table.key() + " (see docs/inputs.md)");
      }
    }
  }

  /**
   * The currencies of a transactions table, read with one small distinct query because the rule for
   * rows without a currency depends on whether currencies are mixed.
   */
  private Currencies currencies(Dataset<Row> cast, InputSettings in, Map<String, Column> present) {
    if (in.table() != TableKind.TRANSACTIONS || !present.containsKey("currency")) {
      return Currencies.NONE;
    }
    List<String> found =
        cast.select(upper(col("currency")).as("c"))
            .where(col("c").isNotNull())
            .distinct()
            .limit(Currencies.SHOWN + 1)
            .as(Encoders.STRING())
            .collectAsList();
    Currencies c = new Currencies(found.stream().sorted().toList());
    if (c.mixed() && settings.quality().currency().isEmpty()) {
      throw Errors.mixedCurrencies(in.table().key(), in.columnKey("currency"), c.describe());
    }
    return c;
  }

  /** The distinct currency codes of a table (at most {@link #SHOWN} + 1 of them). */
  record Currencies(List<String> codes) {
    static final int SHOWN = 20;
    static final Currencies NONE = new Currencies(List.of());

    boolean mixed() {
      return codes.size() > 1;
    }

    String describe() {
      return codes.size() > SHOWN
          ? String.join(", ", codes.subList(0, SHOWN)) + ", ..."
          : String.join(", ", codes);
    }
  }

  /**
   * A symbolic link under a local input path whose target is gone: Spark would skip that file
   * without a word, and its rows would be missing from every table.
   */
  private static Optional<String> danglingLink(InputSettings in) {
    java.nio.file.Path root;
    try {
      java.net.URI uri = new java.net.URI(in.path());
      if (uri.getScheme() != null && !uri.getScheme().equals("file")) {
        return Optional.empty();
      }
      root =
          uri.getScheme() == null ? java.nio.file.Path.of(in.path()) : java.nio.file.Path.of(uri);
    } catch (java.net.URISyntaxException | IllegalArgumentException e) {
      return Optional.empty(); // a glob or an unusual path: Spark reports it
    }
    if (!java.nio.file.Files.isDirectory(root)) {
      return java.nio.file.Files.isSymbolicLink(root) && !java.nio.file.Files.exists(root)
          ? Optional.of(root.toString())
          : Optional.empty();
    }
    try (java.util.stream.Stream<java.nio.file.Path> files = java.nio.file.Files.walk(root)) {
      return files
          .filter(f -> java.nio.file.Files.isSymbolicLink(f) && !java.nio.file.Files.exists(f))
          .map(f -> f.toString())
          .findFirst();
    } catch (java.io.IOException | java.io.UncheckedIOException e) {
      return Optional.empty();
    }
  }

  /** The columns of the source itself, without Spark's corrupt-record column. */
  private static List<String> sourceColumns(Dataset<Row> df) {
    return Arrays.stream(df.columns()).filter(c -> !c.equals(CORRUPT_RECORD)).toList();
  }

  /** The string columns of a text source (CSV), as read. */
  private static List<String> textColumns(Dataset<Row> raw) {
    List<String> out = new ArrayList<>();
    for (StructField f : raw.schema().fields()) {
      if (f.dataType() instanceof StringType) {
        out.add(f.name());
      }
    }
    return out;
  }

  /** An empty table with the canonical columns of {@code table}, for an input not configured. */
  public static Dataset<Row> emptyCanonical(SparkSession spark, TableKind table) {
    List<StructField> fields = new ArrayList<>();
    for (ColumnSpec spec : InputContract.columns(table)) {
      fields.add(DataTypes.createStructField(spec.name(), targetType(spec.type()), true));
    }
    return spark.createDataFrame(List.of(), DataTypes.createStructType(fields));
  }

  /** A column name as Spark parses it: in backticks, a backtick inside doubled. */
  static String quoted(String name) {
    return "`" + name.replace("`", "``") + "`";
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
            in.columnKey(e.getKey()), e.getValue(), String.join(", ", sourceColumns(source)), ex);
      }
    }
    return out;
  }

  /**
   * Whether a row passes {@code inputs.<table>.filter} (a condition that is null counts as false,
   * as in SQL's WHERE); every row passes without a filter.
   */
  private static Column rowFilter(Dataset<Row> raw, InputSettings in, List<String> rawColumns) {
    if (in.filter().isEmpty()) {
      return lit(true);
    }
    String condition = in.filter().get();
    DataType type;
    try {
      type = raw.select(expr(condition)).schema().fields()[0].dataType();
    } catch (Exception e) {
      throw Errors.badExpression(in.filterKey(), condition, String.join(", ", rawColumns), e);
    }
    if (!(type instanceof BooleanType)) {
      throw Errors.configKey(
          in.filterKey(),
          "the filter \""
              + condition
              + "\" is a "
              + type.simpleString()
              + ", not a condition; write one that is true for the rows to use, e.g."
              + " \"`Customer ID` IS NOT NULL\"");
    }
    return coalesce(expr(condition), lit(false));
  }

  private Dataset<Row> load(InputSettings in) {
    Map<String, String> options = new LinkedHashMap<>();
    boolean csv = in.format().equals("csv");
    if (csv) {
      options.put("header", "true");
      // A quoted field may hold a newline; read line by line, it would split one record into
      // two (and invent a customer). Malformed records are kept whole, to be quarantined.
      options.put("multiLine", "true");
      options.put("mode", "PERMISSIVE");
    }
    if (in.format().equals("parquet")) {
      // Files from other writers (pandas, DuckDB, Hive) use the proleptic Gregorian calendar; a
      // 0001-01-01 placeholder then reads as written and is quarantined by the earliest-date
      // rule, instead of failing the run with READ_ANCIENT_DATETIME.
      options.put("datetimeRebaseMode", "CORRECTED");
      options.put("int96RebaseMode", "CORRECTED");
    }
    options.putAll(in.options());
    Configuration conf = spark.sparkContext().hadoopConfiguration();
    danglingLink(in)
        .ifPresent(
            link -> {
              throw Errors.danglingLink(in.table().key(), in.table().configPath(), link);
            });
    boolean parquet = in.format().equals("parquet");
    // Footers first: a corrupt file is named before Spark's own schema inference trips on it.
    Map<String, MessageType> footers = parquet ? ParquetFooters.read(in, conf) : Map.of();
    Dataset<Row> df;
    try {
      df = spark.read().format(in.format()).options(options).load(in.path());
      df.schema(); // forces file listing and schema inference now, inside this try
      if (csv && df.columns().length > 0) {
        // Spark fills its corrupt-record column only when the schema names it.
        df =
            spark
                .read()
                .format("csv")
                .options(options)
                .option("columnNameOfCorruptRecord", CORRUPT_RECORD)
                .schema(df.schema().add(CORRUPT_RECORD, DataTypes.StringType))
                .load(in.path());
      }
    } catch (Exception e) {
      return unreadable(in, conf, e);
    }
    if (parquet) {
      Map<String, Boolean> used = new LinkedHashMap<>();
      for (ColumnSpec spec : InputContract.columns(in.table())) {
        if (!in.expressions().containsKey(spec.name())) {
          used.put(in.sourceColumn(spec.name()), spec.required());
        }
      }
      ParquetFooters.checkDrift(in, footers, used);
    }
    return df;
  }

  /**
   * Explains why Spark could not open an input: a corrupt file is named, an existing but empty
   * directory is an empty table (valid for every input except transactions).
   */
  private Dataset<Row> unreadable(InputSettings in, Configuration conf, Exception e) {
    List<String> files;
    try {
      files = ParquetFooters.dataFiles(in.path(), conf);
    } catch (IOException | RuntimeException listing) {
      throw Errors.unreadableInput(in.table().key(), in.path(), in.table().configPath(), e);
    }
    boolean exists;
    try {
      exists = new Path(in.path()).getFileSystem(conf).exists(new Path(in.path()));
    } catch (IOException io) {
      exists = false;
    }
    if (exists && files.isEmpty()) {
      if (in.table().required()) {
        throw Errors.emptyInput(in.table().key(), in.path());
      }
      LOG.info("Input {} at {} has no files: read as an empty table", in.table().key(), in.path());
      List<StructField> fields = new ArrayList<>();
      for (ColumnSpec spec : InputContract.columns(in.table())) {
        fields.add(DataTypes.createStructField(spec.name(), targetType(spec.type()), true));
      }
      return spark.createDataFrame(List.of(), DataTypes.createStructType(fields));
    }
    throw Errors.unreadableInput(in.table().key(), in.path(), in.table().configPath(), e);
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
      case AMOUNT -> c.cast(AMOUNT_TYPE);
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
    // A string with its own offset or zone is an instant; a date alone is a day of the business
    // zone, as a DATE column is (and as CSV schema inference would read it); any other naive
    // string is wall-clock time in the naive-input zone.
    // (The date test comes first: "2024-08-01" ends like an offset, "-01".)
    return when(s.rlike(DATE_ONLY), to_utc_timestamp(s.cast("timestamp"), settings.zone().getId()))
        .when(s.rlike(OFFSET_SUFFIX).or(s.rlike(ZONE_SUFFIX)), s.cast("timestamp"))
        .otherwise(to_utc_timestamp(s.cast("timestamp"), naive));
  }

  /** Normalisation and row rules, per table. The first rule that fails names the reason. */
  static final class RowRules {
    private final TableKind table;
    private final Map<String, Column> present;
    private final QualitySettings quality;
    private final Currencies currencies;
    private final LocalDate today;
    private final ZoneId zone;
    private final List<String> textColumns;

    RowRules(
        TableKind table,
        Map<String, Column> present,
        QualitySettings quality,
        Currencies currencies,
        LocalDate today,
        ZoneId zone,
        List<String> textColumns) {
      this.today = today;
      this.zone = zone;
      this.textColumns = textColumns;
      this.table = table;
      this.present = present;
      this.quality = quality;
      this.currencies = currencies;
    }

    private boolean has(String name) {
      return present.containsKey(name);
    }

    /**
     * Lower case, with runs of spaces and hyphens as one underscore (QualitySettings#enumValue).
     */
    static Column enumValue(Column c) {
      // The whitespace that \s matches, mapped to spaces (a cheap character mapping), so that the
      // regular expression runs only on the rare values with a separator: on every row it cost
      // more than all the other casts and rules of a transaction together.
      Column spaced = translate(lower(c), "\t\n\u000B\f\r", "     ");
      Column separated = spaced.contains(" ").or(spaced.contains("-"));
      return when(separated, regexp_replace(spaced, "[ -]+", "_")).otherwise(spaced);
    }

    Dataset<Row> normalise(Dataset<Row> df) {
      return switch (table) {
        case TRANSACTIONS -> {
          Column kind = enumValue(col("kind"));
          Column derived =
              has("kind") ? kind : when(col("amount").lt(0), "refund").otherwise("purchase");
          // A refund may be recorded with either sign; Tenure keeps magnitudes and the kind.
          Column amount =
              when(derived.equalTo("refund"), abs(col("amount"))).otherwise(col("amount"));
          yield df.withColumn("kind", derived)
              .withColumn("currency", upper(col("currency")))
              .withColumn("amount", toReportingCurrency(amount))
              .withColumn("channel", coalesce(enumValue(col("channel")), lit("unknown")));
        }
        case CANCELLATIONS ->
            df.withColumn("kind", coalesce(enumValue(col("kind")), lit("unspecified")))
                .withColumn("reason", coalesce(col("reason"), lit("unknown")));
        case INTERACTIONS ->
            df.withColumn("channel", coalesce(enumValue(col("channel")), lit("unknown")))
                .withColumn("category", coalesce(enumValue(col("category")), lit("unknown")));
        case CUSTOMERS -> df;
      };
    }

    /** Converts with the configured fixed rates; unknown currencies are quarantined. */
    private Column toReportingCurrency(Column amount) {
      Column out = amount;
      for (Map.Entry<String, BigDecimal> rate : quality.rates().entrySet()) {
        out =
            when(
                    upper(col("currency")).equalTo(rate.getKey()),
                    amount.multiply(lit(rate.getValue())).cast(AMOUNT_TYPE))
                .otherwise(out);
      }
      return out;
    }

    Column reason() {
      List<Column[]> rules = new ArrayList<>();
      if (textColumns.contains(CORRUPT_RECORD)) {
        rules.add(rule(col(RAW).getField(CORRUPT_RECORD).isNotNull(), "malformed_record"));
      }
      if (!textColumns.isEmpty()) {
        // Bytes that are not valid in the configured encoding read as U+FFFD; two different ids
        // would collapse into one, so the row is not used.
        Column replaced = lit(false);
        for (String c : textColumns) {
          replaced = replaced.or(coalesce(col(RAW).getField(c).contains("\uFFFD"), lit(false)));
        }
        rules.add(rule(replaced, "undecodable_text"));
      }
      // A value given in the source that does not convert to its type (an id of 292.5, a score
      // of "five" or 4.7, a flag of "maybe") is a broken row, never silently null.
      for (ColumnSpec spec : InputContract.columns(table)) {
        if (spec.type() != LogicalType.TEXT && has(spec.name()) && !spec.required()) {
          rules.add(rule(unconverted(spec.name()), "unparseable_" + spec.name()));
        } else if (spec.type() == LogicalType.ID && has(spec.name())) {
          rules.add(rule(unconverted(spec.name()), "unparseable_" + spec.name()));
        }
      }
      rules.add(rule(col("customer_id").isNull(), "missing_customer_id"));
      String event = InputContract.eventColumn(table);
      switch (table) {
        case TRANSACTIONS -> {
          rules.add(rule(col(event).isNull(), unparseableOrMissing(event)));
          rules.add(rule(col("amount").isNull(), unparseableOrMissing("amount")));
          rules.add(
              rule(
                  col("kind").isNull().or(not(col("kind").isin("purchase", "refund"))),
                  has("kind") ? "unknown_kind" : "missing_kind"));
          rules.add(
              rule(
                  col("kind").equalTo("purchase").and(col("amount").lt(0)),
                  "negative_purchase_amount"));
          currencyRules(rules);
        }
        case CANCELLATIONS -> {
          rules.add(rule(col(event).isNull(), unparseableOrMissing(event)));
          rules.add(
              rule(
                  not(col("kind").isin("voluntary", "involuntary", "unspecified")),
                  "unknown_kind"));
        }
        case INTERACTIONS -> {
          rules.add(rule(col(event).isNull(), unparseableOrMissing(event)));
          rules.add(rule(col("closed_at").lt(col("opened_at")), "closed_before_opened"));
          rules.add(rule(col("first_response_at").lt(col("opened_at")), "response_before_opened"));
          rules.add(rule(col("handle_seconds").lt(0), "negative_handle_seconds"));
          // NaN sorts above every number in Spark, so this also catches NaN and Infinity.
          rules.add(
              rule(
                  col("handle_seconds").gt(quality.maxHandleSeconds()),
                  "implausible_handle_seconds"));
          for (String later : List.of("first_response_at", "closed_at", "surveyed_at")) {
            rules.add(rule(afterToday(later), later + "_in_the_future"));
          }
          rules.add(rule(not(col("csat").between(1, 5)), "csat_out_of_range"));
          rules.add(rule(not(col("nps").between(0, 10)), "nps_out_of_range"));
        }
        case CUSTOMERS -> {
          // signup_at is optional: the generic unparseable rule above covers it.
        }
      }
      for (ColumnSpec spec : InputContract.columns(table)) {
        List<String> allowed = quality.allowed(table, spec.name());
        if (has(spec.name()) && !allowed.isEmpty()) {
          // A missing value reads as "unknown", which is always accepted.
          List<Object> accepted = new ArrayList<>(allowed);
          accepted.add("unknown");
          Column value = col(spec.name());
          rules.add(
              rule(
                  value.isNotNull().and(not(value.isin(accepted.toArray()))),
                  "unknown_" + spec.name()));
        }
      }
      // A row dated after the day the run happens is a typo or a clock error; left in, it would
      // also move the default as-of date (the last event date) into the future.
      rules.add(rule(col(EVENT_DATE).gt(tomorrow()), "in_the_future"));
      if (quality.earliestDate().isPresent()) {
        Column first = lit(java.sql.Date.valueOf(quality.earliestDate().get()));
        rules.add(rule(col(EVENT_DATE).lt(first), "before_earliest_date"));
      }
      Column reason = lit(null).cast("string");
      for (int i = rules.size() - 1; i >= 0; i--) {
        reason = when(rules.get(i)[0], rules.get(i)[1]).otherwise(reason);
      }
      return reason;
    }

    /**
     * With a reporting currency: a row in another currency needs a rate, and a row without a
     * currency is ambiguous when the table mixes currencies. Without one, the table holds at most
     * one currency (checked when it is read) and every row is in it.
     */
    private void currencyRules(List<Column[]> rules) {
      if (!has("currency") || quality.currency().isEmpty()) {
        return;
      }
      List<String> known = new ArrayList<>(quality.rates().keySet());
      known.add(quality.currency().get());
      Column currency = col("currency");
      rules.add(rule(currency.isNull().and(lit(currencies.mixed())), "missing_currency"));
      rules.add(
          rule(currency.isNotNull().and(not(currency.isin(known.toArray()))), "unknown_currency"));
    }

    /** A canonical column that is null although its source holds a (non-blank) value. */
    private Column unconverted(String name) {
      Column source = present.get(name);
      return col(name)
          .isNull()
          .and(source.isNotNull())
          .and(trim(source.cast("string")).notEqual(""));
    }

    private Column tomorrow() {
      return lit(java.sql.Date.valueOf(today.plusDays(1)));
    }

    /** A time whose local date is after the day the run happens (a typo or a clock error). */
    private Column afterToday(String name) {
      return has(name) ? Periods.localDate(col(name), zone).gt(tomorrow()) : lit(false);
    }

    /** "missing_x" when the source value is null, "unparseable_x" when it did not cast. */
    private Column unparseableOrMissing(String name) {
      Column source = present.get(name);
      return source == null
          ? lit("missing_" + name)
          : when(source.isNull(), lit("missing_" + name)).otherwise(lit("unparseable_" + name));
    }

    private static Column[] rule(Column failed, String reason) {
      return rule(failed, lit(reason));
    }

    private static Column[] rule(Column failed, Column reason) {
      return new Column[] {coalesce(failed, lit(false)), reason};
    }
  }
}
