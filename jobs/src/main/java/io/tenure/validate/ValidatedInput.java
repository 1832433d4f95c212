package io.tenure.validate;

import static org.apache.spark.sql.functions.coalesce;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.not;
import static org.apache.spark.sql.functions.to_json;
import static org.apache.spark.sql.functions.when;

import io.tenure.config.InputSettings;
import io.tenure.config.TableKind;
import io.tenure.io.Pseudonymiser;
import io.tenure.io.TypedInput;
import io.tenure.io.WorkArea;
import io.tenure.metrics.Periods;
import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * One input table after reading: every source row, cast to canonical columns and flagged with the
 * reason it cannot be used (null when it can). Rows after the as-of date are neither used nor
 * quarantined: they belong to a later run.
 */
public final class ValidatedInput {
  /** Why a row cannot be used (a reason code), null when it can. */
  public static final String REASON = "_reason";

  /** The local date (business zone) of the row's event: which as-of dates see it. */
  public static final String EVENT_DATE = "_event_date";

  /**
   * Reasons that start with this leave a row out by the user's choice (the row filter, a
   * placeholder customer id): neither used nor quarantined, counted apart in the manifest.
   */
  public static final String EXCLUDED = "excluded:";

  private final InputSettings settings;
  private final Dataset<Row> flagged;
  private final List<String> columns;

  ValidatedInput(InputSettings settings, Dataset<Row> flagged, List<String> columns) {
    this.settings = settings;
    this.flagged = flagged;
    this.columns = List.copyOf(columns);
  }

  public TableKind table() {
    return settings.table();
  }

  public InputSettings settings() {
    return settings;
  }

  /** All rows with {@code _reason} and {@code _event_date}, for counting. */
  public Dataset<Row> flagged() {
    return flagged;
  }

  /** A copy with other rows (the same columns, or helper columns a rule adds and drops). */
  ValidatedInput withRows(Dataset<Row> rows) {
    return new ValidatedInput(settings, rows, columns);
  }

  /**
   * The reason column after a rule: rows still usable that fail {@code failed} get {@code reason}.
   */
  static Column reasonAfter(Column failed, String reason) {
    Column current = col(ValidatedInput.REASON);
    return when(current.isNull().and(coalesce(failed, lit(false))), lit(reason)).otherwise(current);
  }

  /**
   * A copy that keeps the source row and file only where the quarantine needs them: on rows that
   * cannot be used, and on rows where {@code mayFailLater} (a rule still to run may flag them).
   * What is kept for the run is then little more than the canonical columns.
   */
  ValidatedInput compacted(Column mayFailLater) {
    Column keep = unusable().or(coalesce(mayFailLater, lit(false)));
    return withRows(
        flagged
            .withColumn(TypedInput.RAW, when(keep, col(TypedInput.RAW)))
            .withColumn(TypedInput.SOURCE_FILE, when(keep, col(TypedInput.SOURCE_FILE))));
  }

  /** A copy whose rows the work area has written once and reads back. */
  ValidatedInput kept(String name, WorkArea work) {
    return withRows(work.keep(name, flagged));
  }

  /** The usable rows up to and including {@code asOf}, canonical columns only. */
  public Dataset<Row> clean(LocalDate asOf) {
    return flagged
        .where(col(ValidatedInput.REASON).isNull().and(inScope(asOf)))
        .select(columns.stream().map(c -> col(c)).toArray(Column[]::new));
  }

  /**
   * Rows up to {@code asOf} that cannot be used, in the quarantine table's layout. With a
   * pseudonymiser, the source row's customer id column carries the pseudonym of the canonical id
   * instead.
   */
  public Dataset<Row> quarantined(LocalDate asOf, Optional<Pseudonymiser> pseudonymiser) {
    Column raw = col(TypedInput.RAW);
    if (pseudonymiser.isPresent() && columns.contains("customer_id")) {
      Pseudonymiser p = pseudonymiser.get();
      raw =
          raw.withField(
              TypedInput.quoted(settings.sourceColumn("customer_id")), p.apply(col("customer_id")));
      // An id computed by an expression: every source column it reads holds (part of) the id.
      for (String source : feeding("customer_id")) {
        raw = raw.withField(TypedInput.quoted(source), p.apply(raw.getField(source)));
      }
    }
    return flagged
        .where(unusable().and(inScope(asOf)))
        .select(
            lit(table().key()).as(Quarantine.TABLE),
            col(ValidatedInput.REASON).as(Quarantine.REASON),
            to_json(raw).as(Quarantine.ROW_JSON),
            col(TypedInput.SOURCE_FILE).as(Quarantine.SOURCE_FILE));
  }

  /**
   * The source columns that {@code canonical}'s expression reads, as named in the source row (none
   * when the column is mapped, not computed).
   */
  List<String> feeding(String canonical) {
    String expression = settings.expressions().get(canonical);
    if (expression == null) {
      return List.of();
    }
    List<String> referenced = new java.util.ArrayList<>();
    scala.collection.Iterator<org.apache.spark.sql.catalyst.expressions.Attribute> it =
        org.apache.spark.sql.functions.expr(expression).expr().references().iterator();
    while (it.hasNext()) {
      referenced.add(it.next().name().replace("`", ""));
    }
    List<String> out = new java.util.ArrayList<>();
    for (org.apache.spark.sql.types.StructField f :
        ((org.apache.spark.sql.types.StructType) flagged.schema().apply(TypedInput.RAW).dataType())
            .fields()) {
      if (referenced.stream().anyMatch(r -> r.equalsIgnoreCase(f.name()))) {
        out.add(f.name());
      }
    }
    return out;
  }

  /** A row flagged as unusable (not one left out by the user's choice). */
  private static Column unusable() {
    Column reason = col(ValidatedInput.REASON);
    return reason.isNotNull().and(not(reason.startsWith(ValidatedInput.EXCLUDED)));
  }

  /** Whether a row's event date is on or before the as-of date (rows without one are kept). */
  static Column inScope(LocalDate asOf) {
    Column date = col(ValidatedInput.EVENT_DATE);
    return date.isNull().or(date.leq(Periods.date(asOf)));
  }
}
