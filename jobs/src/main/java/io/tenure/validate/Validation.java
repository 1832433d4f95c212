package io.tenure.validate;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.upper;
import static org.apache.spark.sql.functions.when;

import io.tenure.config.InputContract;
import io.tenure.config.InputContract.LogicalType;
import io.tenure.config.InputSettings;
import io.tenure.config.TableKind;
import io.tenure.config.TenureSettings;
import io.tenure.errors.Errors;
import io.tenure.io.InputReader;
import io.tenure.io.TypedInput;
import io.tenure.metrics.Periods;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Judges every row of one input read by {@link InputReader}: normalises enum-like values, applies
 * the table's row rules ({@link RowRules}), leaves out the rows the configuration excludes (the row
 * filter, placeholder customer ids), and quarantines repeated ids ({@link DuplicateIds}). Rows are
 * flagged, never dropped: {@link ValidatedInput} splits them into clean and quarantined rows. The
 * rules across tables run afterwards ({@link CrossTableRules}).
 */
public final class Validation {
  /** The reason of a row the configured filter leaves out. */
  static final String EXCLUDED_BY_FILTER = ValidatedInput.EXCLUDED + "filter";

  /** The reason of a non-interaction row whose customer id is a configured placeholder. */
  static final String EXCLUDED_PLACEHOLDER = ValidatedInput.EXCLUDED + "placeholder_customer_id";

  private static final String PLACEHOLDER = "_placeholder_id";

  private final TenureSettings settings;

  public Validation(TenureSettings settings) {
    this.settings = settings;
  }

  /** Reads one configured input and validates it. */
  public static ValidatedInput read(SparkSession spark, TenureSettings settings, InputSettings in) {
    return new Validation(settings).validate(new InputReader(spark, settings).read(in));
  }

  /** Flags every row of {@code input} that cannot be used, with its reason. */
  public ValidatedInput validate(TypedInput input) {
    ValidatedInput own = validateOwn(input, Set.of());
    // Last: the row kept for a duplicated id must be one that passed every other rule.
    String idColumn = InputContract.idColumn(input.settings().table());
    if (idColumn != null && input.present().containsKey(idColumn)) {
      return own.withRows(
          DuplicateIds.mark(
              own.flagged(), idColumn, InputContract.eventColumn(input.settings().table())));
    }
    return own;
  }

  /**
   * Flags the rows of {@code input} that break a rule of their own (every rule but the repeated ids
   * and the rules across tables, which need other rows).
   *
   * @param knownCurrencies currencies of rows judged earlier (an incremental run's state): whether
   *     currencies are mixed is decided over them and this input's together
   */
  public ValidatedInput validateOwn(TypedInput input, Set<String> knownCurrencies) {
    InputSettings in = input.settings();
    Dataset<Row> cast = input.rows();
    Map<String, Column> present = input.present();

    checkAllowedValues(in.table());
    Currencies currencies = currencies(cast, in, present, knownCurrencies);
    String eventColumn = InputContract.eventColumn(in.table());
    RowRules rules =
        new RowRules(
            in.table(),
            present,
            settings.quality(),
            currencies,
            LocalDate.now(settings.zone()),
            settings.zone(),
            input.textColumns(),
            input.lossless());
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
            .withColumn(
                ValidatedInput.EVENT_DATE, Periods.localDate(col(eventColumn), settings.zone()))
            .withColumn(
                ValidatedInput.REASON,
                when(not(col(TypedInput.PASSES_FILTER)), lit(EXCLUDED_BY_FILTER))
                    .when(col(PLACEHOLDER).and(lit(!contacts)), lit(EXCLUDED_PLACEHOLDER))
                    .otherwise(rules.reason()))
            // An interaction under a placeholder id is an anonymous contact: it has no customer.
            .withColumn(
                "customer_id",
                when(col(PLACEHOLDER), lit(null).cast("string")).otherwise(col("customer_id")))
            .drop(TypedInput.PASSES_FILTER, PLACEHOLDER);
    return new ValidatedInput(in, flagged, input.canonical());
  }

  /**
   * The distinct currency codes of typed transactions (at most {@link Currencies#SHOWN} + 1), for
   * the state an incremental run keeps.
   */
  public static List<String> currenciesIn(Dataset<Row> typed) {
    if (!java.util.Arrays.asList(typed.columns()).contains("currency")) {
      return List.of();
    }
    return typed
        .select(upper(col("currency")).as("c"))
        .where(col("c").isNotNull())
        .distinct()
        .limit(Currencies.SHOWN + 1)
        .as(Encoders.STRING())
        .collectAsList();
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
  private Currencies currencies(
      Dataset<Row> cast, InputSettings in, Map<String, Column> present, Set<String> known) {
    if (in.table() != TableKind.TRANSACTIONS || !present.containsKey("currency")) {
      return Currencies.NONE;
    }
    java.util.TreeSet<String> found = new java.util.TreeSet<>(currenciesIn(cast));
    found.addAll(known);
    Currencies c = new Currencies(List.copyOf(found));
    if (c.mixed() && settings.quality().currency().isEmpty()) {
      throw Errors.mixedCurrencies(in.table().key(), in.columnKey("currency"), c.describe());
    }
    return c;
  }

  /** The distinct currency codes of a table (at most {@code SHOWN} + 1 of them). */
  public record Currencies(List<String> codes) {
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
}
