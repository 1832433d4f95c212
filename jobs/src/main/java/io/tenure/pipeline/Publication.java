package io.tenure.pipeline;

import io.tenure.errors.Errors;
import io.tenure.io.OutputWriter;
import io.tenure.io.Pseudonymiser;
import io.tenure.pipeline.family.TableFamily;
import io.tenure.validate.Quarantine;
import io.tenure.validate.ValidatedInput;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The tables of one run on their way out: each staged under its declared contract (a table whose
 * columns differ from its declaration stops the run before anything is published), counted, and
 * published together with the manifest by the {@link OutputWriter}.
 */
final class Publication implements TableFamily.Staging {
  static final OutputTable QUARANTINE =
      new OutputTable(
          Quarantine.NAME,
          Quarantine.SCHEMA,
          List.of(),
          "input rows that could not be used, with the reason and their origin",
          1);

  private static final Logger LOG = LoggerFactory.getLogger("io.tenure");

  private final SparkSession spark;
  private final OutputWriter writer;
  private final Map<String, Long> rows = new LinkedHashMap<>();
  // Per table, what the manifest says about rows taken from an earlier run.
  private final Map<String, Map<String, String>> provenance = new LinkedHashMap<>();

  Publication(SparkSession spark, OutputWriter writer) {
    this.spark = spark;
    this.writer = writer;
  }

  @Override
  public Dataset<Row> stage(OutputTable table, Dataset<Row> df) {
    checkContract(table, df);
    long n =
        Stages.run(
            spark,
            table.name() + ":write",
            "Compute and stage " + table.name(),
            () -> writer.stage(table.name(), df, table.files()));
    LOG.info("Staged {} ({} rows)", table.name(), n);
    rows.put(table.name(), n);
    return writer.readStaged(table.name());
  }

  @Override
  public Dataset<Row> stageUnchanged(OutputTable table, Dataset<Row> df, java.time.LocalDate from) {
    LOG.info(
        "{}: nothing it reads changed since the run as of {}: its table again", table.name(), from);
    provenance.put(table.name(), Map.of("same_as_as_of", from.toString()));
    return stage(table, df);
  }

  @Override
  public Dataset<Row> stageRecomputed(
      OutputTable table,
      Dataset<Row> df,
      java.time.LocalDate earlierAsOf,
      java.time.LocalDate recomputedFrom) {
    LOG.info(
        "{}: periods from {} recomputed, earlier ones as the run as of {} published them",
        table.name(),
        recomputedFrom,
        earlierAsOf);
    Map<String, String> note = new LinkedHashMap<>();
    note.put("recomputed_from", recomputedFrom.toString());
    note.put("earlier_periods_as_of", earlierAsOf.toString());
    provenance.put(table.name(), note);
    return stage(table, df);
  }

  @Override
  public void stageDirectory(String name, java.util.function.Consumer<String> write) {
    Stages.run(
        spark,
        name + ":write",
        "Stage " + name,
        () -> {
          writer.stageDirectory(name, write);
          return null;
        });
    LOG.info("Staged {}", name);
  }

  /** Stages the rows of every input that cannot be used, up to the as-of date. */
  void stageQuarantine(
      Collection<ValidatedInput> inputs,
      java.time.LocalDate asOf,
      Optional<Pseudonymiser> pseudonymiser) {
    Dataset<Row> quarantine = spark.createDataFrame(List.of(), Quarantine.SCHEMA);
    for (ValidatedInput in : inputs) {
      quarantine = quarantine.unionByName(in.quarantined(asOf, pseudonymiser));
    }
    // Shuffled into the table's one file, not coalesced: a coalesce would scan every input row in
    // one task (an incremental run's state rows cannot be filtered in the scan; 9.7 M rows in one
    // task at scale M), where a shuffle moves only the few quarantined rows.
    stage(QUARANTINE, quarantine.repartition(QUARANTINE.files()));
  }

  /**
   * Per table with rows from an earlier run, the manifest fields that say which: {@code
   * same_as_as_of} (the whole table), or {@code recomputed_from} and {@code earlier_periods_as_of}.
   */
  Map<String, Map<String, String>> provenance() {
    return provenance;
  }

  /** Rows per staged table, in staging order. */
  Map<String, Long> rows() {
    return rows;
  }

  /** Names, types and order of the columns as declared; nullability is Spark's business. */
  static void checkContract(OutputTable table, Dataset<Row> df) {
    StructField[] found = df.schema().fields();
    StructField[] declared = table.schema().fields();
    boolean same = found.length == declared.length;
    for (int i = 0; same && i < found.length; i++) {
      same =
          found[i].name().equals(declared[i].name())
              && found[i].dataType().simpleString().equals(declared[i].dataType().simpleString());
    }
    if (!same) {
      throw Errors.invariant(
          table.name()
              + ": the computed columns ("
              + OutputTable.describe(df.schema())
              + ") differ from the declared ones ("
              + OutputTable.describe(table.schema())
              + ")");
    }
  }
}
