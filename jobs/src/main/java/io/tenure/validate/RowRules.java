package io.tenure.validate;

import static org.apache.spark.sql.functions.abs;
import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.lower;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.regexp_replace;
import static org.apache.spark.sql.functions.translate;
import static org.apache.spark.sql.functions.trim;
import static org.apache.spark.sql.functions.upper;
import static org.apache.spark.sql.functions.when;

import io.tenure.config.InputContract;
import io.tenure.config.InputContract.ColumnSpec;
import io.tenure.config.InputContract.LogicalType;
import io.tenure.config.QualitySettings;
import io.tenure.config.TableKind;
import io.tenure.io.TypedInput;
import io.tenure.metrics.Periods;
import java.math.BigDecimal;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Normalisation and row rules, per table, as docs/data-quality.md lists them. The first rule that
 * fails names the reason.
 */
final class RowRules {
  private final TableKind table;
  private final Map<String, Column> present;
  private final QualitySettings quality;
  private final Validation.Currencies currencies;
  private final LocalDate today;
  private final ZoneId zone;
  private final List<String> textColumns;
  private final Set<String> lossless;

  RowRules(
      TableKind table,
      Map<String, Column> present,
      QualitySettings quality,
      Validation.Currencies currencies,
      LocalDate today,
      ZoneId zone,
      List<String> textColumns,
      Set<String> lossless) {
    this.lossless = lossless;
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

  /** Lower case, with runs of spaces and hyphens as one underscore (QualitySettings#enumValue). */
  static Column enumValue(Column c) {
    // Most values are already normal: a byte search per separator finds the rare ones, and only
    // those are mapped (whitespace that \s matches to spaces, then runs to one underscore). On
    // every row the regular expression cost more than all the other casts and rules of a
    // transaction together, and the character mapping alone (it builds a Java string) as much as
    // writing the column (docs/benchmarks.md).
    Column lowered = lower(c);
    Column separated = lit(false);
    for (String separator : List.of(" ", "-", "\t", "\n", "\u000B", "\f", "\r")) {
      separated = separated.or(lowered.contains(separator));
    }
    Column spaced = translate(lowered, "\t\n\u000B\f\r", "     ");
    return when(separated, regexp_replace(spaced, "[ -]+", "_")).otherwise(lowered);
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
                  amount.multiply(lit(rate.getValue())).cast(InputContract.AMOUNT_TYPE))
              .otherwise(out);
    }
    return out;
  }

  Column reason() {
    List<Column[]> rules = new ArrayList<>();
    if (textColumns.contains(TypedInput.CORRUPT_RECORD)) {
      rules.add(
          rule(
              col(TypedInput.RAW).getField(TypedInput.CORRUPT_RECORD).isNotNull(),
              "malformed_record"));
    }
    if (!textColumns.isEmpty()) {
      // Bytes that are not valid in the configured encoding read as U+FFFD; two different ids
      // would collapse into one, so the row is not used.
      Column replaced = lit(false);
      for (String c : textColumns) {
        replaced =
            replaced.or(coalesce(col(TypedInput.RAW).getField(c).contains("\uFFFD"), lit(false)));
      }
      rules.add(rule(replaced, "undecodable_text"));
    }
    // A value given in the source that does not convert to its type (an id of 292.5, a score
    // of "five" or 4.7, a flag of "maybe") is a broken row, never silently null.
    // A column whose source type always converts needs no rule (ColumnTypes#alwaysConverts).
    for (ColumnSpec spec : InputContract.columns(table)) {
      boolean mayFail = has(spec.name()) && !lossless.contains(spec.name());
      if (mayFail
          && (spec.type() == LogicalType.ID
              || spec.type() != LogicalType.TEXT && !spec.required())) {
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
                "unknown_kind"));
        rules.add(
            rule(
                col("kind").equalTo("purchase").and(col("amount").lt(0)),
                "negative_purchase_amount"));
        currencyRules(rules);
      }
      case CANCELLATIONS -> {
        rules.add(rule(col(event).isNull(), unparseableOrMissing(event)));
        rules.add(
            rule(not(col("kind").isin("voluntary", "involuntary", "unspecified")), "unknown_kind"));
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
    rules.add(rule(col(ValidatedInput.EVENT_DATE).gt(tomorrow()), "in_the_future"));
    if (quality.earliestDate().isPresent()) {
      Column first = Periods.date(quality.earliestDate().get());
      rules.add(rule(col(ValidatedInput.EVENT_DATE).lt(first), "before_earliest_date"));
    }
    Column reason = lit(null).cast("string");
    for (int i = rules.size() - 1; i >= 0; i--) {
      reason = when(rules.get(i)[0], rules.get(i)[1]).otherwise(reason);
    }
    return reason;
  }

  /**
   * With a reporting currency: a row in another currency needs a rate, and a row without a currency
   * is ambiguous when the table mixes currencies. Without one, the table holds at most one currency
   * (checked when it is read) and every row is in it.
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
    return col(name).isNull().and(source.isNotNull()).and(trim(source.cast("string")).notEqual(""));
  }

  private Column tomorrow() {
    return Periods.date(today.plusDays(1));
  }

  /**
   * A time whose local date is after tomorrow, the slack {@code in_the_future} allows (a typo or a
   * clock error). Compared as instants: a local date per row and column cost a zone conversion
   * each.
   */
  private Column afterToday(String name) {
    Column dayAfterTomorrow = Periods.startOfDay(Periods.date(today.plusDays(2)), zone);
    return has(name) ? col(name).geq(dayAfterTomorrow) : lit(false);
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
